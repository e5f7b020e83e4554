// The kiosk's confirmation: the number stays on screen while the ticket prints, then the kiosk goes back
// to its start for the next customer by itself. The way back is a timer, not "afterprint": headless and
// printer-less kiosks never fire it, and a slow or jammed printer must not hold the screen.
(function () {
  "use strict";
  var issued = document.getElementById("issued");
  if (!issued) return;
  setTimeout(function () {
    // replace, not assign: the kiosk's history never leads back to a ticket (and a second print).
    window.location.replace(issued.dataset.returnUrl);
  }, Number(issued.dataset.returnAfter) * 1000);
  // After the confirmation is painted: in some browsers print() blocks the page until the job is spooled.
  window.requestAnimationFrame(function () { setTimeout(function () { window.print(); }, 100); });
})();

// The kiosk's confirmation: the number stays on screen while the ticket prints, then the kiosk goes back
// to its start for the next customer by itself. The way back is a timer, not "afterprint": headless and
// printer-less kiosks never fire it, and a slow or jammed printer must not hold the screen.
(function () {
  "use strict";
  var issued = document.getElementById("issued");
  if (!issued) return;
  var MM = 96 / 25.4;
  var ROOM = 70 * MM; // of the roll's 72 mm printable width, a little to spare

  // The paper's number in the largest type that fits the roll: a kiosk without a narrow face would
  // print it in a wide one, past the paper's edge.
  function fitNumber() {
    var number = document.querySelector(".paper-ticket .number");
    if (!number) return;
    number.style.removeProperty("font-size");
    var style = window.getComputedStyle(number);
    var canvas = document.createElement("canvas").getContext("2d");
    canvas.font = style.font;
    var width = canvas.measureText(number.textContent.trim()).width;
    if (width > ROOM) number.style.fontSize = (parseFloat(style.fontSize) * ROOM / width) + "px";
  }

  fitNumber();
  setTimeout(function () {
    // replace, not assign: the kiosk's history never leads back to a ticket (and a second print).
    window.location.replace(issued.dataset.returnUrl);
  }, Number(issued.dataset.returnAfter) * 1000);
  // A kiosk with a thermal printer of its own has printed already (printing/): no dialog then.
  if (issued.dataset.print !== "browser") return;
  // After the confirmation is painted: in some browsers print() blocks the page until the job is spooled.
  window.requestAnimationFrame(function () { setTimeout(function () { window.print(); }, 100); });
})();

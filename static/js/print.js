// The kiosk prints the ticket by itself, then goes back to its start for the next customer.
(function () {
  "use strict";
  var ticket = document.getElementById("paper-ticket");
  if (!ticket) return;
  var back = function () { window.location.assign(ticket.dataset.returnUrl); };
  window.addEventListener("afterprint", function () { setTimeout(back, 1500); });
  setTimeout(function () { window.print(); }, 300);
  // Browsers without afterprint (or a cancelled dialog) still return to the start.
  setTimeout(back, 15000);
})();

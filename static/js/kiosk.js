// The kiosk and the phone kiosk: keep each service's waiting count and estimate live, and give one ticket
// per tap.
(function () {
  "use strict";
  var F = window.Frontline;
  var form = document.querySelector("[data-branch]");
  if (!form) return;
  function render(state) {
    state.services.forEach(function (service) {
      var meta = form.querySelector('[data-code="' + service.code + '"] .meta');
      if (meta) meta.textContent = service.waiting + " waiting · " + F.about(service.estimated_wait);
    });
  }
  // A second tap while the first is on its way would print a second ticket: the first one counts.
  // (Not by disabling the buttons: a disabled submitter would drop the service from the form.)
  form.addEventListener("submit", function (event) {
    if (form.classList.contains("sending")) {
      event.preventDefault();
      return;
    }
    form.classList.add("sending");
  });
  // Back from the browser's page cache (a "back" gesture): ready for a tap again.
  window.addEventListener("pageshow", function () { form.classList.remove("sending"); });
  F.connect("/ws/branches/" + form.dataset.branch + "/", { onSnapshot: render, onMessage: render });
})();

// The kiosk and the phone kiosk: keep each service's waiting count and estimate live.
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
  F.connect("/ws/branches/" + form.dataset.branch + "/", { onSnapshot: render, onMessage: render });
})();

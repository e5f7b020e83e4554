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
      if (meta) meta.textContent = F.say("kiosk_waiting", { n: service.waiting }) + " · " + F.span(service.wait_range);
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
  // A kiosk left with priority switched on, or an error showing, would greet the next customer so: after
  // a while untouched it is the start again (the phone kiosk is one person's own device, so not there).
  var IDLE_MS = 30000;
  if (document.body.classList.contains("kiosk")) {
    var idle = null;
    var rest = function () {
      clearTimeout(idle);
      idle = setTimeout(function () {
        form.querySelectorAll('input[name="priority"]').forEach(function (input) { input.checked = false; });
        form.querySelectorAll(".message").forEach(function (node) { node.remove(); });
      }, IDLE_MS);
    };
    ["pointerdown", "keydown", "change"].forEach(function (type) { document.addEventListener(type, rest, true); });
    rest();
  }
  F.connect("/ws/branches/" + form.dataset.branch + "/", { onSnapshot: render, onMessage: render });
})();

// The lobby display: renders every update from the branch socket, and makes each call seen and heard.
(function () {
  "use strict";
  var F = window.Frontline;
  var root = document.getElementById("display");
  if (!root) return;
  var RECENT = 7;
  var speak = root.dataset.speakCalls === "true";

  function render(state) {
    speak = state.speak_calls;
    var calls = state.recent_calls || [];
    var now = calls[0];
    document.getElementById("called-number").textContent = now ? now.number : "–";
    document.getElementById("called-counter").textContent = now ? "Counter " + now.counter : "Welcome";
    var recent = document.getElementById("recent-calls");
    recent.replaceChildren.apply(recent, calls.slice(1, RECENT + 1).map(function (call) {
      var item = F.el("li");
      item.append(F.el("span", "number", call.number), F.el("span", "counter", "Counter " + call.counter));
      return item;
    }));
    var waiting = document.getElementById("waiting");
    waiting.replaceChildren.apply(waiting, state.services.map(function (service) {
      var item = F.el("li");
      item.dataset.code = service.code;
      item.append(
        F.el("span", "name", service.code + " · " + service.name),
        F.el("span", "count", String(service.waiting)),
        F.el("span", "estimate", F.about(service.estimated_wait))
      );
      return item;
    }));
  }

  // "A007" is read as "A 0 0 7": every character on its own, as a person at a counter would say it.
  function announce(message) {
    var panel = root.querySelector(".now-serving");
    panel.classList.remove("flash");
    void panel.offsetWidth; // restart the animation
    panel.classList.add("flash");
    F.chime();
    if (speak && "speechSynthesis" in window) {
      var words = "Ticket " + message.number.split("").join(" ") + ", counter " + message.counter;
      window.setTimeout(function () {
        window.speechSynthesis.speak(new SpeechSynthesisUtterance(words));
      }, 900);
    }
  }

  var clock = document.getElementById("clock");
  // 24-hour, as the server draws it before this script runs: the clock must not change its look a second later.
  var format = new Intl.DateTimeFormat(undefined, { timeZone: root.dataset.timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  function tick() { clock.textContent = format.format(new Date()); }
  tick();
  setInterval(tick, 1000);

  F.connect("/ws/branches/" + root.dataset.branch + "/", {
    onSnapshot: render,
    onMessage: function (message) {
      render(message);
      if (message.type === "called") announce(message);
    },
  });
})();

// The lobby display: renders every update from the branch socket, and makes each call seen and heard.
(function () {
  "use strict";
  var F = window.Frontline;
  var root = document.getElementById("display");
  if (!root) return;
  var speak = root.dataset.speakCalls === "true";

  // The big panel: the call in effect (a recall included), or a welcome when nobody is at a counter.
  function showCall(call, state) {
    var number = document.getElementById("called-number");
    number.textContent = call ? call.number : F.say("welcome");
    root.querySelector(".now-serving").classList.toggle("idle", !call);
    document.getElementById("called-counter").textContent = call
      ? F.say("counter", { name: call.counter })
      : F.say(state.queue && state.queue.length ? "wait_for_your_number" : "take_a_ticket");
  }

  function render(state) {
    speak = state.speak_calls;
    showCall(state.calling, state);
    var list = document.getElementById("at-counters");
    list.replaceChildren.apply(list, state.counters.filter(function (counter) { return counter.serving; })
      .map(function (counter) {
        var item = F.el("li");
        item.append(F.el("span", "number", counter.serving.number),
                    F.el("span", "counter", F.say("counter", { name: counter.name })));
        return item;
      }));
    var waiting = document.getElementById("waiting");
    waiting.replaceChildren.apply(waiting, state.services.map(function (service) {
      var item = F.el("li");
      item.dataset.code = service.code;
      item.append(
        F.el("span", "name", service.code + " · " + service.name),
        F.el("span", "count", String(service.waiting)),
        F.el("span", "estimate", F.span(service.wait_range))
      );
      return item;
    }));
    var busier = document.getElementById("busier");
    busier.replaceChildren.apply(busier, state.services.filter(function (service) {
      return F.passed(service.behind_target_at);
    }).map(function (service) { return F.el("li", null, F.say("busier", { service: service.name })); }));
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

  var last = null;
  // A queue passes its target while nothing moves: redraw from the last message now and then.
  setInterval(function () { if (last) render(last); }, 15000);
  F.connect("/ws/branches/" + root.dataset.branch + "/", {
    onSnapshot: function (state) { last = state; render(state); },
    onMessage: function (message) {
      last = message;
      render(message);
      if (message.type === "called") {
        // The call being made, even when a later call of the same burst is the state's latest.
        showCall(message, message);
        announce(message);
      }
    },
  });
})();

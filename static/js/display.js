// The lobby display: renders every update from the branch socket, and makes each call seen and heard.
(function () {
  "use strict";
  var F = window.Frontline;
  var root = document.getElementById("display");
  if (!root) return;
  var speak = root.dataset.speakCalls === "true";
  var digitsAsWords = root.dataset.digitsAsWords === "true";

  // A phrase in each of the branch's languages, the first to read and the others under it (frontline.py:
  // say_in draws the first paint the same way). The number itself is never repeated, so it never moves.
  function sayIn(node, key, values) {
    node.replaceChildren.apply(node, F.languages().map(function (code) {
      var line = F.el("span", "in-language", F.say(key, values || {}, code));
      line.lang = code;
      line.dir = F.direction(code);
      return line;
    }));
    return node;
  }

  // The big panel: the call in effect (a recall included), or a welcome when nobody is at a counter.
  function showCall(call, state) {
    var number = document.getElementById("called-number");
    if (call) number.textContent = call.number;
    else sayIn(number, "welcome");
    root.querySelector(".now-serving").classList.toggle("idle", !call);
    var counter = document.getElementById("called-counter");
    if (call) sayIn(counter, "counter", { name: call.counter });
    else sayIn(counter, state.queue && state.queue.length ? "wait_for_your_number" : "take_a_ticket");
  }

  function render(state) {
    speak = state.speak_calls;
    showCall(state.calling, state);
    var list = document.getElementById("at-counters");
    list.replaceChildren.apply(list, state.counters.filter(function (counter) { return counter.serving; })
      .map(function (counter) {
        var item = F.el("li");
        item.append(F.el("span", "number", counter.serving.number),
                    sayIn(F.el("span", "counter"), "counter", { name: counter.name }));
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
    }).map(function (service) { return sayIn(F.el("li"), "busier", { service: service.name }); }));
  }

  // "A007" is read as "A 0 0 7": every character on its own, as a person at a counter would say it; a
  // branch that prefers words has each digit said as a word of the language ("A sero sero pito").
  function spokenCall(number, counter, code, asWords) {
    var digits = F.say("digits", {}, code).split(" ");
    var spelled = number.split("").map(function (character) {
      return asWords && /[0-9]/.test(character) ? digits[Number(character)] : character;
    }).join(" ");
    return F.say("spoken_call", { number: spelled, counter: counter }, code);
  }

  // The device's own voices that speak a language, as their `lang` tags name it; offline ones first.
  var VOICE_TAGS = { "zh-hant": ["zh-tw", "zh-hk", "zh-hant", "yue"], fil: ["fil", "tl"], pt: ["pt-pt", "pt"] };
  function voiceFor(code, voices) {
    var tags = VOICE_TAGS[code] || [code];
    for (var i = 0; i < tags.length; i += 1) {
      var speaking = voices.filter(function (voice) {
        var tag = String(voice.lang).toLowerCase().replace(/_/g, "-");
        return tag === tags[i] || tag.indexOf(tags[i] + "-") === 0;
      });
      if (speaking.length) return speaking.filter(function (voice) { return voice.localService; })[0] || speaking[0];
    }
    return null; // never a voice of another language: that language is left to the chime
  }

  // What is said, in which voice, for each of the branch's languages in its order.
  function utterances(number, counter, voices) {
    return F.languages().map(function (code) {
      return { language: code, voice: voiceFor(code, voices), text: spokenCall(number, counter, code, digitsAsWords) };
    }).filter(function (said) { return said.voice; });
  }
  F.spokenCall = spokenCall;
  F.voiceFor = voiceFor;
  F.utterances = utterances;

  function announce(message) {
    var panel = root.querySelector(".now-serving");
    panel.classList.remove("flash");
    void panel.offsetWidth; // restart the animation
    panel.classList.add("flash");
    F.chime();
    if (speak && "speechSynthesis" in window) {
      window.setTimeout(function () {
        utterances(message.number, message.counter, window.speechSynthesis.getVoices()).forEach(function (said) {
          var utterance = new SpeechSynthesisUtterance(said.text);
          utterance.voice = said.voice;
          utterance.lang = said.voice.lang;
          window.speechSynthesis.speak(utterance);
        });
      }, 900);
    }
  }

  var clock = document.getElementById("clock");
  // 24-hour, as the server draws it before this script runs: the clock must not change its look a second later.
  var format = new Intl.DateTimeFormat(document.documentElement.lang, { numberingSystem: "latn", timeZone: root.dataset.timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
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

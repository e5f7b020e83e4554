// One live connection to a Frontline websocket, kept alive for weeks without anyone pressing reload.
//
// It reconnects by itself with exponential backoff and jitter (so a hundred screens do not all knock at
// once after a restart), asks for a fresh snapshot when it sees a gap in the sequence numbers, and treats
// a connection that has been silent for longer than two heartbeats as dead.
(function () {
  "use strict";

  var SILENCE_MS = 50000; // the server beats every 20 s
  var MAX_BACKOFF_MS = 30000;

  function connect(path, handlers) {
    var socket = null;
    var attempt = 0;
    var lastSeq = null;
    var snapshotSeq = null;
    var watchdog = null;
    var retryTimer = null;

    function sync() {
      if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: "sync" }));
    }

    function status(online) {
      document.documentElement.classList.toggle("offline", !online);
      if (handlers.onStatus) handlers.onStatus(online);
    }

    function resetWatchdog() {
      clearTimeout(watchdog);
      watchdog = setTimeout(function () {
        if (socket) socket.close(); // silent too long: the onclose handler reconnects
      }, SILENCE_MS);
    }

    function scheduleReconnect() {
      clearTimeout(retryTimer);
      var base = Math.min(MAX_BACKOFF_MS, 1000 * Math.pow(2, attempt));
      var delay = base / 2 + Math.random() * base / 2;
      attempt += 1;
      retryTimer = setTimeout(open, delay);
    }

    function open() {
      var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
      try {
        socket = new WebSocket(scheme + window.location.host + path);
      } catch (error) {
        scheduleReconnect();
        return;
      }
      socket.onopen = function () {
        attempt = 0;
        resetWatchdog();
      };
      socket.onmessage = function (event) {
        resetWatchdog();
        var message;
        try { message = JSON.parse(event.data); } catch (error) { return; }
        if (message.type === "snapshot") {
          var release = document.documentElement.dataset.release;
          if (release && message.release && message.release !== release) {
            // A new release was deployed while this screen was open: load its pages and scripts.
            window.location.reload();
            return;
          }
          lastSeq = snapshotSeq = message.seq;
          status(true);
          handlers.onSnapshot(message);
          return;
        }
        if (message.type === "heartbeat") {
          // A beat carries the branch's latest sequence number: if ours differs, we missed something.
          if (lastSeq !== null && message.seq !== lastSeq) sync();
          return;
        }
        if (lastSeq !== null && typeof message.seq === "number") {
          // Every screen hears every change of its branch, numbered in turn; a phone also hears its own
          // ticket's message, which carries the same number as the branch's message for that change.
          // Already in the snapshot (a change made while it was built reaches the screen after it).
          if (message.seq <= snapshotSeq) return;
          if (message.seq < lastSeq) {
            // Older than what we show: the counter restarted (a cache restart); a restart to below the
            // snapshot's number is caught by the next heartbeat.
            lastSeq = null;
            sync();
            return;
          }
          if (message.seq > lastSeq + 1) sync();
          lastSeq = message.seq;
        }
        handlers.onMessage(message);
      };
      socket.onclose = function (event) {
        clearTimeout(watchdog);
        status(false);
        if (event.code === 4404) {
          // The branch or ticket no longer exists: reloading shows the page's own explanation.
          setTimeout(function () { window.location.reload(); }, 60000);
          return;
        }
        scheduleReconnect();
      };
      socket.onerror = function () { /* onclose follows and reconnects */ };
    }

    open();
    return { close: function () { if (socket) socket.close(); } };
  }

  window.Frontline = window.Frontline || {};
  window.Frontline.connect = connect;

  // The page's vocabulary in each language its screen shows (tickets/words.py: words_for, given by
  // base.html), the page's own first, so the scripts say what the server renders.
  var given = null;
  function vocabulary() {
    if (!given) {
      var data = document.getElementById("words");
      given = data ? JSON.parse(data.textContent) : { languages: [] };
    }
    return given;
  }
  window.Frontline.languages = function () { return vocabulary().languages; };
  window.Frontline.direction = function (language) { return vocabulary().directions[language] || "ltr"; };
  window.Frontline.words = function (language) {
    var all = vocabulary();
    return all[language || all.languages[0]] || {};
  };

  // The phrase `key` with its {placeholders} filled from `values`, as words.say does on the server, in
  // `language` (the page's own when not given). A phrase with a count has a form for each: words.Plural.
  window.Frontline.say = function (key, values, language) {
    var phrase = window.Frontline.words(language)[key];
    if (phrase === undefined) return "";
    if (phrase.forms) {
      var n = values.n;
      phrase = phrase.forms[Number(phrase.of.charAt(n < phrase.of.length ? n : 100 + n % 100))];
    }
    return phrase.replace(/\{(\w+)\}/g, function (whole, name) {
      return values && values[name] !== undefined ? String(values[name]) : whole;
    });
  };

  // Seconds as people say them, the same words the server renders (words.minutes).
  window.Frontline.minutes = function (seconds) {
    var say = window.Frontline.say;
    if (seconds === null || seconds === undefined) return say("unknown");
    if (seconds < 60) return say("under_a_minute");
    var total = Math.round(seconds / 60);
    var hours = Math.floor(total / 60), mins = total % 60;
    if (hours) return say("hours", { hours: hours, minutes: (mins < 10 ? "0" : "") + mins });
    return say("minutes", { minutes: mins });
  };

  window.Frontline.about = function (seconds) {
    if (seconds === null || seconds === undefined || seconds < 60) return window.Frontline.minutes(seconds);
    return window.Frontline.say("about", { duration: window.Frontline.minutes(seconds) });
  };

  // A range of seconds as people say it (words.span): "8-14 min", "up to 3 min", "50 min to 1 h 10 min".
  window.Frontline.span = function (range) {
    var F = window.Frontline;
    if (!range) return F.say("unknown");
    var low = range[0], high = range[1];
    if (high <= 60) return F.say("under_a_minute");
    if (low === 0) return F.say("up_to", { duration: F.minutes(high) });
    if (high < 3600) return F.say("range_minutes", { low: Math.round(low / 60), high: Math.round(high / 60) });
    return F.say("range", { low: F.minutes(low), high: F.minutes(high) });
  };

  // How the queue moved (words.moved): the calls of the last 10 minutes, from their Unix seconds.
  window.Frontline.moved = function (times) {
    var F = window.Frontline;
    var since = Date.now() / 1000 - 600;
    var n = (times || []).filter(function (moment) { return moment > since; }).length;
    return n ? F.say("moved", { n: n }) : F.say("moved_none");
  };

  // Whether an ISO moment of the server's state has passed.
  window.Frontline.passed = function (iso) { return Boolean(iso) && Date.now() > Date.parse(iso); };

  // Seconds from an ISO moment of the server's state until now, never below zero.
  window.Frontline.secondsSince = function (iso) {
    return Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
  };

  // Variants drawn once by the template: show the elements under `root` whose data-when names one of
  // `names`, hide the others (the same rule the template applies on the first paint).
  window.Frontline.show = function (root, names) {
    root.querySelectorAll("[data-when]").forEach(function (node) {
      node.hidden = !node.dataset.when.split(" ").some(function (name) { return names.indexOf(name) !== -1; });
    });
  };

  // Put `text` in every text slot named `name` under `root`.
  window.Frontline.fill = function (root, name, text) {
    root.querySelectorAll('[data-slot="' + name + '"]').forEach(function (node) { node.textContent = text; });
  };

  // A timestamp shown as a ticking duration ("at the counter for 4 min"); none: the dash, and no ticking.
  window.Frontline.since = function (node, iso) {
    if (iso) {
      node.dataset.since = iso;
      node.textContent = window.Frontline.minutes(window.Frontline.secondsSince(iso));
    } else {
      delete node.dataset.since;
      node.textContent = window.Frontline.say("unknown");
    }
  };

  // A copy of a <template>'s one element: rows are drawn from the same partial the server renders.
  window.Frontline.clone = function (id) {
    return document.getElementById(id).content.firstElementChild.cloneNode(true);
  };

  // A short two-note chime made by the browser itself: no audio file, works offline.
  window.Frontline.chime = function () {
    var AudioContext = window.AudioContext || window.webkitAudioContext;
    if (!AudioContext) return;
    try {
      var context = window.Frontline._audio || (window.Frontline._audio = new AudioContext());
      [[660, 0], [880, 0.35]].forEach(function (note) {
        var oscillator = context.createOscillator();
        var gain = context.createGain();
        var start = context.currentTime + note[1];
        oscillator.frequency.value = note[0];
        oscillator.type = "sine";
        gain.gain.setValueAtTime(0.0001, start);
        gain.gain.exponentialRampToValueAtTime(0.4, start + 0.03);
        gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.6);
        oscillator.connect(gain).connect(context.destination);
        oscillator.start(start);
        oscillator.stop(start + 0.65);
      });
    } catch (error) { /* sound is a bonus, never a failure */ }
  };

  window.Frontline.el = function (tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  };

  // Durations keep counting between updates, from the server's own timestamps.
  setInterval(function () {
    document.querySelectorAll("[data-since]").forEach(function (node) {
      var seconds = (Date.now() - Date.parse(node.dataset.since)) / 1000;
      if (!isNaN(seconds)) node.textContent = window.Frontline.minutes(Math.max(0, seconds));
    });
  }, 15000);
})();

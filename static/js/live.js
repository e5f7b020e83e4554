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

  // Seconds as people say them, the same words the server renders.
  window.Frontline.minutes = function (seconds) {
    if (seconds === null || seconds === undefined) return "–";
    if (seconds < 60) return "under 1 min";
    var total = Math.round(seconds / 60);
    var hours = Math.floor(total / 60), mins = total % 60;
    return hours ? hours + " h " + (mins < 10 ? "0" : "") + mins + " min" : mins + " min";
  };

  window.Frontline.about = function (seconds) {
    var said = window.Frontline.minutes(seconds);
    return /^[0-9]/.test(said) ? "about " + said : said;
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
})();

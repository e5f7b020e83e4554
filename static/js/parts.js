// Pages whose live parts are rendered by the server (the phone page, the staff console): when the
// socket says something changed, fetch the page again and swap in the parts marked data-live, so the
// words on screen always come from one template.
(function () {
  "use strict";
  window.Frontline = window.Frontline || {};

  var RETRIES = 3;

  window.Frontline.refreshParts = function (onSwapped, attempt) {
    attempt = attempt || 0;
    // A refresh that fails (a restart, a 503) is tried again a little later: nothing else would
    // redraw the page until the next change.
    function retry() {
      if (attempt < RETRIES) setTimeout(function () { window.Frontline.refreshParts(onSwapped, attempt + 1); }, 2000 * (attempt + 1));
    }
    // A page whose live parts are cheaper to render alone names their address in data-live-source.
    var page = document.querySelector("[data-live-source]");
    var source = page ? page.dataset.liveSource : window.location.pathname;
    return fetch(source, { headers: { "X-Requested-With": "fetch" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) { retry(); return; }
        var fresh = new DOMParser().parseFromString(html, "text/html");
        document.querySelectorAll("[data-live]").forEach(function (part) {
          var replacement = fresh.getElementById(part.id);
          // A part the person is typing in keeps what they typed unless the part itself changed kind.
          if (!replacement) return;
          if (part.contains(document.activeElement) && part.dataset.live === replacement.dataset.live) return;
          // Keep the element itself (it may be an aria-live region) and change what is inside it,
          // so screen readers announce the change.
          part.className = replacement.className;
          part.dataset.live = replacement.dataset.live;
          part.replaceChildren.apply(part, Array.prototype.slice.call(replacement.childNodes));
        });
        if (onSwapped) onSwapped(fresh);
      })
      .catch(retry);
  };

  // Collapse a burst of updates into one fetch.
  window.Frontline.debounce = function (fn, ms) {
    var timer = null;
    return function () {
      clearTimeout(timer);
      timer = setTimeout(fn, ms);
    };
  };

  // "At the counter for 4 min" keeps counting between updates, from the server's own timestamps.
  setInterval(function () {
    document.querySelectorAll("[data-since]").forEach(function (node) {
      var seconds = (Date.now() - Date.parse(node.dataset.since)) / 1000;
      if (!isNaN(seconds)) node.textContent = window.Frontline.minutes(Math.max(0, seconds));
    });
  }, 15000);

  // A page marked data-live-branch (staff console, dashboard) refreshes its live parts on every change
  // in that branch, and once after each (re)connect so nothing missed while offline stays on screen.
  var page = document.querySelector("[data-live-branch]");
  if (page && window.Frontline.connect) {
    var refresh = window.Frontline.debounce(function () { window.Frontline.refreshParts(); }, 150);
    window.Frontline.connect("/ws/branches/" + page.dataset.liveBranch + "/", { onSnapshot: refresh, onMessage: refresh });
  }
})();

// The teller's console: one key per button (the live parts are kept fresh by parts.js).
(function () {
  "use strict";
  // Shortcuts press the button that shows the letter, so a refused action shows its message as a click would.
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target.closest && target.closest("input, textarea, select")) return;
    var button = document.querySelector('[data-key="' + event.key.toLowerCase() + '"]');
    if (button) {
      event.preventDefault();
      button.click();
    }
  });

  // "At the counter for 4 min" keeps counting between updates, from the server's own timestamps.
  setInterval(function () {
    document.querySelectorAll("[data-since]").forEach(function (node) {
      var seconds = (Date.now() - Date.parse(node.dataset.since)) / 1000;
      if (!isNaN(seconds)) node.textContent = window.Frontline.minutes(Math.max(0, seconds));
    });
  }, 15000);
})();

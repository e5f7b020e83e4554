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
})();

// The customer's phone: follows one ticket live and makes sure they notice when it is their turn.
(function () {
  "use strict";
  var F = window.Frontline;
  var page = document.getElementById("ticket-page");
  if (!page) return;
  var status = page.dataset.status;
  var recalls = Number(page.dataset.recalls || 0);
  var baseTitle = document.title;
  var flashing = null;

  function alertCalled(counter) {
    if (navigator.vibrate) navigator.vibrate([300, 150, 300, 150, 600]);
    F.chime();
    clearInterval(flashing);
    var on = false;
    flashing = setInterval(function () {
      on = !on;
      document.title = on ? "Your turn: counter " + counter : baseTitle;
    }, 1000);
    // Stop flashing once the person has looked.
    document.addEventListener("visibilitychange", function stop() {
      if (!document.hidden) { clearInterval(flashing); document.title = baseTitle; }
    }, { once: true });
  }

  var refresh = F.debounce(function () { F.refreshParts(); }, 100);
  var shown = null; // what the page shows, as last heard; null: as the server drew it on load

  function shownOf(state) {
    return [state.status, state.position, state.estimated_wait, state.counter, state.recall_count].join("|");
  }

  F.connect("/ws/tickets/" + page.dataset.token + "/", {
    onSnapshot: function (state) {
      // A snapshot comes on (re)connecting and after a missed message: redraw from the server's page
      // when anything the page shows differs from what it showed (status, place, estimate, counter).
      if (shownOf(state) !== shown) refresh();
      shown = shownOf(state);
      // Called while this phone was not hearing: alert now, as the message would have.
      if (state.status === "called" && status !== "called") alertCalled(state.counter);
      status = state.status;
      recalls = state.recall_count;
    },
    onMessage: function (state) {
      shown = shownOf(state);
      var calledNow = state.status === "called" && (status !== "called" || state.recall_count > recalls);
      status = state.status;
      recalls = state.recall_count;
      refresh();
      if (calledNow) alertCalled(state.counter);
    },
  });
})();

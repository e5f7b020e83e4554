// The customer's phone: follows one ticket live and makes sure they notice when it is their turn.
//
// It draws from the messages themselves, never by asking the server for the page again: the template drew
// every state once (ticket.html), and this shows the one that applies and fills its slots with the words
// of tickets/words.py. Its own ticket's messages carry its state; the branch's carry the queue, where it
// finds its place.
(function () {
  "use strict";
  var F = window.Frontline;
  var page = document.getElementById("ticket-page");
  if (!page) return;
  var CLOSED = ["served", "no_show", "cancelled"]; // Ticket.CLOSED_STATUSES
  var state = JSON.parse(document.getElementById("ticket-state").textContent);
  var section = document.getElementById("ticket-status");
  var baseTitle = document.title;
  var flashing = null;

  function alertCalled(counter) {
    if (navigator.vibrate) navigator.vibrate([300, 150, 300, 150, 600]);
    F.chime();
    clearInterval(flashing);
    var on = false;
    flashing = setInterval(function () {
      on = !on;
      document.title = on ? F.say("your_turn_title", { counter: counter }) : baseTitle;
    }, 1000);
    // Stop flashing once the person has looked.
    document.addEventListener("visibilitychange", function stop() {
      if (!document.hidden) { clearInterval(flashing); document.title = baseTitle; }
    }, { once: true });
  }

  // Which variants apply: the same rule as views.ticket_shows, which drew the first paint.
  function shows(ticket) {
    var over = ticket.expired || CLOSED.indexOf(ticket.status) !== -1;
    var action = null;
    if (ticket.status === "waiting" && !ticket.expired) action = "cancel";
    else if (ticket.has_feedback) action = "thanked";
    else if (over) action = "feedback";
    return [ticket.expired ? "expired" : ticket.status, action];
  }

  function render(ticket) {
    // The element stays (an aria-live region): its class and content change, so the change is announced.
    section.className = "ticket-status status-" + ticket.status;
    F.show(page, shows(ticket));
    F.fill(page, "service-name", ticket.service_name);
    if (ticket.position) {
      F.fill(page, "position", F.say("position", { n: ticket.position }));
      F.fill(page, "ahead", String(ticket.position - 1));
      F.fill(page, "estimate", F.minutes(ticket.estimated_wait));
    }
    if (ticket.counter) {
      F.fill(page, "counter", F.say("counter", { name: ticket.counter }));
      F.fill(page, "served", F.say("served", { counter: ticket.counter }));
      F.fill(page, "no-show", F.say("no_show", { counter: ticket.counter }));
    }
  }

  // Its place in the branch's queue: 1 + the tickets before it in its service, and that place's estimate.
  // Absent while its own state still says waiting: the branch message raced its own, which follows.
  function placeIn(queue) {
    var ahead = {};
    for (var i = 0; i < queue.length; i++) {
      var row = queue[i];
      if (row.number === state.number) return { position: (ahead[row.service] || 0) + 1, estimate: row.estimated_wait };
      ahead[row.service] = (ahead[row.service] || 0) + 1;
    }
    return null;
  }

  function follow(ticket) {
    var calledNow = ticket.status === "called" &&
      (state.status !== "called" || ticket.recall_count > state.recall_count);
    state = ticket;
    render(state);
    if (calledNow) alertCalled(state.counter);
  }

  F.connect("/ws/tickets/" + state.token + "/", {
    // On (re)connecting and after a missed message: called while this phone was not hearing alerts now.
    onSnapshot: follow,
    onMessage: function (message) {
      if (message.type === "ticket") { follow(message); return; }
      if (state.status !== "waiting" || state.expired || !message.queue) return;
      var place = placeIn(message.queue);
      if (!place) return;
      state.position = place.position;
      state.estimated_wait = place.estimate;
      render(state);
    },
  });
})();

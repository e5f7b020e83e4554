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
  var ALMOST = 2; // views.ALMOST: one person ahead, or none
  var state = JSON.parse(document.getElementById("ticket-state").textContent);
  var section = document.getElementById("ticket-status");
  var leave = document.getElementById("leave");
  var confirm = document.getElementById("leave-confirm");
  // "I'm leaving" pressed once: the question shows (drawn shown already when the server asked it).
  var confirming = !confirm.hidden;
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

  function isWaiting(ticket) { return ticket.status === "waiting" && !ticket.expired; }

  function isAlmost(ticket) { return isWaiting(ticket) && ticket.position && ticket.position <= ALMOST; }

  // Which variants apply: the same rule as views.ticket_shows, which drew the first paint.
  function shows(ticket) {
    var over = ticket.expired || CLOSED.indexOf(ticket.status) !== -1;
    var action = null;
    if (isWaiting(ticket)) action = confirming ? "confirm" : "cancel";
    else if (ticket.has_feedback) action = "thanked";
    else if (over && ticket.status !== "cancelled") action = "feedback"; // who left had no visit to rate
    var shown = [ticket.expired ? "expired" : ticket.status, action];
    if (isAlmost(ticket)) shown.push("almost");
    if (isWaiting(ticket) && F.passed(ticket.quote_ends_at)) shown.push("past-quote");
    if (isWaiting(ticket) && ticket.service_moves && F.passed(ticket.service_moves.behind_target_at)) shown.push("busier");
    if (isWaiting(ticket) && passedBy) shown.push("passed"); // seen live only: a reload does not know it
    return shown;
  }

  // The people after it in its service, as words.behind says them.
  function behind(n) {
    if (!n) return F.say("behind_none");
    return F.say("behind", { n: n });
  }

  function render(ticket) {
    // The element stays (an aria-live region): its class and content change, so the change is announced.
    section.className = "ticket-status status-" + ticket.status;
    if (!isWaiting(ticket)) confirming = false;
    F.show(page, shows(ticket));
    F.fill(page, "service-name", ticket.service_name);
    if (ticket.position) {
      F.fill(page, "position", F.say("position", { n: ticket.position }));
      F.fill(page, "ahead", String(ticket.position - 1));
      F.fill(page, "estimate", F.span(ticket.wait_range));
      F.fill(page, "behind", behind(ticket.behind));
      if (ticket.quoted_range) {
        F.fill(page, "past-quote", F.say("past_quote", { quoted: F.span(ticket.quoted_range), estimate: F.span(ticket.wait_range) }));
      }
    }
    if (ticket.service_moves) F.fill(page, "moved", F.moved(ticket.service_moves.recent_call_times));
    F.fill(page, "busier", F.say("busier", { service: ticket.service_name }));
    if (passedBy) F.fill(page, "passed", F.say(passedBy));
    if (ticket.counter) {
      F.fill(page, "counter", F.say("counter", { name: ticket.counter }));
      F.fill(page, "served", F.say("served", { counter: ticket.counter }));
      F.fill(page, "no-show", F.say("no_show", { counter: ticket.counter }));
    }
  }

  // Its place in the branch's queue: 1 + the tickets before it in its service, that place's estimate, and
  // the tickets of its service after it (state.ticket_state counts the same). Absent while its own state
  // still says waiting: the branch message raced its own, which follows.
  function placeIn(queue) {
    var ahead = {};
    var before = []; // the rows ahead of it in its service
    var place = null;
    for (var i = 0; i < queue.length; i++) {
      var row = queue[i];
      if (place) {
        if (row.service === place.service) place.behind += 1;
      } else if (row.number === state.number) {
        place = { service: row.service, position: (ahead[row.service] || 0) + 1, estimate: row.estimated_wait,
                  range: row.wait_range, behind: 0 };
      } else {
        ahead[row.service] = (ahead[row.service] || 0) + 1;
        before.push(row);
      }
    }
    if (place) place.ahead = before.filter(function (row) { return row.service === place.service; });
    return place;
  }

  // Why it moved back, when someone went ahead of it since the last message: a priority customer or a
  // customer transferred from another service (who had waited already). Fairness is what a wait is judged by.
  var passedBy = null; // the words of the latest reason it was passed
  function notePassed(ahead) {
    var first = ahead.filter(function (row) { return row.transferred || row.priority; });
    first.forEach(function (row) {
      if ((state.ahead_first || []).indexOf(row.number) !== -1) return;
      passedBy = row.transferred ? "passed_transfer" : "passed_priority";
    });
    return first.map(function (row) { return row.number; });
  }

  // A short buzz when one person is left ahead: the page's alert says it (and its live region announces it).
  function change(ticket) {
    var calledNow = ticket.status === "called" &&
      (state.status !== "called" || ticket.recall_count > state.recall_count);
    var almostNow = isAlmost(ticket) && !isAlmost(state);
    state = ticket;
    render(state);
    if (calledNow) alertCalled(state.counter);
    else if (almostNow && navigator.vibrate) navigator.vibrate(200);
  }

  leave.addEventListener("submit", function (event) {
    event.preventDefault();
    confirming = true;
    render(state);
    // The question is read out; the whole of it, with its two answers, comes into view.
    document.getElementById("leave-question").focus({ preventScroll: true });
    confirm.scrollIntoView({ block: "nearest" });
  });
  document.getElementById("leave-keep").addEventListener("click", function (event) {
    event.preventDefault();
    confirming = false;
    render(state);
    leave.querySelector("button").focus();
  });

  F.connect("/ws/tickets/" + state.token + "/", {
    // On (re)connecting and after a missed message: called while this phone was not hearing alerts now.
    onSnapshot: change,
    onMessage: function (message) {
      if (message.type === "ticket") { change(message); return; }
      if (!isWaiting(state) || !message.queue) return;
      var place = placeIn(message.queue);
      if (!place) return;
      var aheadFirst = notePassed(place.ahead);
      var service = (message.services || []).filter(function (row) { return row.code === place.service; })[0];
      change(Object.assign({}, state, {
        position: place.position, estimated_wait: place.estimate, wait_range: place.range, behind: place.behind,
        ahead_first: aheadFirst,
        service_moves: service ? { waiting_since: service.waiting_since, behind_target_at: service.behind_target_at,
                                   recent_call_times: service.recent_call_times } : state.service_moves,
      }));
    },
  });
  // Time alone passes a quote's top, a target, and calls out of the last 10 minutes: look again now and then.
  setInterval(function () { render(state); }, 15000);
})();

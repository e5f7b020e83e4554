// The teller's console: one key per button, and the counter drawn from each branch message.
//
// The template drew every variant once (staff_console.html); each message of the branch carries its
// counters and its queue, so this shows the variants that apply and fills their slots, without asking
// the server for the page again. Buttons stay form posts: what a press did is said by the page it loads.
(function () {
  "use strict";
  var F = window.Frontline;
  var root = document.getElementById("console");
  if (!root) return;
  var counterId = Number(root.dataset.counter);
  var names = JSON.parse(document.getElementById("service-names").textContent);
  var queue = document.getElementById("console-queue");
  var transfer = document.getElementById("transfer-service");
  var pauseOffer = document.getElementById("pause-offer");

  function nameOf(code) {
    return names[code] || code;
  }

  // Which variants apply: the same rule as staff.console_view, which drew the first paint.
  function shows(counter, waiting) {
    return [
      counter.serving ? "serving" : "idle",
      counter.status === "open" ? "open" : "stopped",
      waiting.length ? "waiting" : "nobody",
      pauseVariant(counter),
    ];
  }

  // Which pause is offered: the same rule as staff.pause_variant.
  function pauseVariant(counter) {
    if (counter.status !== "open") return "no-pause";
    if (counter.pause_after) return "pausing";
    return counter.serving ? "pause-after" : "pause-now";
  }

  function ticketRow(ticket) {
    var row = F.clone("console-ticket");
    F.fill(row, "number", ticket.number);
    F.fill(row, "service", nameOf(ticket.service) + (ticket.transferred ? F.say("transferred") : ticket.priority ? F.say("priority") : ""));
    F.since(row.querySelector('[data-slot="since"]'), ticket.issued_at);
    return row;
  }

  // A ticket is transferred to another service than its own: the current one is not offered.
  function offerTransfers(serving) {
    var current = serving ? serving.service : null;
    Array.prototype.forEach.call(transfer.options, function (option) {
      option.disabled = option.hidden = option.value === current;
    });
    var selected = transfer.options[transfer.selectedIndex];
    if (!selected || selected.disabled) {
      var first = Array.prototype.find.call(transfer.options, function (option) { return !option.disabled; });
      if (first) transfer.value = first.value;
    }
  }

  function render(state) {
    var counter = state.counters.find(function (row) { return row.id === counterId; });
    if (!counter) return;
    var waiting = state.queue.filter(function (ticket) { return counter.services.indexOf(ticket.service) !== -1; });
    F.show(root, shows(counter, waiting));
    var pill = root.querySelector('[data-slot="status"]');
    pill.className = "pill " + counter.status;
    pill.textContent = F.words().counter_status[counter.status] || counter.status;
    F.fill(root, "served-today", String(counter.served_today));
    F.fill(root, "resume", F.say(counter.status === "paused" ? "resume" : "open_counter"));
    var serving = counter.serving;
    if (serving) {
      F.fill(root, "serving-number", serving.number);
      F.fill(root, "serving-service", nameOf(serving.service) + (serving.priority ? F.say("priority") : ""));
      F.fill(root, "recalled", serving.recall_count ? F.say("recalled", { n: serving.recall_count }) : "");
      F.since(root.querySelector('[data-slot="serving-since"]'), serving.called_at);
    }
    offerTransfers(serving);
    // The pause offered after a long service stands while the counter is open with nobody at it; once it
    // calls someone or stops, the moment has passed (the server offers it no more either: care.pause_offer).
    if (pauseOffer && !(counter.status === "open" && !serving)) {
      pauseOffer.remove();
      pauseOffer = null;
    }
    F.fill(root, "waiting-heading", F.say("waiting_for_counter", { n: waiting.length }));
    queue.replaceChildren.apply(queue, waiting.map(ticketRow));
  }

  F.connect("/ws/branches/" + root.dataset.branch + "/", { onSnapshot: render, onMessage: render });

  // Shortcuts press the shown button that has the letter, so a refused action shows its message as a
  // click would; a hidden one (Recall with nobody at the counter) is not there for the teller.
  // Undo is offered for a few seconds after call next, no-show or close; the server refuses it after that too.
  var undo = document.getElementById("undo");
  if (undo) {
    window.setTimeout(function () { undo.hidden = true; }, parseFloat(undo.dataset.secondsLeft) * 1000);
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target.closest && target.closest("input, textarea, select")) return;
    var buttons = document.querySelectorAll('[data-key="' + event.key.toLowerCase() + '"]');
    var button = Array.prototype.find.call(buttons, function (node) { return !node.closest("[hidden]"); });
    if (button) {
      event.preventDefault();
      button.click();
    }
  });
})();

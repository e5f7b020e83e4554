// The dashboard's Now part, drawn from each branch message (the range's figures and charts are drawn
// when the page loads). Rows are copies of the <template>s rendered from the same partials as the first
// paint (_dashboard_service.html, _dashboard_counter.html), filled with the words of tickets/words.py.
(function () {
  "use strict";
  var F = window.Frontline;
  var root = document.getElementById("now");
  if (!root) return;
  var TICK_MS = 15000;
  var last = null;

  function waitedSeconds(since) {
    return since ? F.secondsSince(since) : null;
  }

  function serviceRow(service) {
    var row = F.clone("now-service");
    // Over its target once the longest current wait passes it: rule of _dashboard_service.html.
    row.classList.toggle("over-target", waitedSeconds(service.waiting_since) > service.target_wait);
    F.fill(row, "name", service.code + " " + service.name);
    F.fill(row, "waiting", String(service.waiting));
    F.since(row.querySelector('[data-slot="longest"]'), service.waiting_since);
    F.fill(row, "estimate", F.about(service.estimated_wait));
    F.fill(row, "target", F.minutes(service.target_wait));
    if (!row.className) row.removeAttribute("class");
    return row;
  }

  function counterRow(counter) {
    var row = F.clone("now-counter");
    F.fill(row, "name", counter.name);
    F.fill(row, "services", counter.services.join(" "));
    var pill = row.querySelector('[data-slot="status"]');
    pill.className = "pill " + counter.status;
    pill.textContent = F.words().counter_status[counter.status] || counter.status;
    F.fill(row, "serving", counter.serving ? counter.serving.number : F.say("unknown"));
    F.since(row.querySelector('[data-slot="for"]'), counter.serving && counter.serving.called_at);
    return row;
  }

  // The wait that began first, of every service's longest.
  function longestSince(services) {
    var began = services.map(function (s) { return s.waiting_since; }).filter(Boolean);
    began.sort(function (a, b) { return Date.parse(a) - Date.parse(b); });
    return began[0] || null;
  }

  function render(state) {
    last = state;
    var today = state.today, tiles = root.querySelector(".tiles");
    F.fill(tiles, "waiting", String(today.waiting));
    F.since(tiles.querySelector('[data-slot="longest"]'), longestSince(state.services));
    F.fill(tiles, "served", String(today.served));
    F.fill(tiles, "issued", String(today.issued));
    F.fill(tiles, "no-show", String(today.no_show));
    F.fill(tiles, "cancelled", String(today.cancelled));
    var services = document.getElementById("now-services");
    services.replaceChildren.apply(services, state.services.map(serviceRow));
    var counters = document.getElementById("now-counters");
    counters.replaceChildren.apply(counters, state.counters.map(counterRow));
  }

  F.connect("/ws/branches/" + root.dataset.branch + "/", { onSnapshot: render, onMessage: render });
  // A queue passes its target while nothing moves: redraw from the last message now and then.
  setInterval(function () { if (last) render(last); }, TICK_MS);
})();

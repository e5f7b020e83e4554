// The dashboard's Now part, drawn from each branch message (the range's figures and charts are drawn
// when the page loads). Rows are copies of the <template>s rendered from the same partials as the first
// paint (_dashboard_alert.html, _dashboard_service.html, _dashboard_counter.html), filled with the words of
// tickets/words.py.
(function () {
  "use strict";
  var F = window.Frontline;
  var TICK_MS = 15000;

  // --- The alerts: tickets/alerts.py's rule, line for line (its docstring says why there are two). ---

  function waited(service, now) {
    return service.waiting_since ? Math.max(0, (now - Date.parse(service.waiting_since)) / 1000) : null;
  }

  function overTarget(service, now) {
    var seconds = waited(service, now);
    return seconds !== null && seconds > service.target_wait;
  }

  function idleCounters(service, counters) {
    return counters.filter(function (counter) {
      return counter.status === "open" && counter.staffed && counter.serving === null &&
        counter.services.indexOf(service.code) !== -1;
    }).map(function (counter) { return counter.name; });
  }

  // The warnings for the branch state `state` at `now` (milliseconds), worst first: [{kind, text}].
  function alertsOf(state, now) {
    var found = [];
    state.services.forEach(function (service) {
      if (overTarget(service, now)) {
        found.push({ kind: "over-target", text: F.say("alert_over_target", {
          service: service.name, wait: F.minutes(waited(service, now)), target: F.minutes(service.target_wait) }) });
      }
    });
    state.services.forEach(function (service) {
      var idle = service.waiting ? idleCounters(service, state.counters) : [];
      if (idle.length) {
        found.push({ kind: "idle", text: F.say(idle.length === 1 ? "alert_idle_one" : "alert_idle_many", {
          service: service.name, n: service.waiting, counters: idle.join(", ") }) });
      }
    });
    state.counters.forEach(function (counter) {
      if (counter.status === "open" && !counter.staffed) {
        found.push({ kind: "unstaffed", text: F.say("alert_unstaffed", { counter: counter.name }) });
      }
    });
    return found;
  }

  F.dashboardAlerts = alertsOf;

  var root = document.getElementById("now");
  if (!root) return;
  var last = null;
  // Who was at each counter when the page was drawn (the dashboard's own: the branch's message never names them).
  var tellers = JSON.parse(document.getElementById("now-tellers").textContent);

  function alertItem(alert) {
    var item = F.clone("now-alert");
    item.className = "alert " + alert.kind;
    item.textContent = alert.text;
    return item;
  }

  function serviceRow(service, now) {
    var row = F.clone("now-service");
    row.classList.toggle("over-target", overTarget(service, now));
    F.fill(row, "name", service.name);
    F.fill(row, "waiting", String(service.waiting));
    F.since(row.querySelector('[data-slot="longest"]'), service.waiting_since);
    F.fill(row, "estimate", F.about(service.estimated_wait));
    F.fill(row, "target", F.minutes(service.target_wait));
    if (!row.className) row.removeAttribute("class");
    return row;
  }

  function tellerOf(counter) {
    if (!counter.staffed) return F.say("nobody_signed_in");
    return tellers[String(counter.id)] || F.say("someone_signed_in");
  }

  function counterRow(counter) {
    var row = F.clone("now-counter");
    F.fill(row, "name", counter.name);
    F.fill(row, "services", counter.services.join(" "));
    var teller = row.querySelector('[data-slot="teller"]');
    teller.textContent = tellerOf(counter);
    teller.classList.toggle("muted", !counter.staffed);
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
    var now = Date.now();
    // A teller who left is forgotten: whoever signs in there next is not known by name here.
    state.counters.forEach(function (counter) { if (!counter.staffed) delete tellers[String(counter.id)]; });
    var today = state.today, tiles = root.querySelector(".tiles");
    var alerts = document.getElementById("now-alerts");
    alerts.replaceChildren.apply(alerts, alertsOf(state, now).map(alertItem));
    F.fill(tiles, "waiting", String(today.waiting));
    F.since(tiles.querySelector('[data-slot="longest"]'), longestSince(state.services));
    F.fill(tiles, "served", String(today.served));
    F.fill(tiles, "issued", String(today.issued));
    F.fill(tiles, "no-show", String(today.no_show));
    F.fill(tiles, "cancelled", String(today.cancelled));
    var services = document.getElementById("now-services");
    services.replaceChildren.apply(services, state.services.map(function (s) { return serviceRow(s, now); }));
    var counters = document.getElementById("now-counters");
    counters.replaceChildren.apply(counters, state.counters.map(counterRow));
  }

  F.connect("/ws/branches/" + root.dataset.branch + "/", { onSnapshot: render, onMessage: render });
  // A queue passes its target while nothing moves: redraw from the last message now and then.
  setInterval(function () { if (last) render(last); }, TICK_MS);
})();

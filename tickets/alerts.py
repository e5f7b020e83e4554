"""What the dashboard warns a manager of, at its top, read from the branch state every screen is sent.

Three warnings, worst first:

- a service is over its target now: its longest current wait (``waiting_since``) is beyond ``target_wait``;
- a queue waits while a counter stands idle: a service has people waiting and an open counter that calls
  it, with a teller signed in (``staffed``), has nobody at it;
- a counter is open with nobody signed in: it calls nobody, and the estimates leave it out.

Where the rule lives. The first paint is this module's ``alerts(state, now)``; the live part is drawn by
static/js/dashboard.js from each websocket message alone (no address of its own to fetch, and nothing in
tickets/state.py, which the public screens share: their message is built once per broadcast, never per
screen). The script has to judge for itself anyway: a wait passes its target while nothing happens and no
message comes. So the rule has two spellings, this one and ``alertsOf`` in dashboard.js, which follows it
line for line and says only words of tickets/words.py; tests/browser/test_dashboard_screens.py runs both
over the same table of states and requires the same alerts, and a live page to show what a fresh load shows.
"""

import datetime

from . import words
from .models import Counter


def waited(service, now):
    """Seconds the longest current wait of a service's row has lasted, None when nobody waits."""
    since = service["waiting_since"]
    return max(0, (now - datetime.datetime.fromisoformat(since)).total_seconds()) if since else None


def over_target(service, now):
    """Whether someone in the service's queue has waited beyond its target (strictly)."""
    seconds = waited(service, now)
    return seconds is not None and seconds > service["target_wait"]


def idle_counters(service, counters):
    """The names of the open, staffed counters calling ``service`` that have nobody at them."""
    return [
        counter["name"]
        for counter in counters
        if counter["status"] == Counter.Status.OPEN and counter["staffed"] and counter["serving"] is None
        and service["code"] in counter["services"]
    ]


def alerts(state, now):
    """The warnings for the branch state ``state`` at ``now``: a list of ``{"kind", "text"}``, worst first."""
    found = []
    for service in state["services"]:
        if over_target(service, now):
            found.append({"kind": "over-target", "text": words.say(
                "alert_over_target", service=service["name"], wait=words.minutes(waited(service, now)),
                target=words.minutes(service["target_wait"]))})
    for service in state["services"]:
        idle = idle_counters(service, state["counters"]) if service["waiting"] else []
        if idle:
            found.append({"kind": "idle", "text": words.say(
                "alert_idle_one" if len(idle) == 1 else "alert_idle_many",
                service=service["name"], n=service["waiting"], counters=", ".join(idle))})
    for counter in state["counters"]:
        if counter["status"] == Counter.Status.OPEN and not counter["staffed"]:
            found.append({"kind": "unstaffed", "text": words.say("alert_unstaffed", counter=counter["name"])})
    return found

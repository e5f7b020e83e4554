"""The dashboard's alerts (tickets/alerts.py), judged from the branch state alone."""

import datetime as dt

from tickets import alerts

NOW = dt.datetime(2026, 6, 10, 9, 30, tzinfo=dt.timezone.utc)


def service(code="A", name="Deposits", waiting=0, waited=None, target=600):
    since = (NOW - dt.timedelta(seconds=waited)).isoformat() if waited is not None else None
    return {"code": code, "name": name, "waiting": waiting, "estimated_wait": None, "target_wait": target,
            "waiting_since": since}


def counter(name="1", status="open", staffed=True, services=("A",), serving=None):
    return {"id": int(name), "name": name, "status": status, "staffed": staffed, "services": list(services),
            "served_today": 0, "serving": {"number": "A001", "called_at": NOW.isoformat()} if serving else None}


def texts(services, counters):
    return [(alert["kind"], alert["text"]) for alert in alerts.alerts({"services": services, "counters": counters}, NOW)]


def test_a_service_whose_longest_wait_is_beyond_its_target_is_over_it():
    busy = [counter(serving=True)]
    assert texts([service(waiting=2, waited=660)], busy) == [
        ("over-target", "Deposits: the longest wait is 11 min, over the 10 min target")]
    assert texts([service(waiting=2, waited=600)], busy) == []  # at its target, not beyond it
    assert texts([service()], busy) == []  # nobody waits


def test_a_queue_waiting_while_an_open_staffed_counter_of_its_service_has_nobody_is_an_alert():
    assert texts([service(waiting=3, waited=60)], [counter()]) == [
        ("idle", "Deposits: 3 waiting while counter 1 stands idle")]
    both = [counter(), counter("2", services=("A", "B"))]
    assert texts([service(waiting=1, waited=60)], both) == [
        ("idle", "Deposits: 1 waiting while counters 1, 2 stand idle")]


def test_counters_that_are_busy_paused_unstaffed_or_call_other_services_are_not_idle():
    waiting = [service(waiting=3, waited=60)]
    for other in [counter(serving=True), counter(status="paused"), counter(status="closed", staffed=False),
                  counter(services=("B",))]:
        assert texts(waiting, [other]) == [], other
    assert texts([service()], [counter()]) == []  # idle, but nobody waits


def test_a_counter_open_with_nobody_signed_in_is_an_alert():
    assert texts([service()], [counter("3", staffed=False)]) == [
        ("unstaffed", "Counter 3 is open with nobody signed in")]
    assert texts([service()], [counter("3", status="paused", staffed=False)]) == []


def test_alerts_come_worst_first():
    state = [service(waiting=4, waited=900), service("B", "Loans", waiting=1, waited=30, target=1200)]
    counters = [counter("3", staffed=False), counter("2", services=("B",))]
    assert [kind for kind, _ in texts(state, counters)] == ["over-target", "idle", "unstaffed"]


# Every kind of state the tests above judge, for tests/browser/test_dashboard_screens.py to judge again with
# dashboard.js: both spellings of the rule must give the same alerts.
CASES = [
    ([service(waiting=2, waited=660)], [counter(serving=True)]),
    ([service(waiting=2, waited=600)], [counter(serving=True)]),
    ([service(waiting=3, waited=60)], [counter(), counter("2", services=("A", "B"))]),
    ([service(waiting=3, waited=60)], [counter(status="paused"), counter("2", services=("B",))]),
    ([service()], [counter(), counter("3", staffed=False), counter("4", status="paused", staffed=False)]),
    ([service(waiting=4, waited=5400), service("B", "Loans", waiting=1, waited=30, target=1200)],
     [counter("3", staffed=False), counter("2", services=("B",)), counter("1", serving=True)]),
]

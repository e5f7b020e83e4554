"""Issue 16, item 10: per teller, customers served, time at the counter without a break, and share of the
branch's load, for the manager."""

import pytest

from tickets import actions, care

from .care_floor import at, clock, serve  # noqa: F401 - fixtures

pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def day(clock, deposits, loans, counter, counter2, teller, colleague):
    """The teller serves three customers (6 minutes each), the colleague one of 12 minutes and a no-show of 2."""
    for m in (0, 10, 20):
        serve(counter, deposits, arrive=m, wait=1, service_minutes=6, by=teller)
    serve(counter2, loans, arrive=0, wait=1, service_minutes=12, by=colleague)
    actions.issue_ticket(loans, now=at(30))
    actions.call_next(counter2, by=colleague, now=at(31))
    actions.mark_no_show(counter2, by=colleague, now=at(33))


def test_each_tellers_customers_and_share_of_the_load(branch, day):
    rows = {row["staff"]: row for row in care.tellers(branch, at(0).date(), at(0).date())}
    teller, colleague = rows["teller"], rows["colleague"]
    assert (teller["served"], teller["service_seconds"]) == (3, 18 * 60)
    assert (colleague["served"], colleague["service_seconds"]) == (1, 14 * 60)
    assert teller["served_share"] == 0.75 and colleague["served_share"] == 0.25
    assert teller["load_share"] == 18 / 32 and colleague["load_share"] == 14 / 32


def test_time_at_the_counter_without_a_break_runs_from_sign_in_then_from_the_last_break(branch, day, counter, counter2):
    at_counters = {row["staff"]: row for row in care.tellers_now(branch, at(40))}
    assert at_counters["teller"]["without_break_since"] == at(0)  # signed in at the start of the clock
    assert at_counters["teller"]["counter"] == "1" and at_counters["teller"]["today"]["served"] == 3
    actions.pause_counter(counter, now=at(40))
    on_break = {row["staff"]: row for row in care.tellers_now(branch, at(45))}["teller"]
    assert on_break["on_break"] and on_break["without_break_since"] is None
    actions.resume_counter(counter, now=at(50))
    back = {row["staff"]: row for row in care.tellers_now(branch, at(55))}["teller"]
    assert not back["on_break"] and back["without_break_since"] == at(50)


def test_the_manager_reads_the_workload_on_the_dashboard_and_the_api(client, clock, day, manager, counter):
    actions.pause_counter(counter, now=at(40))
    actions.resume_counter(counter, now=at(45))
    clock.move_to(at(105))
    client.force_login(manager)
    rows = {row["staff"]: row for row in client.get("/api/v1/branches/main/tellers/").json()}
    assert rows["teller"]["without_break_since"] == "2026-06-10T10:45:00+01:00"
    assert rows["teller"]["at_counter_since"] == "2026-06-10T10:00:00+01:00"
    assert rows["teller"]["today"]["served"] == 3 and rows["colleague"]["today"]["load_share"] == 14 / 32
    page = client.get("/b/main/stats/").content.decode()
    assert "At the counters now" in page and "Without a break for" in page and "1 h 00 min" in page
    assert "56%" in page  # the teller's share of the load


def test_only_the_branchs_managers_read_the_workload(client, teller, other_manager, counter):
    for user in (teller, other_manager):
        client.force_login(user)
        assert client.get("/api/v1/branches/main/tellers/").status_code == 403

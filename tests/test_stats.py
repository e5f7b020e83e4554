import datetime as dt

import pytest
import time_machine

from tickets import actions, stats
from tickets.models import Ticket

UTC = dt.timezone.utc
# 09:00 in Lisbon (UTC+1 in summer) is 08:00 UTC.
MORNING = dt.datetime(2026, 6, 10, 8, 0, tzinfo=UTC)


def at(minutes, action, *args, **kwargs):
    with time_machine.travel(MORNING + dt.timedelta(minutes=minutes), tick=False):
        return action(*args, **kwargs)


@pytest.mark.parametrize(
    "values, median, p90",
    [([], None, None), ([60], 60, 60), ([60, 120], 90, 114), ([10, 20, 30], 20, 28), ([1, 2, 3, 4], 2, 4)],
)
def test_percentiles_interpolate_between_ranks(values, median, p90):
    assert stats.percentile(values, 0.5) == median
    assert stats.percentile(values, 0.9) == p90


def test_waits_service_times_and_service_level(deposits, counter, teller):
    # Three customers: waits of 2, 8 and 14 minutes (target 10), each served for 6 minutes.
    tickets = [at(0, actions.issue_ticket, deposits) for _ in range(3)]
    at(2, actions.call_next, counter, by=teller)
    at(8, actions.call_next, counter, by=teller)
    at(14, actions.call_next, counter, by=teller)
    at(20, actions.mark_served, counter, by=teller)
    figures = stats.branch_stats(deposits.branch, dt.date(2026, 6, 10), dt.date(2026, 6, 10))
    assert (figures["issued"], figures["served"]) == (3, 3)
    assert figures["wait"] == {"median": 480, "p90": 768, "max": 840}
    assert figures["service_time"] == {"median": 360, "p90": 360}
    assert figures["service_level"] == pytest.approx(2 / 3)
    assert [row["code"] for row in figures["by_service"]] == ["A"]
    assert figures["by_staff"][0]["staff"] == "teller"
    # Issued at 08:00 UTC, which is 09:00 in Lisbon.
    assert [(row["hour"], row["issued"]) for row in figures["by_hour"]] == [(9, len(tickets))]


def test_a_transferred_ticket_counts_its_whole_wait_once(deposits, loans, counter, counter2, teller):
    at(0, actions.issue_ticket, deposits)
    at(5, actions.call_next, counter, by=teller)  # waited 5 min
    at(7, actions.transfer, counter, loans, by=teller)  # 2 min at counter 1
    at(10, actions.call_next, counter2, by=teller)  # waited 3 more min
    at(15, actions.mark_served, counter2, by=teller)
    figures = stats.branch_stats(deposits.branch, dt.date(2026, 6, 10), dt.date(2026, 6, 10))
    assert figures["issued"] == 1
    assert figures["wait"]["median"] == 8 * 60
    assert figures["service_time"]["median"] == 5 * 60


def test_range_boundaries_are_the_branchs_local_midnight(deposits):
    # 23:30 UTC on 10 June is 00:30 on 11 June in Lisbon.
    with time_machine.travel(dt.datetime(2026, 6, 10, 23, 30, tzinfo=UTC), tick=False):
        actions.issue_ticket(deposits)
    assert stats.branch_stats(deposits.branch, dt.date(2026, 6, 10), dt.date(2026, 6, 10))["issued"] == 0
    assert stats.branch_stats(deposits.branch, dt.date(2026, 6, 11), dt.date(2026, 6, 11))["issued"] == 1


def test_no_shows_and_walkouts_are_counted(deposits, counter):
    at(0, actions.issue_ticket, deposits)
    walkout = at(0, actions.issue_ticket, deposits)
    at(1, actions.call_next, counter)
    at(2, actions.mark_no_show, counter)
    at(3, actions.cancel, walkout)
    figures = stats.branch_stats(deposits.branch, dt.date(2026, 6, 10), dt.date(2026, 6, 10))
    assert (figures["no_show"], figures["cancelled"], figures["served"]) == (1, 1, 0)
    assert figures["service_level"] is None


def test_feedback_average_and_wait_bands(deposits, counter):
    quick = at(0, actions.issue_ticket, deposits)
    slow = at(0, actions.issue_ticket, deposits)
    at(1, actions.call_next, counter)
    at(40, actions.call_next, counter)
    at(45, actions.mark_served, counter)
    actions.record_feedback(quick, rating=5)
    actions.record_feedback(slow, rating=1, note="so slow!")
    feedback = stats.branch_stats(deposits.branch, dt.date(2026, 6, 10), dt.date(2026, 6, 10))["feedback"]
    assert (feedback["count"], feedback["average_rating"]) == (2, 3)
    bands = {band["band"]: band["average_rating"] for band in feedback["by_wait_band"]}
    assert bands == {"under 5 min": 5, "5-15 min": None, "15-30 min": None, "over 30 min": 1}
    assert Ticket.objects.count() == 2

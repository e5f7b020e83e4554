"""Every figure of the statistics, asserted exactly from tickets whose times the test controls."""

import datetime as dt
import random
import statistics

import pytest

from tickets import actions, stats
from tickets.state import branch_state

UTC = dt.timezone.utc
# 09:00 in Lisbon (UTC+1 in summer) is 08:00 UTC.
MORNING = dt.datetime(2026, 6, 10, 8, 0, tzinfo=UTC)
DAY = dt.date(2026, 6, 10)


def at(minutes):
    return MORNING + dt.timedelta(minutes=minutes)


def figures(branch, first=DAY, last=DAY):
    return stats.branch_stats(branch, first, last)


def served_with_waits(service, counter, waits, by=None):
    """Customers all issued at 09:00, called one after the other after ``waits`` minutes, then served."""
    tickets = [actions.issue_ticket(service, now=at(0)) for _ in waits]
    for wait in sorted(waits):
        actions.call_next(counter, by=by, now=at(wait))
    if waits:
        actions.mark_served(counter, by=by, now=at(max(waits) + 1))
    return tickets


@pytest.mark.parametrize(
    "waits, median, p90",
    [
        ([], None, None),
        ([1], 60, 60),
        ([1, 2], 90, 114),  # even count: halfway between; 90th at rank 0.9 of the way from the 1st to the 2nd
        ([1, 2, 3], 120, 168),  # odd count: the middle one; 90th at rank 1.8
        ([1, 2, 3, 4], 150, 222),  # rank 1.5 and rank 2.7
        ([2, 2, 2, 9], 120, 414),  # ties: rank 2.7 lies between 120 and 540
    ],
)
def test_percentiles_interpolate_between_ranks(deposits, counter, waits, median, p90):
    served_with_waits(deposits, counter, waits)
    assert figures(deposits.branch)["wait"] == {
        "median": median, "p90": p90, "max": max(waits) * 60 if waits else None
    }


def test_percentiles_agree_with_pythons_inclusive_quantiles(deposits, counter):
    waits = sorted(random.Random(4).sample(range(1, 180), 23))
    served_with_waits(deposits, counter, waits)
    seconds = [w * 60 for w in waits]
    wait = figures(deposits.branch)["wait"]
    assert wait["median"] == statistics.median(seconds)
    assert wait["p90"] == round(statistics.quantiles(seconds, n=10, method="inclusive")[8])


def test_waits_service_times_and_service_level(deposits, counter, teller):
    # Three customers: waits of 2, 8 and 14 minutes (target 10), each served for 6 minutes.
    for _ in range(3):
        actions.issue_ticket(deposits, now=at(0))
    for minute in [2, 8, 14]:
        actions.call_next(counter, by=teller, now=at(minute))
    actions.mark_served(counter, by=teller, now=at(20))
    result = figures(deposits.branch)
    assert (result["issued"], result["served"], result["waiting"]) == (3, 3, 0)
    assert result["wait"] == {"median": 480, "p90": 768, "max": 840}
    assert result["service_time"] == {"median": 360, "p90": 360}
    assert result["service_level"] == pytest.approx(2 / 3)
    assert [row["code"] for row in result["by_service"]] == ["A"]
    assert [(row["staff"], row["served"]) for row in result["by_staff"]] == [("teller", 3)]
    assert [(row["counter"], row["served"]) for row in result["by_counter"]] == [("1", 3)]
    # Issued at 08:00 UTC, which is 09:00 in Lisbon.
    assert [(row["hour"], row["issued"]) for row in result["by_hour"]] == [(9, 3)]


def test_each_counter_and_staff_member_has_its_own_row(deposits, counter, counter2, teller, manager):
    for _ in range(3):
        actions.issue_ticket(deposits, now=at(0))
    actions.call_next(counter, by=teller, now=at(4))
    actions.call_next(counter2, by=manager, now=at(6))
    actions.mark_served(counter, by=teller, now=at(10))
    actions.mark_no_show(counter2, by=manager, now=at(7))
    result = figures(deposits.branch)
    by_counter = {row["counter"]: row for row in result["by_counter"]}
    assert (by_counter["1"]["served"], by_counter["1"]["wait"]["median"], by_counter["1"]["service_time"]["median"]) == (1, 240, 360)
    assert (by_counter["2"]["no_show"], by_counter["2"]["wait"]["median"], by_counter["2"]["service_time"]["median"]) == (1, 360, None)
    assert [row["staff"] for row in result["by_staff"]] == ["manager", "teller"]
    # The third customer is still waiting: issued, not yet in any counter's or staff member's row.
    assert (result["issued"], result["waiting"]) == (3, 1)
    assert sum(row["issued"] for row in result["by_counter"]) == 2


def test_a_transferred_ticket_counts_its_whole_wait_once(deposits, loans, counter, counter2, teller):
    actions.issue_ticket(deposits, now=at(0))
    actions.call_next(counter, by=teller, now=at(5))  # waited 5 min
    actions.transfer(counter, loans, by=teller, now=at(7))  # 2 min at counter 1
    actions.call_next(counter2, by=teller, now=at(10))  # waited 3 more min
    actions.mark_served(counter2, by=teller, now=at(15))
    result = figures(deposits.branch)
    assert (result["issued"], result["served"]) == (1, 1)
    assert result["wait"]["median"] == 8 * 60
    assert result["service_time"]["median"] == 5 * 60
    # It counts once, in the service that finally served it, against that service's 20-minute target.
    assert [(row["code"], row["issued"]) for row in result["by_service"]] == [("B", 1)]
    assert result["service_level"] == 1


def test_range_boundaries_are_the_branchs_local_midnight(deposits):
    # 23:30 UTC on 10 June is 00:30 on 11 June in Lisbon; 22:59 UTC is still 10 June.
    actions.issue_ticket(deposits, now=dt.datetime(2026, 6, 10, 23, 30, tzinfo=UTC))
    actions.issue_ticket(deposits, now=dt.datetime(2026, 6, 10, 22, 59, tzinfo=UTC))
    assert figures(deposits.branch, DAY, DAY)["issued"] == 1
    assert figures(deposits.branch, DAY + dt.timedelta(days=1), DAY + dt.timedelta(days=1))["issued"] == 1
    assert figures(deposits.branch, DAY, DAY + dt.timedelta(days=1))["issued"] == 2


def test_hours_are_the_branchs_local_hours_summer_and_winter(deposits):
    # 08:30 UTC is 09:30 in Lisbon in June (UTC+1) and 08:30 in January (UTC+0).
    actions.issue_ticket(deposits, now=dt.datetime(2026, 6, 10, 8, 30, tzinfo=UTC))
    actions.issue_ticket(deposits, now=dt.datetime(2026, 1, 14, 8, 30, tzinfo=UTC))
    result = figures(deposits.branch, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert [(row["hour"], row["issued"]) for row in result["by_hour"]] == [(8, 1), (9, 1)]


def test_no_shows_and_walkouts_are_counted(deposits, counter):
    actions.issue_ticket(deposits, now=at(0))
    walkout = actions.issue_ticket(deposits, now=at(0))
    actions.call_next(counter, now=at(1))
    actions.mark_no_show(counter, now=at(2))
    actions.cancel(walkout, now=at(3))
    result = figures(deposits.branch)
    assert (result["no_show"], result["cancelled"], result["served"]) == (1, 1, 0)
    # The no-show waited a minute; the walk-out was never called, so has no wait.
    assert result["wait"] == {"median": 60, "p90": 60, "max": 60}
    assert result["service_level"] is None


def test_quoted_waits_against_actual_waits(deposits, counter):
    # No history yet: 5 minutes a customer at the one open counter, free when they come. The first is
    # told 0 s and waits 120 s; the second is told 300 s (the first's service) and waits 1200 s.
    first, second = (actions.issue_ticket(deposits, now=at(0)) for _ in range(2))
    assert (first.quoted_wait, second.quoted_wait) == (0, 300)
    actions.call_next(counter, now=at(2))
    actions.call_next(counter, now=at(20))
    quoted = figures(deposits.branch)["quoted_vs_actual"]
    assert quoted == {"median_abs_error": (120 + 900) / 2, "within_5_min": 0.5}
    assert figures(deposits.branch)["by_service"][0]["quoted_vs_actual"] == quoted


def test_feedback_average_and_wait_bands(deposits, counter):
    quick = actions.issue_ticket(deposits, now=at(0))
    slow = actions.issue_ticket(deposits, now=at(0))
    middling = actions.issue_ticket(deposits, now=at(0))
    actions.call_next(counter, now=at(1))
    actions.call_next(counter, now=at(40))
    actions.call_next(counter, now=at(45))
    actions.mark_served(counter, now=at(50))
    actions.record_feedback(quick, rating=5, now=at(51))
    actions.record_feedback(slow, rating=1, note="so slow!", now=at(52))
    actions.record_feedback(middling, note="fine I guess", now=at(53))
    feedback = figures(deposits.branch)["feedback"]
    assert (feedback["count"], feedback["average_rating"]) == (3, 3)
    bands = {band["band"]: (band["count"], band["average_rating"]) for band in feedback["by_wait_band"]}
    assert bands == {"under 5 min": (1, 5), "5-15 min": (0, None), "15-30 min": (0, None), "over 30 min": (1, 1)}


def test_latest_notes_newest_first_and_filtered_by_rating(deposits, counter):
    tickets = served_with_waits(deposits, counter, [1, 2, 3])
    for minute, (ticket, rating, note) in enumerate(zip(tickets, [1, 5, None], ["slow", "lovely", "parking?"])):
        actions.record_feedback(ticket, rating=rating, note=note, now=at(10 + minute))
    walked_out = actions.cancel(actions.issue_ticket(deposits, now=at(11)), now=at(11))
    actions.record_feedback(walked_out, rating=2, now=at(12))  # no note
    assert [f.note for f in stats.latest_notes(deposits.branch, DAY, DAY)] == ["parking?", "lovely", "slow"]
    assert [f.note for f in stats.latest_notes(deposits.branch, DAY, DAY, rating=1)] == ["slow"]
    assert [f.ticket.wait_seconds for f in stats.latest_notes(deposits.branch, DAY, DAY)] == [180, 120, 60]


def test_an_empty_range_has_zeros_and_no_percentiles(branch):
    result = figures(branch)
    assert (result["issued"], result["served"], result["wait"]["median"], result["service_level"]) == (0, 0, None, None)
    assert result["by_service"] == result["by_hour"] == []
    assert result["feedback"]["count"] == 0


def test_served_by_hour_heatmap_and_wait_distribution(deposits, counter):
    # Called at 09:03, 09:12 and 10:10 Lisbon time, so served at 09:12, 10:10 and 10:11.
    served_with_waits(deposits, counter, [3, 12, 70])
    # Wednesday 10 June, and the Wednesday a week later at 14:00 Lisbon.
    actions.issue_ticket(deposits, now=dt.datetime(2026, 6, 17, 13, 0, tzinfo=UTC))
    first, last = DAY, dt.date(2026, 6, 17)
    assert stats.served_by_hour(deposits.branch, first, last) == {9: 1, 10: 2}
    # The range holds two Wednesdays: 3 arrivals at 9 and 1 at 14, averaged over both.
    assert stats.arrivals_by_weekday_and_hour(deposits.branch, first, last) == {(2, 9): 1.5, (2, 14): 0.5}
    distribution = stats.wait_distribution(deposits.branch, first, last)
    assert len(distribution) == stats.DISTRIBUTION_BARS
    assert (distribution[0], distribution[2], distribution[-1], sum(distribution)) == (1, 1, 1, 3)


def test_the_branch_now_shows_the_longest_current_wait(deposits, loans, counter, counter2, teller):
    actions.issue_ticket(deposits, now=at(0))
    actions.issue_ticket(deposits, now=at(10))
    actions.issue_ticket(loans, now=at(1))
    actions.call_next(counter, by=teller, now=at(4))  # A001 waited 4 minutes
    actions.transfer(counter, loans, by=teller, now=at(9))  # ... is at counter 1 for 5, then waits for loans
    now = branch_state(deposits.branch, now=at(20))
    longest = {
        service["code"]: (at(20) - dt.datetime.fromisoformat(service["waiting_since"])).total_seconds()
        for service in now["services"]
    }
    # A002 has waited 10 minutes; A001 (now in B) 4 + 11 minutes; B001 19 minutes.
    assert longest == {"A": 600, "B": 1140}
    assert now["today"]["issued"] == 3 and now["today"]["waiting"] == 3


def test_the_heatmap_counts_only_the_hours_that_have_begun(deposits):
    # Wednesday 17 June at 11:30 Lisbon (10:30 UTC); the Wednesday before is in the range too.
    now = dt.datetime(2026, 6, 17, 10, 30, tzinfo=UTC)
    for moment in [dt.datetime(2026, 6, 10, 8, 0), dt.datetime(2026, 6, 10, 13, 0),  # last week, 9:00 and 14:00
                   dt.datetime(2026, 6, 17, 8, 0), dt.datetime(2026, 6, 17, 10, 15)]:  # today, 9:00 and 11:15
        actions.issue_ticket(deposits, now=moment.replace(tzinfo=UTC))
    arrivals = stats.arrivals_by_weekday_and_hour(deposits.branch, DAY, dt.date(2026, 6, 17), now=now)
    # 9:00 and 11:00 (under way) began on both Wednesdays; 14:00 only last week, today's is still to come.
    assert arrivals == {(2, 9): 1.0, (2, 11): 0.5, (2, 14): 1.0}

"""The simulator: real operations on a simulated clock, the same history for the same seed, and
statistics that agree with the same figures worked out here from the raw tickets."""

import datetime as dt
import io
import statistics

import pytest
import time_machine
from django.core.management import CommandError, call_command

from tickets import simulation, stats
from tickets.management.commands.demo import make_demo
from tickets.models import Counter, Feedback, Ticket, TicketSequence, Transfer

# Wednesday 10 June to Friday 12 June 2026, with the 30th-of-the-month payday nowhere near.
UNTIL = dt.date(2026, 6, 13)
FIRST, LAST = dt.date(2026, 6, 10), dt.date(2026, 6, 12)


@pytest.fixture
def demo(db):
    return make_demo("pw")


def history(branch):
    """Everything the simulation decided, without the random tokens and database ids."""
    tickets = Ticket.objects.filter(branch=branch).order_by("day", "number").select_related("service", "counter")
    return [
        (t.day, t.number, t.service.code, t.status, t.priority, t.issued_at, t.called_at, t.finished_at,
         t.counter.name if t.counter_id else None, t.wait_seconds, t.service_seconds, t.quoted_wait,
         getattr(getattr(t, "feedback", None), "rating", None), getattr(getattr(t, "feedback", None), "note", None))
        for t in tickets
    ]


def decided(row):
    """A history row without the quote (its 12th figure)."""
    return row[:11] + row[12:]


def forget(branch):
    Ticket.objects.filter(branch=branch).delete()
    TicketSequence.objects.filter(service__branch=branch).delete()


def test_the_same_seed_gives_the_same_history_and_another_seed_another(demo):
    simulation.simulate(demo, 3, 7, until=UNTIL)
    first = history(demo)
    forget(demo)
    simulation.simulate(demo, 3, 7, until=UNTIL)
    assert history(demo) == first
    forget(demo)
    simulation.simulate(demo, 3, 8, until=UNTIL)
    assert history(demo) != first
    # A day is the same whatever range it is simulated in, but for what it quoted: the predictors are
    # graded on the days before it (tickets/predictors.py).
    forget(demo)
    simulation.simulate(demo, 1, 7, until=UNTIL)
    assert [decided(row) for row in history(demo)] == [decided(row) for row in first if row[0] == LAST]


def test_the_history_looks_like_a_bank_branch(demo):
    statuses = {counter.pk: counter.status for counter in Counter.objects.filter(branch=demo)}
    issued = simulation.simulate(demo, 3, 7, until=UNTIL)
    tickets = Ticket.objects.filter(branch=demo)
    assert issued == tickets.count() > 300
    # Only the days asked for, within opening hours, and nothing left waiting or at a counter.
    assert set(tickets.values_list("day", flat=True)) == {FIRST, FIRST + dt.timedelta(days=1), LAST}
    assert set(tickets.values_list("issued_hour", flat=True)) <= set(range(8, 16))
    assert not tickets.filter(status__in=[Ticket.Status.WAITING, Ticket.Status.CALLED]).exists()
    shares = {status: tickets.filter(status=status).count() / issued for status in Ticket.Status}
    assert shares["served"] > 0.8 and 0 < shares["no_show"] < 0.08 and 0 < shares["cancelled"] < 0.15
    assert Transfer.objects.filter(ticket__branch=demo).exists()
    assert tickets.filter(priority=True).exists()
    feedback = Feedback.objects.filter(ticket__branch=demo)
    assert 0.1 < feedback.count() / issued < 0.4 and feedback.exclude(note="").exists()
    # The lunch peak: people arriving at 13:00 wait longer than those arriving at 10:00.
    by_hour = {row["hour"]: row for row in stats.branch_stats(demo, FIRST, LAST)["by_hour"]}
    assert by_hour[13]["wait"]["median"] > by_hour[10]["wait"]["median"]
    # Ratings fall as waits grow.
    bands = [b["average_rating"] for b in stats.branch_stats(demo, FIRST, LAST)["feedback"]["by_wait_band"]]
    assert bands[0] > bands[-1]
    # History changes nothing about now: the counters are as they were.
    assert {c.pk: c.status for c in Counter.objects.filter(branch=demo)} == statuses


def seconds(delta):
    return delta.total_seconds()


def test_its_statistics_agree_with_the_raw_tickets(demo):
    simulation.simulate(demo, 3, 7, until=UNTIL)
    tickets = list(
        Ticket.objects.filter(branch=demo).select_related("service").prefetch_related("transfers", "feedback")
    )
    # Worked out here from the times alone: the wait to the last call, less the time at counters that
    # transferred the ticket; service time from the last call to served.
    waits = {
        t.pk: seconds(t.called_at - t.issued_at) - sum(seconds(x.transferred_at - x.called_at) for x in t.transfers.all())
        for t in tickets if t.called_at
    }
    served = [t for t in tickets if t.status == Ticket.Status.SERVED]
    service_times = [seconds(t.finished_at - t.called_at) for t in served]
    figures = stats.branch_stats(demo, FIRST, LAST)

    def percentiles(values):
        return statistics.median(values), statistics.quantiles(values, n=10, method="inclusive")[8]

    assert figures["issued"] == len(tickets)
    for status in ["served", "no_show", "cancelled"]:
        assert figures[status] == sum(1 for t in tickets if t.status == status)
    # The database keeps whole seconds, rounded once per queue waited in: within a second or two.
    median, p90 = percentiles(list(waits.values()))
    assert figures["wait"]["median"] == pytest.approx(median, abs=2)
    assert figures["wait"]["p90"] == pytest.approx(p90, abs=2)
    assert figures["wait"]["max"] == pytest.approx(max(waits.values()), abs=2)
    median, p90 = percentiles(service_times)
    assert figures["service_time"] == {"median": pytest.approx(median, abs=1), "p90": pytest.approx(p90, abs=1)}
    within = sum(1 for t in served if waits[t.pk] <= t.service.target_wait_minutes * 60) / len(served)
    assert figures["service_level"] == pytest.approx(within, abs=0.005)
    assert {row["code"]: row["issued"] for row in figures["by_service"]} == {
        code: sum(1 for t in tickets if t.service.code == code) for code in "ABC"
    }
    ratings = [t.feedback.rating for t in tickets if hasattr(t, "feedback") and t.feedback.rating]
    assert figures["feedback"]["average_rating"] == pytest.approx(statistics.mean(ratings))


@time_machine.travel(dt.datetime(2026, 6, 11, 12, 0, tzinfo=dt.timezone.utc), tick=False)
def test_simulate_command(demo):
    # "Today" is Thursday 11 June, so the day simulated is Wednesday: a Sunday would have no customers.
    out = io.StringIO()
    call_command("simulate", "--branch", "demo", "--days", "1", "--seed", "3", stdout=out)
    assert "Simulated 1 day of 'demo' (seed 3)" in out.getvalue()
    count = Ticket.objects.count()
    assert count > 0
    with pytest.raises(CommandError, match="already has"):
        call_command("simulate", "--branch", "demo", "--days", "1")
    call_command("simulate", "--branch", "demo", "--days", "1", "--if-empty", stdout=out)
    assert Ticket.objects.count() == count
    with pytest.raises(CommandError, match="no branch"):
        call_command("simulate", "--branch", "nowhere", "--days", "1")
    with pytest.raises(CommandError, match="--days"):
        call_command("simulate", "--branch", "demo", "--days", "0")


def test_simulate_tells_of_each_day_with_the_tickets_so_far(demo):
    heard = []
    issued = simulation.simulate(demo, 3, 7, until=UNTIL, progress=lambda day, so_far: heard.append((day, so_far)))
    assert [day for day, _ in heard] == [FIRST, FIRST + dt.timedelta(days=1), LAST]
    assert [so_far for _, so_far in heard] == [
        Ticket.objects.filter(day__lte=day).count() for day, _ in heard
    ]
    assert heard[-1][1] == issued and heard[0][1] < heard[1][1] < heard[2][1]


@time_machine.travel(dt.datetime(2026, 6, 13, 12, 0, tzinfo=dt.timezone.utc), tick=False)
def test_simulate_command_shows_its_progress_on_stderr_and_only_its_summary_on_stdout(demo):
    out, err = io.StringIO(), io.StringIO()
    call_command("simulate", "--branch", "demo", "--days", "3", "--seed", "7", stdout=out, stderr=err)
    counts = [Ticket.objects.filter(day__lte=day).count() for day in (FIRST, FIRST + dt.timedelta(days=1), LAST)]
    assert err.getvalue().splitlines() == [
        f"Day 1 of 3 (2026-06-10): {counts[0]} tickets so far",
        f"Day 2 of 3 (2026-06-11): {counts[1]} tickets so far",
        f"Day 3 of 3 (2026-06-12): {counts[2]} tickets so far",
    ]
    assert out.getvalue().splitlines() == [out.getvalue().strip()]
    assert out.getvalue().startswith(f"Simulated 3 days of 'demo' (seed 7): {counts[2]} tickets in ")


def test_simulate_command_refused_says_nothing_of_progress(demo):
    err = io.StringIO()
    with pytest.raises(CommandError, match="--days"):
        call_command("simulate", "--branch", "demo", "--days", "0", stderr=err)
    assert err.getvalue() == "" and not Ticket.objects.exists()

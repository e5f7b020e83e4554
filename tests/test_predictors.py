"""The predictors of a wait: each one's quote on a known queue, the grades from recorded errors, the range,
and the choice of the best per service (tickets/predictors.py)."""

import datetime as dt
import html
import re

import time_machine

from tickets import actions, predictors, simulation
from tickets.estimates import Pace
from tickets.models import Ticket
from tickets.predictors import Readings
from tickets.state import branch_state, ticket_state

NOON = dt.datetime(2026, 6, 10, 11, 0, tzinfo=dt.UTC)


def test_each_predictor_quotes_a_known_queue():
    # Two counters open, both busy, 4 minutes a customer between them; the last customer called had waited
    # 15 minutes, the head of the line has waited 9; 5 people wait.
    readings = Readings(pace=Pace(per_customer=240, open=2, idle=0), waiting=5, last_entered=900, head_waited=540)
    # A newcomer behind the five: 5 ahead and the two at the counters half done (0.5 of a customer each).
    assert predictors.quote("queue", 5, readings) == round(5.5 * 240)
    assert predictors.quote("les", 5, readings) == 900
    assert predictors.quote("hol", 5, readings) == 540
    # The third in line gets the share of the newcomer's wait its place is: 3 of 6.
    assert predictors.quote("les", 2, readings) == 450
    assert predictors.quote("hol", 2, readings) == 270


def test_the_delay_history_predictors_fall_back_to_the_queue_when_they_have_no_history():
    readings = Readings(pace=Pace(per_customer=240, open=1, idle=0), waiting=0, last_entered=None, head_waited=None)
    assert predictors.quote("les", 0, readings) == predictors.quote("queue", 0, readings) == 120


def test_nobody_serving_means_no_quote_from_any_predictor_and_an_idle_counter_means_none_to_wait():
    closed = Readings(pace=None, waiting=3, last_entered=900, head_waited=540)
    assert {predictors.quote(m, 3, closed) for m in predictors.METHODS} == {None}
    idle = Readings(pace=Pace(per_customer=240, open=1, idle=1), waiting=0, last_entered=900, head_waited=None)
    assert {predictors.quote(m, 0, idle) for m in predictors.METHODS} == {0}


def test_the_range_is_made_from_the_recorded_errors():
    # Waits ran from 10% short to 40% long of 10-minute quotes: the range is the 10th to 90th percentile.
    pairs = [(600, 600 + 60 * k) for k in range(-1, 5)] * 5  # errors -0.1, 0, 0.1, 0.2, 0.3, 0.4
    grade = predictors.grade("queue", pairs)
    assert grade.errors == (-0.1, 0.4)
    assert predictors.wait_range(600, grade.errors) == [540, 840]  # "9-14 min"
    # A short quote's error is measured against 5 minutes: 2 minutes told is 1-4 minutes, not 1.8-2.8.
    assert predictors.wait_range(120, grade.errors) == [60, 240]
    # Nobody to wait for is "under 1 min": the phone apologises only once a minute has passed.
    assert predictors.wait_range(0, grade.errors) == [0, 60]
    assert grade.graded == 30 and grade.median_abs_error == 90
    assert grade.within == 1.0 and grade.under == 0.0


def test_without_twenty_graded_tickets_the_range_is_the_stated_default():
    grade = predictors.grade("les", [(600, 900)] * 19)
    assert (grade.median_abs_error, grade.errors) == (None, predictors.DEFAULT_ERRORS)
    assert predictors.wait_range(600, grade.errors) == [420, 900]


def test_an_under_quote_is_a_wait_past_the_top_of_the_range():
    # Nine waits in ten were as told; the tenth ran 40 minutes long, past any range the rest make.
    grade = predictors.grade("queue", [(600, 600)] * 18 + [(600, 3000)] * 2)
    assert (grade.within, grade.under) == (0.9, 0.1)


def graded_history(service, counter, *, quotes, waited, days=(1, 2, 3)):
    """Ten tickets a day on ``days`` days back, of ``service``, each told ``quotes`` and waiting ``waited``."""
    for back in days:
        day = NOON.date() - dt.timedelta(days=back)
        for i in range(10):
            start = NOON - dt.timedelta(days=back) + dt.timedelta(minutes=i)
            Ticket.objects.create(
                branch=service.branch, service=service, number=f"{service.code}{i + 1:03d}", day=day,
                token=Ticket.new_token(), issued_at=start, queued_at=start, issued_hour=start.hour,
                status=Ticket.Status.SERVED, counter=counter, called_at=start, finished_at=start,
                wait_seconds=waited, service_seconds=120, quotes=quotes, quoted_wait=quotes["queue"],
            )


def test_the_best_predictor_is_the_one_with_the_smallest_median_error(deposits, counter):
    graded_history(deposits, counter, quotes={"queue": 300, "les": 660, "hol": 900}, waited=600)
    grades = predictors.read_grades(deposits, NOON.date())
    assert {m: g.median_abs_error for m, g in grades.items()} == {"queue": 300, "les": 60, "hol": 300}
    assert predictors.best(grades) == "les"


def test_a_tie_and_too_little_history_keep_the_queue_predictor(deposits, counter):
    graded_history(deposits, counter, quotes={"queue": 540, "les": 660, "hol": 900}, waited=600, days=[1])
    assert predictors.best(predictors.read_grades(deposits, NOON.date())) == "queue"  # 10 graded: too few
    graded_history(deposits, counter, quotes={"queue": 540, "les": 660, "hol": 900}, waited=600, days=[2, 3])
    grades = predictors.read_grades(deposits, NOON.date())
    assert grades["queue"].median_abs_error == grades["les"].median_abs_error == 60
    assert predictors.best(grades) == "queue"


def test_a_ticket_keeps_every_quote_and_is_told_the_best_ones_range(deposits, counter, teller):
    graded_history(deposits, counter, quotes={"queue": 300, "les": 660, "hol": 900}, waited=600)
    with time_machine.travel(NOON, tick=False):
        first = actions.issue_ticket(deposits)
        actions.call_next(counter, by=teller)  # A001 called at once: the last to enter service waited 0
    with time_machine.travel(NOON + dt.timedelta(minutes=3), tick=False):
        second = actions.issue_ticket(deposits)
        third = actions.issue_ticket(deposits)
    assert first.quotes == {"queue": 0, "les": 0, "hol": 0}
    # B: one ahead of it (the second), the counter busy since noon.
    assert third.quotes["les"] == 0 and third.quotes["hol"] == 0
    assert third.quote_method == "les" and third.quoted_wait == third.quotes["les"]
    assert [third.quoted_low, third.quoted_high] == predictors.wait_range(
        third.quotes["les"], predictors.grades_for(deposits, NOON)["les"].errors)
    with time_machine.travel(NOON + dt.timedelta(minutes=3), tick=False):
        state = ticket_state(second)
        service = branch_state(deposits.branch)["services"][0]
    assert state["quoted_range"] == [second.quoted_low, second.quoted_high]
    assert state["wait_range"] == predictors.wait_range(state["estimated_wait"], predictors.grades_for(
        deposits, NOON)["les"].errors)
    assert service["wait_range"] == predictors.wait_range(service["estimated_wait"], predictors.grades_for(
        deposits, NOON)["les"].errors)


def test_the_quote_ends_at_the_top_of_the_range_told(deposits, counter, teller):
    actions.sign_in(counter, teller)
    with time_machine.travel(NOON, tick=False):
        actions.issue_ticket(deposits)
        ticket = actions.issue_ticket(deposits)
        state = ticket_state(ticket)
    assert ticket.quote_method == "queue" and ticket.quoted_high > ticket.quoted_wait
    assert dt.datetime.fromisoformat(state["quote_ends_at"]) == NOON + dt.timedelta(seconds=ticket.quoted_high)


def test_a_simulated_month_grades_every_predictor(db):
    from tickets.management.commands.demo import make_demo

    branch = make_demo("pw")
    simulation.simulate(branch, 3, 1, until=dt.date(2026, 6, 13))
    service = branch.services.get(code="A")
    grades = predictors.read_grades(service, dt.date(2026, 6, 12))
    assert all(g.graded >= predictors.MIN_GRADED for g in grades.values())
    assert all(g.median_abs_error is not None for g in grades.values())


def test_the_phone_apologises_once_the_wait_passes_the_top_of_the_range_told(client, deposits, counter, teller):
    actions.sign_in(counter, teller)
    with time_machine.travel(NOON, tick=False):
        actions.issue_ticket(deposits)
        ticket = actions.issue_ticket(deposits)
    ends = NOON + dt.timedelta(seconds=ticket.quoted_high)
    with time_machine.travel(ends, tick=False):
        page = client.get(f"/t/{ticket.token}/").content.decode()
    assert 'class="past-quote" data-when="past-quote" hidden' in page
    with time_machine.travel(ends + dt.timedelta(seconds=1), tick=False):
        page = html.unescape(client.get(f"/t/{ticket.token}/").content.decode())
    told = f"{ticket.quoted_low // 60}-{ticket.quoted_high // 60} min"
    assert page.count('class="past-quote"') == 1  # one line, said once, whose estimate follows the queue
    assert f"We're sorry: this is taking longer than the {told} we told you. New estimate:" in page
    assert 'class="past-quote" data-when="past-quote" data-slot' in page  # shown


def test_the_phone_and_the_lobby_say_when_a_service_is_behind_its_target(client, deposits, loans, counter, teller):
    actions.sign_in(counter, teller)
    with time_machine.travel(NOON, tick=False):
        ticket = actions.issue_ticket(deposits)  # Deposits' target is 10 minutes
        actions.issue_ticket(loans)
    busier = "Deposits is busier than usual: the manager has been told."
    with time_machine.travel(NOON + dt.timedelta(minutes=10), tick=False):
        assert busier not in client.get("/b/main/display/").content.decode()
        assert 'data-when="busier" hidden' in client.get(f"/t/{ticket.token}/").content.decode()
    with time_machine.travel(NOON + dt.timedelta(minutes=10, seconds=1), tick=False):
        display = client.get("/b/main/display/").content.decode()
        phone = client.get(f"/t/{ticket.token}/").content.decode()
    assert busier in display and "Loans is busier" not in display
    assert 'data-when="busier" data-slot="busier">' + busier in phone


def test_the_phone_says_how_the_queue_moved(client, deposits, counter, teller):
    actions.sign_in(counter, teller)
    with time_machine.travel(NOON, tick=False):
        for _ in range(3):
            actions.issue_ticket(deposits)
        actions.call_next(counter, by=teller)
        actions.call_next(counter, by=teller)
        mine = actions.issue_ticket(deposits)
        assert "2 people called in the last 10 minutes" in client.get(f"/t/{mine.token}/").content.decode()
    with time_machine.travel(NOON + dt.timedelta(minutes=10, seconds=1), tick=False):
        assert "Nobody called in the last 10 minutes" in client.get(f"/t/{mine.token}/").content.decode()


def test_the_dashboard_grades_each_predictor_per_service_and_marks_the_one_told(client, deposits, counter, manager):
    graded_history(deposits, counter, quotes={"queue": 300, "les": 660, "hol": 900}, waited=600)
    client.force_login(manager)
    with time_machine.travel(NOON, tick=False):
        page = html.unescape(client.get("/b/main/stats/").content.decode())
    table = page[page.index('id="predictors"'):page.index("</table>", page.index('id="predictors"'))]
    rows = re.findall(r"<tr[^>]*><th[^>]*>(.*?)</th><td[^>]*>(.*?)</td><td>(\d+)</td><td>(.*?)</td>", table)
    assert [(service, re.sub("<.*?>", "", method), int(n), error) for service, method, n, error in rows[:3]] == [
        ("Deposits", "People ahead x service time", 30, "5 min"),
        ("Deposits", "Last to enter service (told)", 30, "1 min"),
        ("Deposits", "Head of line", 30, "5 min"),
    ]

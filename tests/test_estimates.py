import datetime as dt

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import open_counter
from tickets import actions, predictors
from tickets.estimates import DEFAULT_SERVICE_SECONDS, Pace, estimated_wait, queue_pace, typical_service_seconds
from tickets.models import Branch, Service
from tickets.state import branch_state, ticket_state

T0 = dt.datetime(2026, 6, 10, 8, 0, tzinfo=dt.timezone.utc)


def at(minutes, action, *args, **kwargs):
    with time_machine.travel(T0 + dt.timedelta(minutes=minutes), tick=False):
        return action(*args, **kwargs)


def test_with_every_counter_busy_the_estimate_is_half_a_service_plus_one_per_person_ahead():
    busy = Pace(per_customer=300, open=1, idle=0)
    assert estimated_wait(0, busy) == 150
    assert estimated_wait(3, busy) == 1050
    assert estimated_wait(3, None) is None


def test_idle_counters_call_the_first_customers_at_once():
    both_idle = Pace(per_customer=300, open=2, idle=2)
    assert [estimated_wait(ahead, both_idle) for ahead in range(4)] == [0, 0, 300, 600]
    one_idle = Pace(per_customer=300, open=2, idle=1)
    assert [estimated_wait(ahead, one_idle) for ahead in range(3)] == [0, 225, 525]


def test_typical_service_time_defaults_without_history(deposits):
    assert typical_service_seconds(deposits, T0) == DEFAULT_SERVICE_SECONDS


def test_typical_service_time_is_the_median_of_today(deposits, counter):
    for _ in range(3):
        at(0, actions.issue_ticket, deposits)
    at(1, actions.call_next, counter)
    at(3, actions.call_next, counter)  # first took 2 min
    at(7, actions.call_next, counter)  # second took 4 min
    at(17, actions.mark_served, counter)  # third took 10 min
    assert at(18, typical_service_seconds, deposits, T0 + dt.timedelta(minutes=18)) == 240


def serve_in_turn(service, counter, minutes_each, start):
    """Issue and serve one ticket per duration, one after the other from ``start`` minutes; return the end."""
    for minutes in minutes_each:
        at(start, actions.issue_ticket, service)
        at(start, actions.call_next, counter)
        start += minutes
        at(start, actions.mark_served, counter)
    return start


def test_typical_service_time_reads_only_the_last_twenty_served(deposits, counter):
    end = serve_in_turn(deposits, counter, [10] * 25 + [1] * 20, start=0)
    assert typical_service_seconds(deposits, T0 + dt.timedelta(minutes=end)) == 60


def test_typical_service_time_ignores_other_days_and_no_shows(branch, deposits, counter):
    serve_in_turn(deposits, counter, [30] * 3, start=-24 * 60)  # yesterday, same hours
    serve_in_turn(deposits, counter, [2, 4, 6], start=0)
    at(12, actions.issue_ticket, deposits)
    at(12, actions.call_next, counter)
    at(40, actions.mark_no_show, counter)  # 28 minutes at the counter, nobody served
    assert typical_service_seconds(deposits, T0 + dt.timedelta(minutes=41)) == 240


def test_open_counters_share_the_queue(branch, deposits, loans, counter, counter2):
    open_counter(branch, "3", [loans])  # open, but never calls deposits
    assert queue_pace(deposits, T0) == Pace(per_customer=DEFAULT_SERVICE_SECONDS / 2, open=2, idle=2)
    actions.issue_ticket(deposits)
    actions.call_next(counter)
    assert queue_pace(deposits, T0).idle == 1  # counter 1 is busy now
    actions.mark_served(counter)
    actions.pause_counter(counter2)
    assert queue_pace(deposits, T0) == Pace(per_customer=DEFAULT_SERVICE_SECONDS, open=1, idle=1)
    actions.pause_counter(counter)
    assert queue_pace(deposits, T0) is None


def test_ticket_state_shows_position_and_estimate(deposits, counter):
    actions.issue_ticket(deposits)
    second = actions.issue_ticket(deposits)
    state = ticket_state(second)
    # The idle counter calls the first at once; the second waits for that whole service.
    assert (state["position"], state["estimated_wait"]) == (2, 300)


def test_the_branch_state_reads_three_figures_per_service_and_nothing_more(branch, deposits, loans, counter):
    def queries_for_branch_state():
        fresh = Branch.objects.get(pk=branch.pk)
        predictors.forget()
        with CaptureQueriesContext(connection) as queries:
            branch_state(fresh)
        return len(queries)

    two_services = queries_for_branch_state()
    counter.services.add(Service.objects.create(branch=branch, name="Care", code="C", position=2))
    # The new service's estimate: its open counters and its recent service times, and (once per process
    # every few minutes, tickets/predictors.py) its predictors' grades.
    assert queries_for_branch_state() == two_services + 3

import datetime as dt

import pytest
import time_machine
from django.db import IntegrityError, transaction

from tickets import actions, errors
from tickets.models import Ticket

T0 = dt.datetime(2026, 5, 4, 9, 0, tzinfo=dt.timezone.utc)


@pytest.fixture(autouse=True)
def late_morning():
    """Counters call later the same morning the tickets below were taken."""
    with time_machine.travel(T0 + dt.timedelta(hours=2), tick=False):
        yield


def issue_at(service, minutes, priority=False):
    with time_machine.travel(T0 + dt.timedelta(minutes=minutes), tick=False):
        return actions.issue_ticket(service, priority=priority)


def test_call_next_takes_the_oldest_waiting_ticket(deposits, counter, teller):
    first, second = issue_at(deposits, 0), issue_at(deposits, 1)
    called = actions.call_next(counter, by=teller)
    assert called.pk == first.pk
    assert (called.status, called.counter, called.called_by) == (Ticket.Status.CALLED, counter, teller)
    assert called.called_at is not None and called.first_called_at == called.called_at
    second.refresh_from_db()
    assert second.status == Ticket.Status.WAITING


def test_priority_tickets_are_called_before_older_normal_ones(deposits, counter):
    normal = issue_at(deposits, 0)
    priority_late = issue_at(deposits, 5, priority=True)
    priority_early = issue_at(deposits, 3, priority=True)
    order = [actions.call_next(counter).pk for _ in range(3)]
    assert order == [priority_early.pk, priority_late.pk, normal.pk]


def test_call_next_only_takes_the_counters_services(deposits, loans, counter):
    issue_at(loans, 0)
    mine = issue_at(deposits, 1)
    assert actions.call_next(counter).pk == mine.pk
    with pytest.raises(errors.QueueEmpty):
        actions.call_next(counter)


def test_call_next_across_services_is_by_age(deposits, loans, counter2):
    loan = issue_at(loans, 0)
    deposit = issue_at(deposits, 1)
    assert [actions.call_next(counter2).pk for _ in range(2)] == [loan.pk, deposit.pk]


def test_call_next_marks_the_previous_ticket_served(deposits, counter, teller):
    first, second = issue_at(deposits, 0), issue_at(deposits, 1)
    actions.call_next(counter, by=teller)
    actions.call_next(counter, by=teller)
    first.refresh_from_db()
    assert first.status == Ticket.Status.SERVED
    assert first.finished_by == teller and first.finished_at is not None
    second.refresh_from_db()
    assert second.status == Ticket.Status.CALLED


def test_call_next_with_empty_queue_raises_and_still_serves_previous(deposits, counter):
    only = issue_at(deposits, 0)
    actions.call_next(counter)
    with pytest.raises(errors.QueueEmpty):
        actions.call_next(counter)
    # The refusal rolled the whole operation back: the customer at the counter is still being served.
    only.refresh_from_db()
    assert only.status == Ticket.Status.CALLED


@pytest.mark.parametrize("close", [actions.pause_counter, actions.close_counter])
def test_call_next_refuses_on_a_paused_or_closed_counter(deposits, counter, close):
    waiting = issue_at(deposits, 0)
    close(counter)
    with pytest.raises(errors.CounterNotOpen, match="resume it|open it"):
        actions.call_next(counter)
    waiting.refresh_from_db()
    assert waiting.status == Ticket.Status.WAITING


def test_call_next_skips_inactive_services(deposits, loans, counter2):
    issue_at(loans, 0)
    loans.active = False
    loans.save()
    with pytest.raises(errors.QueueEmpty):
        actions.call_next(counter2)


def test_database_refuses_two_called_tickets_at_one_counter(deposits, counter):
    first, second = issue_at(deposits, 0), issue_at(deposits, 1)
    actions.call_next(counter)
    with pytest.raises(IntegrityError), transaction.atomic():
        Ticket.objects.filter(pk=second.pk).update(status=Ticket.Status.CALLED, counter=counter)
    assert Ticket.objects.called().get().pk == first.pk


def test_yesterdays_leftover_tickets_are_not_called_or_counted_today(deposits, counter):
    from tickets.state import branch_state

    with time_machine.travel(T0, tick=False):
        leftover = actions.issue_ticket(deposits)  # the branch closed with this customer still waiting
    with time_machine.travel(T0 + dt.timedelta(days=1), tick=False):
        today = actions.issue_ticket(deposits)
        assert today.number == "A001"
        assert branch_state(deposits.branch)["services"][0]["waiting"] == 1
        assert actions.call_next(counter).pk == today.pk
        with pytest.raises(errors.QueueEmpty):
            actions.call_next(counter)
    leftover.refresh_from_db()
    assert leftover.status == Ticket.Status.WAITING

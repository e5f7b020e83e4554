import pytest

from tickets import actions, errors
from tickets.models import Counter, Ticket, Transfer


@pytest.fixture
def at_counter(deposits, counter, teller):
    actions.issue_ticket(deposits)
    return actions.call_next(counter, by=teller)


def test_recall_counts_and_keeps_the_ticket_called(at_counter, counter):
    recalled = actions.recall(counter)
    assert recalled.pk == at_counter.pk
    assert (recalled.status, recalled.recall_count) == (Ticket.Status.CALLED, 1)
    assert actions.recall(counter).recall_count == 2


@pytest.mark.parametrize("operation", [actions.recall, actions.mark_served, actions.mark_no_show])
def test_operations_on_a_counter_without_ticket_are_refused(counter, operation):
    with pytest.raises(errors.NoTicketAtCounter):
        operation(counter)


def test_mark_served_closes_the_ticket(at_counter, counter, teller):
    served = actions.mark_served(counter, by=teller)
    assert (served.status, served.finished_by) == (Ticket.Status.SERVED, teller)
    assert served.service_seconds == round((served.finished_at - served.called_at).total_seconds())


def test_mark_no_show_closes_the_ticket(at_counter, counter, teller):
    gone = actions.mark_no_show(counter, by=teller)
    assert gone.status == Ticket.Status.NO_SHOW and gone.finished_at is not None


def test_transfer_puts_the_ticket_at_the_front_of_the_other_service(deposits, loans, counter, counter2, teller):
    actions.issue_ticket(deposits)
    moved = actions.call_next(counter, by=teller)
    waiting_loan = actions.issue_ticket(loans)
    priority_loan = actions.issue_ticket(loans, priority=True)
    issued_at = moved.issued_at

    moved = actions.transfer(counter, loans, by=teller)

    assert (moved.status, moved.service, moved.counter) == (Ticket.Status.WAITING, loans, None)
    assert moved.issued_at == issued_at and moved.number == "A001"
    transfer = Transfer.objects.get(ticket=moved)
    assert (transfer.from_service, transfer.to_service, transfer.counter) == (deposits, loans, counter)
    # Counter 2 serves both: the transferred customer goes first, before priority and older tickets.
    actions.pause_counter(counter)
    order = [actions.call_next(counter2).pk for _ in range(3)]
    assert order == [moved.pk, priority_loan.pk, waiting_loan.pk]


def test_transfer_to_the_same_service_is_refused(at_counter, deposits, counter):
    with pytest.raises(errors.InvalidTransfer):
        actions.transfer(counter, deposits)
    at_counter.refresh_from_db()
    assert at_counter.status == Ticket.Status.CALLED


def test_transfer_to_another_branchs_service_is_refused(at_counter, counter, other_branch):
    from tickets.models import Service

    elsewhere = Service.objects.create(branch=other_branch, name="Loans", code="B")
    with pytest.raises(errors.InvalidTransfer):
        actions.transfer(counter, elsewhere)
    assert not Transfer.objects.exists()


def test_transfer_without_ticket_is_refused(counter, loans):
    with pytest.raises(errors.NoTicketAtCounter):
        actions.transfer(counter, loans)


def test_pause_and_resume(counter):
    assert actions.pause_counter(counter).status == Counter.Status.PAUSED
    assert actions.resume_counter(counter).status == Counter.Status.OPEN


def test_close_and_reopen(counter):
    assert actions.close_counter(counter).status == Counter.Status.CLOSED
    assert actions.resume_counter(counter).status == Counter.Status.OPEN


@pytest.mark.parametrize("operation", [actions.pause_counter, actions.close_counter])
def test_pause_or_close_with_a_customer_at_the_counter_is_refused(at_counter, counter, operation):
    with pytest.raises(errors.CounterBusy, match="A001"):
        operation(counter)
    counter.refresh_from_db()
    assert counter.status == Counter.Status.OPEN


def test_counter_status_moves_are_checked_both_ways(counter):
    with pytest.raises(errors.QueueError):
        actions.resume_counter(counter)  # already open
    actions.pause_counter(counter)
    with pytest.raises(errors.QueueError):
        actions.pause_counter(counter)  # already paused
    actions.close_counter(counter)
    with pytest.raises(errors.QueueError):
        actions.close_counter(counter)  # already closed
    with pytest.raises(errors.QueueError):
        actions.pause_counter(counter)  # a closed counter is opened, not paused

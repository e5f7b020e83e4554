import pytest

from tickets import actions, errors
from tickets.models import Feedback, Ticket

from .conftest import walked_out


def test_cancel_a_waiting_ticket(deposits):
    ticket = actions.cancel(actions.issue_ticket(deposits))
    assert ticket.status == Ticket.Status.CANCELLED and ticket.finished_at is not None


def test_a_cancelled_ticket_is_never_called(deposits, counter):
    actions.cancel(actions.issue_ticket(deposits))
    with pytest.raises(errors.QueueEmpty):
        actions.call_next(counter)


@pytest.mark.parametrize("then", ["called", "served", "no_show", "cancelled"])
def test_cancel_is_refused_once_the_ticket_is_not_waiting(deposits, counter, then):
    ticket = actions.issue_ticket(deposits)
    if then == "cancelled":
        actions.cancel(ticket)
    else:
        actions.call_next(counter)
        if then == "served":
            actions.mark_served(counter)
        elif then == "no_show":
            actions.mark_no_show(counter)
    with pytest.raises(errors.InvalidTransition):
        actions.cancel(ticket)
    ticket.refresh_from_db()
    assert ticket.status == then


def test_feedback_is_stored_exactly_as_typed(deposits):
    ticket = walked_out(deposits)
    note = "  so slow!\n<script>alert('x')</script> é ✓ "
    feedback = actions.record_feedback(ticket, rating=2, note=note)
    assert Feedback.objects.get(pk=feedback.pk).note == note
    assert feedback.rating == 2


def test_feedback_with_only_a_rating_or_only_a_note(deposits):
    actions.record_feedback(walked_out(deposits), rating=5)
    actions.record_feedback(walked_out(deposits), note="Friendly teller")
    assert Feedback.objects.count() == 2


@pytest.mark.parametrize(
    "rating, note",
    [(None, ""), (None, "   "), (0, ""), (6, "ok"), (True, ""), ("5", ""), (3.5, ""), (None, "x" * 501)],
)
def test_invalid_feedback_is_refused_and_nothing_is_kept(deposits, rating, note):
    ticket = walked_out(deposits)
    with pytest.raises(errors.InvalidFeedback):
        actions.record_feedback(ticket, rating=rating, note=note)
    assert not Feedback.objects.exists()


def test_a_note_of_exactly_500_characters_is_kept(deposits):
    feedback = actions.record_feedback(walked_out(deposits), note="x" * 500)
    assert len(feedback.note) == 500


def test_feedback_only_once_per_ticket(deposits):
    ticket = walked_out(deposits)
    actions.record_feedback(ticket, rating=4)
    with pytest.raises(errors.FeedbackAlreadyGiven):
        actions.record_feedback(ticket, rating=1, note="changed my mind")
    assert Feedback.objects.get().rating == 4


@pytest.mark.parametrize("then", ["waiting", "called"])
def test_feedback_waits_until_the_visit_is_over(deposits, counter, then):
    ticket = actions.issue_ticket(deposits)
    if then == "called":
        actions.call_next(counter)
    with pytest.raises(errors.FeedbackTooEarly):
        actions.record_feedback(ticket, rating=5, note="great")
    assert not Feedback.objects.exists()


@pytest.mark.parametrize("then", ["served", "no_show", "cancelled", "left waiting when the day ended"])
def test_feedback_is_open_once_the_visit_is_over(deposits, counter, then):
    import datetime as dt

    ticket = actions.issue_ticket(deposits)
    now = None
    if then == "cancelled":
        actions.cancel(ticket)
    elif then == "left waiting when the day ended":
        now = ticket.issued_at + dt.timedelta(days=1)
    else:
        actions.call_next(counter)
        (actions.mark_served if then == "served" else actions.mark_no_show)(counter)
    actions.record_feedback(ticket, rating=2, note="too slow", now=now)
    assert Feedback.objects.get().ticket == ticket

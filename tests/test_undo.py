"""Call next, no-show and close can be taken back for a few seconds, exactly, and stay in the history."""

import datetime
import json

import pytest
from django.forms.models import model_to_dict
from django.utils import timezone

from tickets import actions, errors
from tickets.models import Counter, Operation, Ticket

pytestmark = pytest.mark.django_db

SOON = datetime.timedelta(seconds=actions.UNDO_SECONDS - 1)
LATE = datetime.timedelta(seconds=actions.UNDO_SECONDS + 1)


def rows():
    return {ticket.pk: model_to_dict(ticket) for ticket in Ticket.objects.all()}


def test_undoing_call_next_puts_both_customers_back_exactly(deposits, counter, teller):
    for _ in range(3):
        actions.issue_ticket(deposits)
    actions.call_next(counter, by=teller)
    actions.recall(counter)
    before = rows()
    now = timezone.now()
    actions.call_next(counter, by=teller, now=now)  # A001 served, A002 called
    assert counter.operations.first().summary == "A001 served · A002 called to counter 1"
    undone = actions.undo(counter, by=teller, now=now + SOON)
    assert rows() == before  # every field of every ticket, A001 called again with its recall, A002 waiting
    assert (undone.undone_by, undone.kind) == (teller, Operation.Kind.CALL)
    assert actions.call_next(counter, by=teller).number == "A002"  # A002 kept its place: next in line again


def test_undoing_a_no_show_calls_the_customer_back_to_the_counter(deposits, counter, teller):
    actions.issue_ticket(deposits)
    actions.call_next(counter, by=teller)
    before = rows()
    actions.mark_no_show(counter, by=teller)
    actions.undo(counter, by=teller)
    assert rows() == before


def test_undoing_close_reopens_the_counter_as_it_was(counter, teller):
    actions.pause_counter(counter)
    actions.close_counter(counter, by=teller)
    actions.undo(counter, by=teller)
    assert Counter.objects.get(pk=counter.pk).status == Counter.Status.PAUSED


def test_undo_is_refused_when_late_or_when_something_happened_since_and_changes_nothing(deposits, counter, teller):
    for _ in range(2):
        actions.issue_ticket(deposits)
    now = timezone.now()
    actions.call_next(counter, by=teller, now=now)
    with pytest.raises(errors.NothingToUndo):
        actions.undo(counter, by=teller, now=now + LATE)
    actions.mark_no_show(counter, by=teller)
    actions.call_next(counter, by=teller)  # someone else called since the no-show
    actions.mark_served(counter, by=teller)
    after = rows()
    with pytest.raises(errors.NothingToUndo):
        actions.undo(counter, by=teller)  # the latest undoable is the call, but its customer has been served
    assert rows() == after


def test_the_history_keeps_each_operation_and_its_undo(deposits, counter, teller):
    actions.issue_ticket(deposits)
    actions.call_next(counter, by=teller)
    actions.undo(counter, by=teller)
    actions.call_next(counter, by=teller)
    history = [(op.summary, op.undone_by) for op in counter.operations.filter(kind__in=["call", "undo"])]
    # Newest first; the undo is in the trail too (tests/test_audit_trail.py).
    assert history == [("A001 called to counter 1", None), ("Undone: A001 called to counter 1", None),
                       ("A001 called to counter 1", teller)]


def test_the_console_says_who_was_served_and_called_and_offers_undo(client, deposits, counter, teller):
    for _ in range(2):
        actions.issue_ticket(deposits)
    client.force_login(teller)
    client.post(f"/staff/counters/{counter.pk}/call-next/")
    page = client.post(f"/staff/counters/{counter.pk}/call-next/", follow=True).content.decode()
    assert "A001 served · A002 called to counter 1." in page
    assert 'id="undo"' in page
    page = client.post(f"/staff/counters/{counter.pk}/undo/", follow=True).content.decode()
    assert "Undone: A001 served · A002 called to counter 1." in page
    assert Ticket.objects.get(number="A001").status == Ticket.Status.CALLED
    assert 'id="undo"' not in page


def test_the_api_undoes_and_refuses_with_409_when_nothing_can_be(client, deposits, counter, teller):
    actions.issue_ticket(deposits)
    client.force_login(teller)
    post = lambda path: client.post(path, "", content_type="application/json")  # noqa: E731
    post(f"/api/v1/counters/{counter.pk}/no-show/")  # nothing called: refused, nothing to undo either
    post(f"/api/v1/counters/{counter.pk}/call-next/")
    answer = post(f"/api/v1/counters/{counter.pk}/undo/")
    assert answer.status_code == 200 and answer.json()["undone"] == "A001 called to counter 1"
    again = post(f"/api/v1/counters/{counter.pk}/undo/")
    assert again.status_code == 409 and json.loads(again.content)["code"] == "NothingToUndo"

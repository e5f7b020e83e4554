"""'Pause after this customer': asked while serving, the counter pauses when that visit ends, and calls
nobody new meanwhile; the customer at the counter is never left mid-service."""

import pytest

from tickets import actions, errors
from tickets.models import Counter, Operation

from .visible import visible_text


@pytest.fixture
def serving(deposits, counter, teller):
    actions.issue_ticket(deposits)
    actions.issue_ticket(deposits)
    actions.call_next(counter, by=teller)
    return counter


@pytest.mark.parametrize("end", [
    lambda counter, teller: actions.mark_served(counter, by=teller),
    lambda counter, teller: actions.mark_no_show(counter, by=teller),
], ids=["served", "no-show"])
def test_the_counter_pauses_when_the_visit_ends(serving, teller, end):
    actions.pause_after_customer(serving, by=teller)
    serving.refresh_from_db()
    assert serving.status == Counter.Status.OPEN and serving.pause_after
    end(serving, teller)
    serving.refresh_from_db()
    assert serving.status == Counter.Status.PAUSED and not serving.pause_after
    assert serving.paused_at is not None  # the teller's break has begun
    assert Operation.objects.filter(counter=serving, kind=Operation.Kind.PAUSE).exists()


def test_a_transfer_ends_the_visit_too(serving, loans, teller):
    actions.pause_after_customer(serving, by=teller)
    actions.transfer(serving, loans, by=teller)
    serving.refresh_from_db()
    assert serving.status == Counter.Status.PAUSED


def test_nobody_new_is_called_while_a_pause_is_asked(serving, teller):
    actions.pause_after_customer(serving, by=teller)
    with pytest.raises(errors.PauseAsked, match="pauses after this customer"):
        actions.call_next(serving, by=teller)
    serving.refresh_from_db()
    assert serving.status == Counter.Status.OPEN
    assert serving.tickets.get(status="called").number == "A001"  # still serving, nothing changed


def test_keep_open_takes_the_pause_back(serving, teller):
    actions.pause_after_customer(serving, by=teller)
    actions.pause_after_customer(serving, by=teller, asked=False)
    actions.mark_served(serving, by=teller)
    serving.refresh_from_db()
    assert serving.status == Counter.Status.OPEN and not serving.pause_after
    assert actions.call_next(serving, by=teller).number == "A002"


def test_with_nobody_at_the_counter_the_pause_is_at_once(counter, teller):
    actions.pause_after_customer(counter, by=teller)
    counter.refresh_from_db()
    assert counter.status == Counter.Status.PAUSED and not counter.pause_after


def test_the_console_offers_the_pause_that_fits(client, serving, teller):
    client.force_login(teller)
    page = visible_text(client.get(f"/staff/counters/{serving.pk}/").content.decode())
    assert "Pause after this customer" in page and "Pause P" not in page
    answer = client.post(f"/staff/counters/{serving.pk}/pause-after/", follow=True)
    page = visible_text(answer.content.decode())
    assert "The counter pauses after this customer." in page and "Pausing after this customer." in page
    assert "Keep open" in page and "Pause after this customer" not in page
    page = visible_text(client.post(f"/staff/counters/{serving.pk}/serve/", follow=True).content.decode())
    assert "paused" in page and "Resume" in page


def test_the_branch_state_says_a_pause_is_asked(serving, teller):
    from tickets.state import branch_state

    actions.pause_after_customer(serving, by=teller)
    row = next(row for row in branch_state(serving.branch)["counters"] if row["id"] == serving.pk)
    assert row["pause_after"] is True

"""Signed webhooks: each change writes its events in its own transaction; the worker posts them to a real
receiver on 127.0.0.1, signed, once each, in order per ticket, retried with backoff for a day."""

import datetime
import json
import re

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tickets import actions, errors
from webhooks import signing
from webhooks.delivery import deliver_due, forget_old, send_again
from webhooks.models import Delivery, Endpoint, Event

from .conftest import walked_out
from .receivers import Receiver


@pytest.fixture
def receiver():
    with Receiver() as started:
        yield started


@pytest.fixture
def endpoint(branch, receiver, counter):
    # After the counter has opened: the tests hear only what they do.
    return Endpoint.objects.create(name="CRM", url=receiver.url)


def deliver_all(now=None):
    """The worker's rounds until nothing is due (a ticket's next event goes once its previous one went)."""
    for _ in range(100):
        if not deliver_due(now):
            return
    raise AssertionError("deliveries kept coming")


def received(receiver):
    return [json.loads(body) for _, body in receiver.requests]


def by_ticket(receiver):
    heard = {}
    for message in received(receiver):
        if "ticket" in message["data"]:
            heard.setdefault(message["data"]["ticket"]["number"], []).append(message["type"])
    return heard


def test_each_event_reaches_the_receiver_once_signed_and_in_order_per_ticket(endpoint, receiver, deposits, counter):
    first, second, third = (actions.issue_ticket(deposits) for _ in range(3))
    actions.call_next(counter)
    actions.recall(counter)
    actions.call_next(counter)  # A001 served, A002 called
    actions.mark_no_show(counter)
    actions.cancel(third)
    deliver_all()
    assert by_ticket(receiver) == {
        "A001": ["ticket.issued", "ticket.called", "ticket.recalled", "ticket.served"],
        "A002": ["ticket.issued", "ticket.called", "ticket.no_show"],
        "A003": ["ticket.issued", "ticket.cancelled"],
    }
    assert len(receiver.ids()) == len(set(receiver.ids())) == 9
    for headers, body in receiver.requests:
        signing.verify(endpoint.secret, headers, body)  # raises if not
    assert not Delivery.objects.exclude(status=Delivery.Status.DELIVERED).exists()


def test_a_delivered_event_is_not_sent_again(endpoint, receiver, deposits):
    actions.issue_ticket(deposits)
    deliver_all()
    deliver_all(timezone.now() + datetime.timedelta(days=2))
    assert len(receiver.requests) == 1


def test_the_payload_says_what_happened_and_never_carries_the_token(endpoint, receiver, deposits, counter):
    ticket = actions.issue_ticket(deposits, priority=True)
    actions.call_next(counter)
    deliver_all()
    called = received(receiver)[1]
    assert called["type"] == "ticket.called"
    assert called["data"]["branch"] == "main"
    assert called["data"]["ticket"]["number"] == "A001" and called["data"]["ticket"]["counter"] == "1"
    assert called["data"]["ticket"]["status"] == "called" and called["data"]["ticket"]["priority"] is True
    assert called["timestamp"] == Event.objects.get(type="ticket.called").occurred_at.isoformat()
    assert all(ticket.token not in body.decode() for _, body in receiver.requests)


def test_a_transfer_is_heard_with_the_new_service(endpoint, receiver, deposits, loans, counter):
    actions.issue_ticket(deposits)
    actions.call_next(counter)
    actions.transfer(counter, loans)
    deliver_all()
    transferred = received(receiver)[-1]
    assert transferred["type"] == "ticket.transferred"
    assert transferred["data"]["ticket"]["service"] == "B" and transferred["data"]["ticket"]["status"] == "waiting"


def test_counters_opening_pausing_and_closing_are_heard(endpoint, receiver, counter):
    actions.pause_counter(counter)
    actions.resume_counter(counter)
    actions.close_counter(counter)
    deliver_all()
    assert [message["type"] for message in received(receiver)] == ["counter.paused", "counter.opened", "counter.closed"]
    assert received(receiver)[-1]["data"]["counter"] == {"id": counter.pk, "name": "1", "status": "closed",
                                                         "services": ["A"]}


def test_the_feedback_note_goes_only_to_endpoints_allowed_it(endpoint, receiver, branch, deposits):
    with Receiver() as allowed:
        Endpoint.objects.create(name="Warehouse", url=allowed.url, include_notes=True)
        ticket = walked_out(deposits)
        actions.record_feedback(ticket, rating=2, note="The queue was a mess")
        deliver_all()
        plain = received(receiver)[-1]
        assert plain["type"] == "feedback.recorded"
        assert plain["data"]["feedback"]["rating"] == 2 and plain["data"]["feedback"]["has_note"] is True
        assert "note" not in plain["data"]["feedback"]
        assert all(b"The queue was a mess" not in body for _, body in receiver.requests)
        assert received(allowed)[-1]["data"]["feedback"]["note"] == "The queue was a mess"


def test_endpoints_of_another_branch_hear_nothing_and_bank_wide_ones_hear_every_branch(
        endpoint, receiver, other_branch, deposits):
    with Receiver() as elsewhere:
        Endpoint.objects.create(name="Harbour CRM", url=elsewhere.url, branch=other_branch)
        actions.issue_ticket(deposits)
        deliver_all()
        assert len(receiver.requests) == 1 and elsewhere.requests == []


def test_a_counter_its_teller_leaves_open_is_heard_pausing(endpoint, receiver, counter, teller):
    actions.leave_counter(counter, teller)  # nobody at it: the counter pauses by itself
    deliver_all()
    assert [message["type"] for message in received(receiver)] == ["counter.paused"]


def test_a_rolled_back_action_writes_no_event(endpoint, deposits, counter):
    with pytest.raises(RuntimeError), transaction.atomic():
        actions.issue_ticket(deposits)
        raise RuntimeError("the database went away before the commit")
    with pytest.raises(errors.QueueEmpty):
        actions.call_next(counter)
    assert not Event.objects.exists() and not Delivery.objects.exists()


def test_a_receiver_failing_three_times_gets_the_event_on_the_fourth_try(branch, counter, deposits):
    with Receiver(answers=[500, 503, 502]) as flaky:
        Endpoint.objects.create(name="CRM", url=flaky.url)
        actions.issue_ticket(deposits)
        now = start = timezone.now()
        for _ in range(4):
            assert deliver_due(now) == 1
            delivery = Delivery.objects.get()
            if delivery.status == Delivery.Status.PENDING:
                # Not before its time: the receiver gets a rest that doubles each time.
                assert deliver_due(delivery.next_attempt_at - datetime.timedelta(seconds=1)) == 0
                now = delivery.next_attempt_at
        delivery = Delivery.objects.get()
        assert delivery.status == Delivery.Status.DELIVERED and delivery.attempts == 4
        assert len(set(flaky.ids())) == 1 and len(flaky.ids()) == 4
        assert (delivery.delivered_at - start).total_seconds() == 30 + 60 + 120


def test_a_delivery_failing_for_a_day_is_marked_failed_and_can_be_sent_again(branch, counter, deposits):
    with Receiver(answers=[500] * 1000) as down:
        Endpoint.objects.create(name="CRM", url=down.url)
        actions.issue_ticket(deposits)
        now = timezone.now()
        while deliver_due(now):
            delivery = Delivery.objects.get()
            now = delivery.next_attempt_at
        delivery = Delivery.objects.get()
        assert delivery.status == Delivery.Status.FAILED and delivery.last_status_code == 500
        assert datetime.timedelta(hours=22) < delivery.last_attempt_at - delivery.retrying_since <= datetime.timedelta(hours=24)
        assert deliver_due(now + datetime.timedelta(days=1)) == 0  # failed stays failed
        down.answers.clear()
        send_again(Delivery.objects.all(), now=now)
        deliver_all(now)
        assert Delivery.objects.get().status == Delivery.Status.DELIVERED


def test_an_unreachable_receiver_costs_the_teller_nothing(branch, counter, deposits):
    with Receiver() as gone:
        url = gone.url
    Endpoint.objects.create(name="CRM", url=url)  # nothing listens there any more
    actions.issue_ticket(deposits)
    assert actions.call_next(counter).status == "called"  # delivery is the worker's, never the request's
    deliver_all()
    delivery = Delivery.objects.order_by("pk").first()
    assert delivery.status == Delivery.Status.PENDING and "Connection" in delivery.last_error


def test_a_ticket_waits_for_its_earlier_event_while_others_go(branch, counter, deposits):
    with Receiver(answers=[500]) as flaky:
        Endpoint.objects.create(name="CRM", url=flaky.url)
        actions.issue_ticket(deposits)
        actions.call_next(counter)  # A001 called: must not arrive before A001 issued, which failed once
        actions.issue_ticket(deposits)
        deliver_all()
        assert [json.loads(body)["type"] for _, body in flaky.requests] == ["ticket.issued", "ticket.issued"]
        deliver_all(Delivery.objects.get(status=Delivery.Status.PENDING, event__type="ticket.issued").next_attempt_at)
        assert by_ticket(flaky)["A001"] == ["ticket.issued", "ticket.issued", "ticket.called"]


def test_simulated_history_sends_no_webhooks(endpoint, deposits):
    with actions.unannounced():
        actions.issue_ticket(deposits)
    assert not Event.objects.exists()


def test_a_wrong_secret_or_a_changed_body_fails_verification(endpoint, receiver, deposits):
    actions.issue_ticket(deposits)
    deliver_all()
    headers, body = receiver.requests[0]
    signing.verify(endpoint.secret, headers, body)
    with pytest.raises(signing.InvalidSignature):
        signing.verify(Endpoint.new_secret(), headers, body)
    with pytest.raises(signing.InvalidSignature):
        signing.verify(endpoint.secret, headers, body.replace(b"A001", b"A999"))
    with pytest.raises(signing.InvalidSignature):
        signing.verify(endpoint.secret, headers, body, now=int(headers["webhook-timestamp"]) + 3600)


def test_the_signature_is_the_standard_webhooks_one():
    # Standard Webhooks' published test vector (its reference libraries check the same one).
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = b'{"test": 2432232314}'
    assert signing.signature(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body) == (
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")


def test_each_endpoint_has_its_own_secret_in_the_standard_form(branch):
    first = Endpoint.objects.create(name="A", url="http://127.0.0.1:1/")
    second = Endpoint.objects.create(name="B", url="http://127.0.0.1:1/")
    assert first.secret.startswith("whsec_") and first.secret != second.secret
    assert len(signing._key(first.secret)) == 24


def test_undoing_a_close_tells_the_counter_is_open_again(endpoint, receiver, counter):
    actions.close_counter(counter)
    actions.undo(counter)
    deliver_all()
    assert [message["type"] for message in received(receiver)] == ["counter.closed", "counter.opened"]


def test_the_verification_the_integration_guide_shows_works(endpoint, receiver, deposits):
    guide = (settings.BASE_DIR / "docs/integrations.md").read_text()
    code = re.search(r"### Verifying a signature.*?```python\n(.*?)```", guide, re.DOTALL).group(1)
    namespace = {}
    exec(code, namespace)
    actions.issue_ticket(deposits)
    deliver_all()
    headers, body = receiver.requests[0]
    namespace["verify"](endpoint.secret, headers, body)
    with pytest.raises(ValueError):
        namespace["verify"](Endpoint.new_secret(), headers, body)


def test_the_delivery_log_forgets_ended_deliveries_after_its_days_and_keeps_pending_ones(endpoint, deposits, counter):
    with Receiver(answers=[200, 500]) as flaky:
        Endpoint.objects.filter(pk=endpoint.pk).update(url=flaky.url)
        actions.issue_ticket(deposits)
        deliver_all()  # delivered
        actions.issue_ticket(deposits)
        deliver_all()  # failed once: still pending
    assert forget_old() == 0
    assert forget_old(timezone.now() + datetime.timedelta(days=31)) == 1
    assert list(Event.objects.values_list("data__ticket__number", flat=True)) == ["A002"]
    assert Delivery.objects.get().status == Delivery.Status.PENDING

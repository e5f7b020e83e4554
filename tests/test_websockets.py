"""The live path, through the real ASGI router: snapshot first, then exactly one message per change."""

import json

import pytest
from channels.db import database_sync_to_async
from channels.db import database_sync_to_async as sync_to_async
from channels.testing import WebsocketCommunicator

from queuesite.asgi import application
from tickets import actions, errors
from tickets.models import Ticket
from tickets.state import branch_state, ticket_state

pytestmark = pytest.mark.django_db(transaction=True)

ORIGIN = [(b"origin", b"http://localhost")]
STATE_KEYS = ["services", "counters", "calling", "recent_calls", "branch", "name", "time_zone", "speak_calls", "queue", "today"]


async def connect(path, headers=ORIGIN):
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, _ = await communicator.connect()
    assert connected
    return communicator


async def receive(communicator):
    return json.loads(await communicator.receive_from(timeout=3))


def state_of(message):
    return {key: message[key] for key in STATE_KEYS}


async def test_display_gets_the_branch_snapshot_first(branch, deposits, counter):
    await sync_to_async(actions.issue_ticket)(deposits)
    display = await connect("/ws/branches/main/")
    snapshot = await receive(display)
    assert snapshot["type"] == "snapshot" and isinstance(snapshot["seq"], int)
    assert state_of(snapshot) == await sync_to_async(branch_state)(branch)
    assert snapshot["services"][0]["waiting"] == 1
    await display.disconnect()


async def test_each_operation_sends_one_message_with_the_next_sequence_number(branch, deposits, counter, teller):
    display = await connect("/ws/branches/main/")
    seq = (await receive(display))["seq"]

    await sync_to_async(actions.issue_ticket)(deposits)
    issued = await receive(display)
    assert (issued["type"], issued["event"], issued["seq"]) == ("update", "issued", seq + 1)
    assert issued["services"][0]["waiting"] == 1
    assert await display.receive_nothing(timeout=0.2)

    await sync_to_async(actions.call_next)(counter, by=teller)
    called = await receive(display)
    assert (called["type"], called["number"], called["counter"], called["seq"]) == ("called", "A001", "1", seq + 2)
    assert called["recall"] is False
    assert called["recent_calls"][0]["number"] == "A001"

    await sync_to_async(actions.recall)(counter)
    recalled = await receive(display)
    assert (recalled["type"], recalled["number"], recalled["recall"], recalled["seq"]) == ("called", "A001", True, seq + 3)

    await sync_to_async(actions.mark_served)(counter)
    served = await receive(display)
    assert (served["event"], served["seq"]) == ("served", seq + 4)
    assert await display.receive_nothing(timeout=0.2)
    await display.disconnect()


async def test_a_refused_operation_sends_nothing(branch, deposits, counter):
    display = await connect("/ws/branches/main/")
    await receive(display)
    with pytest.raises(errors.QueueEmpty):
        await sync_to_async(actions.call_next)(counter)
    await sync_to_async(actions.pause_counter)(counter)
    await receive(display)  # the pause itself
    with pytest.raises(errors.CounterNotOpen):
        await sync_to_async(actions.call_next)(counter)
    assert await display.receive_nothing(timeout=0.3)
    await display.disconnect()


async def receive_all(communicator):
    """Every message until the screen has heard nothing for half a second."""
    messages = []
    while not await communicator.receive_nothing(timeout=0.5):
        messages.append(await receive(communicator))
    return messages


async def test_the_last_update_equals_a_fresh_snapshot(branch, deposits, loans, counter, counter2, teller):
    display = await connect("/ws/branches/main/")
    await receive(display)
    for service in (deposits, loans, deposits):
        await sync_to_async(actions.issue_ticket)(service)
    await sync_to_async(actions.call_next)(counter, by=teller)
    await sync_to_async(actions.call_next)(counter2, by=teller)
    await sync_to_async(actions.transfer)(counter, loans)
    # Changes close together may arrive as one message, but every call is its own, numbered in turn.
    messages = await receive_all(display)
    assert [(m["number"], m["counter"]) for m in messages if m["type"] == "called"] == [("A001", "1"), ("B001", "2")]
    assert [m["seq"] for m in messages] == list(range(messages[0]["seq"], messages[0]["seq"] + len(messages)))
    late = await connect("/ws/branches/main/")
    snapshot = await receive(late)
    assert state_of(messages[-1]) == state_of(snapshot)
    assert snapshot["seq"] == messages[-1]["seq"]
    await display.disconnect()
    await late.disconnect()


async def test_a_display_of_another_branch_hears_nothing(branch, other_branch, deposits, counter):
    elsewhere = await connect("/ws/branches/harbour/")
    await receive(elsewhere)
    await sync_to_async(actions.issue_ticket)(deposits)
    await sync_to_async(actions.call_next)(counter)
    assert await elsewhere.receive_nothing(timeout=0.3)
    await elsewhere.disconnect()


def place_in(message, number, service):
    """Where a phone finds its place in a branch message, as static/js/ticket.js does: (position, estimate,
    people behind it)."""
    mine = [entry for entry in message["queue"] if entry["service"] == service]
    for ahead, entry in enumerate(mine):
        if entry["number"] == number:
            return ahead + 1, entry["estimated_wait"], len(mine) - ahead - 1
    return None


def test_a_phones_place_and_the_people_behind_it_in_the_branch_message_agree_with_its_own_state(
    branch, deposits, loans, counter, counter2, teller
):
    tickets = [actions.issue_ticket(service) for service in (deposits, loans, deposits, deposits, loans, deposits)]
    tickets.append(actions.issue_ticket(deposits, priority=True))
    actions.cancel(tickets[3])
    actions.call_next(counter2, by=teller)  # the priority deposit, at counter 2
    actions.transfer(counter2, loans)  # now at the front of loans
    tickets.append(actions.issue_ticket(loans, priority=True))
    message = branch_state(branch)
    waiting = Ticket.objects.waiting().select_related("branch", "service")
    assert waiting.count() == 7
    for ticket in waiting:
        own = ticket_state(ticket)
        assert place_in(message, ticket.number, ticket.service.code) == (
            own["position"], own["estimated_wait"], own["behind"]), ticket.number
    behind = {ticket.number: ticket_state(ticket)["behind"] for ticket in waiting}
    # Deposits: A001, A002, A004 (A003 left); loans: the transferred A005, the priority B003, B001, B002.
    assert behind == {"A001": 2, "A002": 1, "A004": 0, "A005": 3, "B003": 2, "B001": 1, "B002": 0}


async def test_phone_finds_its_place_in_the_branch_message_and_hears_its_own_call(branch, deposits, counter, teller):
    first = await sync_to_async(actions.issue_ticket)(deposits)
    mine = await sync_to_async(actions.issue_ticket)(deposits)
    phone = await connect(f"/ws/tickets/{mine.token}/")
    snapshot = await receive(phone)
    fresh = await sync_to_async(lambda: ticket_state(Ticket.objects.get(pk=mine.pk)))()
    assert snapshot == {"type": "snapshot", "seq": snapshot["seq"], "release": snapshot["release"], **fresh}
    assert (snapshot["status"], snapshot["position"]) == ("waiting", 2)

    await sync_to_async(actions.call_next)(counter, by=teller)  # calls the first customer
    moved = await receive(phone)
    assert (moved["type"], moved["number"], moved["seq"]) == ("called", "A001", snapshot["seq"] + 1)
    # The same place and estimate as the ticket's own state says now.
    fresh = await sync_to_async(lambda: ticket_state(Ticket.objects.get(pk=mine.pk)))()
    assert place_in(moved, "A002", "A") == (1, fresh["estimated_wait"], 0) and fresh["position"] == 1
    assert await phone.receive_nothing(timeout=0.2)  # nothing of the first customer's own ticket

    await sync_to_async(actions.call_next)(counter, by=teller)  # serves the first, calls me
    called = await receive(phone)
    assert (called["type"], called["status"], called["counter"], called["position"]) == ("ticket", "called", "1", None)
    assert called["token"] == mine.token
    branch_message = await receive(phone)
    assert branch_message["seq"] == called["seq"] and place_in(branch_message, "A002", "A") is None
    assert first.token not in json.dumps(branch_message)
    await phone.disconnect()


async def test_no_message_a_phone_hears_carries_another_tickets_token(branch, deposits, loans, counter, teller):
    mine = await sync_to_async(actions.issue_ticket)(deposits)
    others = [await sync_to_async(actions.issue_ticket)(service) for service in (deposits, loans, deposits)]
    phone = await connect(f"/ws/tickets/{mine.token}/")
    heard = [await receive(phone)]
    await sync_to_async(actions.call_next)(counter, by=teller)
    await sync_to_async(actions.transfer)(counter, loans)
    await sync_to_async(actions.call_next)(counter, by=teller)
    await sync_to_async(actions.cancel)(others[-1])
    while not await phone.receive_nothing(timeout=0.3):
        heard.append(await receive(phone))
    text = json.dumps(heard)
    assert len(heard) > 2 and mine.token in text
    assert not any(other.token in text for other in others)
    await phone.disconnect()


async def test_a_phone_hears_every_move_of_its_branch_once(branch, deposits, loans):
    mine = await sync_to_async(actions.issue_ticket)(deposits)
    phone = await connect(f"/ws/tickets/{mine.token}/")
    seq = (await receive(phone))["seq"]
    await sync_to_async(actions.issue_ticket)(loans)
    issued = await receive(phone)
    assert (issued["type"], issued["event"], issued["seq"]) == ("update", "issued", seq + 1)
    assert [service["waiting"] for service in issued["services"]] == [1, 1]
    assert await phone.receive_nothing(timeout=0.3)
    await phone.disconnect()


async def test_bad_origin_is_refused(branch):
    communicator = WebsocketCommunicator(application, "/ws/branches/main/", headers=[(b"origin", b"http://evil.example")])
    connected, _ = await communicator.connect()
    assert not connected


@pytest.mark.parametrize("path", ["/ws/branches/nowhere/", "/ws/tickets/not-a-token/"])
async def test_unknown_branch_or_ticket_is_closed_with_4404(db, path):
    communicator = WebsocketCommunicator(application, path, headers=ORIGIN)
    connected, _ = await communicator.connect()
    assert connected
    closing = await communicator.receive_output(timeout=3)
    assert closing == {"type": "websocket.close", "code": 4404}


async def test_sync_request_gets_a_fresh_snapshot_and_anything_else_is_ignored(branch, deposits):
    display = await connect("/ws/branches/main/")
    await receive(display)
    await display.send_to(text_data="not json")
    await display.send_to(text_data=json.dumps({"type": "call_next"}))
    await display.send_to(text_data="x" * 10_000)
    assert await display.receive_nothing(timeout=0.3)
    await display.send_to(text_data=json.dumps({"type": "sync"}))
    assert (await receive(display))["type"] == "snapshot"
    await display.disconnect()


async def test_heartbeat_tells_a_quiet_screen_it_is_alive(branch, settings):
    settings.SCREEN_HEARTBEAT_SECONDS = 0.1
    display = await connect("/ws/branches/main/")
    snapshot = await receive(display)
    beat = await receive(display)
    assert beat == {"type": "heartbeat", "seq": snapshot["seq"]}
    await display.disconnect()


async def test_snapshot_names_the_release_its_pages_come_from(branch, client):
    """A screen compares this with its page's data-release and reloads itself after a deploy."""
    page = await database_sync_to_async(lambda: client.get("/b/main/display/").content.decode())()
    display = await connect("/ws/branches/main/")
    snapshot = await receive(display)
    assert f'data-release="{snapshot["release"]}"' in page
    assert len(snapshot["release"]) == 12
    await display.disconnect()


@pytest.mark.parametrize("path", ["/ws/branches/main/", "/ws/tickets/{token}/"])
async def test_a_call_made_while_the_snapshot_is_built_still_reaches_the_screen(
    branch, deposits, counter, monkeypatch, path
):
    """A snapshot's sequence number may not count a change the snapshot does not show.

    The screen drops an update whose number equals its snapshot's ("already in the snapshot"): if the
    number were read after the state, a call committed in between would be counted and never shown.
    """
    from displays.consumers import BranchConsumer, TicketConsumer

    ticket = await sync_to_async(actions.issue_ticket)(deposits)
    for consumer in (BranchConsumer, TicketConsumer):
        build = consumer.build_snapshot

        def build_then_call(self, build=build):
            state = build(self)
            if not Ticket.objects.called().exists():
                actions.call_next(counter)  # the teller presses "call next" just after the state was read
            return state

        monkeypatch.setattr(consumer, "build_snapshot", build_then_call)

    screen = await connect(path.format(token=ticket.token))
    snapshot = await receive(screen)
    # The call is told from a worker thread, which a loaded machine may hold up a while: be patient.
    called = json.loads(await screen.receive_from(timeout=15))
    assert called["event"] == "called" and called["seq"] > snapshot["seq"]
    await screen.disconnect()

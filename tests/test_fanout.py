"""Delivery per process (displays/fanout.py): one subscription per group, one reader, one beat for every socket."""

import asyncio
import json

import pytest
from channels.db import database_sync_to_async as sync_to_async

from displays import broadcast, fanout
from tickets import actions

from .test_websockets import connect, receive

pytestmark = pytest.mark.django_db(transaction=True)


def count_calls(monkeypatch, owner, name):
    calls = []
    original = getattr(owner, name)

    async def counted(*args, **kwargs):
        calls.append(args)
        return await original(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    return calls


async def test_the_screens_of_a_process_share_one_subscription_and_each_hears_a_call_once(
    branch, deposits, counter, monkeypatch
):
    ticket = await sync_to_async(actions.issue_ticket)(deposits)
    hub = fanout.hub()
    added = count_calls(monkeypatch, hub.layer, "group_add")
    sent = count_calls(monkeypatch, hub.layer, "group_send")
    screens = [await connect("/ws/branches/main/") for _ in range(3)] + [await connect(f"/ws/tickets/{ticket.token}/")]
    for screen in screens:
        await receive(screen)
    # The branch's group once for four screens, and the phone's own ticket once.
    assert sorted(group for group, _ in added) == [broadcast.branch_group(branch.pk), broadcast.ticket_group(ticket.token)]

    await sync_to_async(actions.call_next)(counter)
    for display in screens[:3]:
        assert (await receive(display))["type"] == "called"
        assert await display.receive_nothing(timeout=0.2)
    # One message for the branch and one for the called ticket, whatever the number of screens.
    assert sorted(group for group, _ in sent) == [broadcast.branch_group(branch.pk), broadcast.ticket_group(ticket.token)]
    phone = screens[3]
    assert [(await receive(phone))["type"], (await receive(phone))["type"]] == ["ticket", "called"]
    for screen in screens:
        await screen.disconnect()


async def test_a_group_no_screen_is_in_any_more_is_left_at_the_next_beat(branch, deposits, monkeypatch):
    ticket = await sync_to_async(actions.issue_ticket)(deposits)
    hub = fanout.hub()
    discarded = count_calls(monkeypatch, hub.layer, "group_discard")
    display = await connect("/ws/branches/main/")
    phone = await connect(f"/ws/tickets/{ticket.token}/")
    await receive(display), await receive(phone)
    await phone.disconnect()
    await hub.beat()
    # The display still needs the branch's group; nobody here needs the ticket's.
    assert [group for group, _ in discarded] == [broadcast.ticket_group(ticket.token)]
    assert broadcast.ticket_group(ticket.token) not in hub.subscribed
    await display.disconnect()


async def test_one_beat_reads_every_branchs_number_once_and_tells_each_screen_its_own(
    branch, other_branch, deposits, monkeypatch
):
    await sync_to_async(actions.issue_ticket)(deposits)  # main's number moves on; harbour's does not
    reads = []
    original = broadcast.current_sequences

    def counted(branch_ids):
        reads.append(sorted(branch_ids))
        return original(branch_ids)

    monkeypatch.setattr(broadcast, "current_sequences", counted)
    screens = {slug: [await connect(f"/ws/branches/{slug}/") for _ in range(2)] for slug in ("main", "harbour")}
    numbers = {slug: [(await receive(screen))["seq"] for screen in group] for slug, group in screens.items()}
    await fanout.hub().beat()
    assert reads == [sorted([branch.pk, other_branch.pk])]
    for slug, group in screens.items():
        for screen, seq in zip(group, numbers[slug]):
            assert await receive(screen) == {"type": "heartbeat", "seq": seq}
            await screen.disconnect()


async def test_a_layer_lost_closes_every_screen_with_4503(branch, monkeypatch):
    hub = fanout.hub()
    screens = [await connect("/ws/branches/main/") for _ in range(2)]
    for screen in screens:
        await receive(screen)

    async def unreachable(*args, **kwargs):
        raise ConnectionError("the layer is gone")

    monkeypatch.setattr(hub.layer, "send", unreachable)
    await hub.beat()
    for screen in screens:
        assert await screen.receive_output(timeout=3) == {"type": "websocket.close", "code": 4503}
    assert not hub.screens


async def test_a_screen_that_cannot_join_is_closed_with_4503(branch, monkeypatch):
    hub = fanout.hub()
    await hub._start()

    async def unreachable(*args, **kwargs):
        raise ConnectionError("the layer is gone")

    monkeypatch.setattr(hub.layer, "group_add", unreachable)
    display = await connect("/ws/branches/main/")
    assert await display.receive_output(timeout=3) == {"type": "websocket.close", "code": 4503}
    # Nothing half-joined stays behind: the next screen tries the layer again.
    assert broadcast.branch_group(branch.pk) not in hub.subscribed


async def test_a_change_made_after_joining_reaches_the_screen_after_its_snapshot(branch, deposits, monkeypatch):
    """The hub may hand a message over before the snapshot has gone out: it waits, so the snapshot comes first."""
    from displays.consumers import ScreenConsumer

    numbered = ScreenConsumer.numbered_snapshot

    def change_then_snapshot(self):
        actions.issue_ticket(deposits)  # a customer takes a ticket just after the screen joined
        return numbered(self)

    monkeypatch.setattr(ScreenConsumer, "numbered_snapshot", change_then_snapshot)
    display = await connect("/ws/branches/main/")
    snapshot = await receive(display)
    update = await receive(display)
    assert snapshot["type"] == "snapshot" and snapshot["services"][0]["waiting"] == 1
    # Numbered before the snapshot's number was read (the screen drops it as already shown,
    # static/js/live.js) or after (shown again): never a number the snapshot does not show.
    assert update["event"] == "issued" and update["seq"] in (snapshot["seq"], snapshot["seq"] + 1)
    await display.disconnect()


async def test_memberships_are_renewed_before_the_layer_forgets_them(branch, monkeypatch):
    hub = fanout.hub()
    display = await connect("/ws/branches/main/")
    await receive(display)
    added = count_calls(monkeypatch, hub.layer, "group_add")
    await hub.beat()
    assert added == []
    monkeypatch.setattr(fanout, "RENEW_SECONDS", 0)
    await asyncio.sleep(0.01)
    await hub.beat()
    assert [group for group, _ in added] == [broadcast.branch_group(branch.pk)]
    await display.disconnect()


async def test_a_broken_socket_does_not_stop_the_others_hearing(branch, deposits, counter, monkeypatch):
    from displays.consumers import ScreenConsumer

    displays = [await connect("/ws/branches/main/") for _ in range(2)]
    for display in displays:
        await receive(display)
    broken = next(iter(fanout.hub().members[broadcast.branch_group(branch.pk)]))

    async def fails(text_data=None, **kwargs):
        raise OSError("connection reset")

    monkeypatch.setattr(broken, "send", fails)
    await sync_to_async(actions.issue_ticket)(deposits)
    heard = [json.loads(await d.receive_from(timeout=1)) for d in displays if not await d.receive_nothing(timeout=0.5)]
    assert [message["event"] for message in heard] == ["issued"]
    assert isinstance(broken, ScreenConsumer)
    for display in displays:
        await display.disconnect()

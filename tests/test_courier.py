"""Changes made under the server are told from its event loop, off the request, a burst at a time (broadcast.py)."""

import asyncio
import threading

import pytest
from channels.db import database_sync_to_async as sync_to_async

from displays import broadcast
from tickets import actions

from .test_websockets import connect, receive, receive_all

pytestmark = pytest.mark.django_db(transaction=True)


def held_builds(monkeypatch):
    """Make every state build wait until the returned event is set; the list counts the builds begun."""
    release, begun = threading.Event(), []
    build = broadcast.branch_state

    def held(branch):
        begun.append(branch.pk)
        assert release.wait(timeout=5)
        return build(branch)

    monkeypatch.setattr(broadcast, "branch_state", held)
    return release, begun


async def test_an_action_does_not_wait_for_its_screens(branch, deposits, counter, monkeypatch):
    display = await connect("/ws/branches/main/")
    await receive(display)
    release, begun = held_builds(monkeypatch)
    # The ticket is issued and answered while its screens' message is still being built.
    ticket = await sync_to_async(actions.issue_ticket)(deposits)
    assert ticket.number == "A001"
    assert await display.receive_nothing(timeout=0.2)
    release.set()
    assert (await receive(display))["services"][0]["waiting"] == 1
    await display.disconnect()


async def test_changes_made_while_a_message_is_built_go_as_one_with_each_call_its_own(
    branch, deposits, counter, counter2, teller, monkeypatch
):
    display = await connect("/ws/branches/main/")
    seq = (await receive(display))["seq"]
    release, begun = held_builds(monkeypatch)
    await sync_to_async(actions.issue_ticket)(deposits)
    while not begun:  # the first change's message is being built: what follows waits for it
        await asyncio.sleep(0.01)
    for _ in range(3):
        await sync_to_async(actions.issue_ticket)(deposits)
    await sync_to_async(actions.call_next)(counter, by=teller)
    await sync_to_async(actions.call_next)(counter2, by=teller)
    release.set()
    messages = await receive_all(display)
    assert [(m["type"], m["seq"]) for m in messages] == [("update", seq + 1), ("called", seq + 2), ("called", seq + 3)]
    assert [(m["number"], m["counter"]) for m in messages[1:]] == [("A001", "1"), ("A002", "2")]
    assert len(begun) == 2  # one state for the first change, one for the five that came while it was built
    assert messages[1]["queue"] == messages[2]["queue"] and len(messages[2]["queue"]) == 2
    await display.disconnect()


async def test_a_phone_hears_its_own_message_once_per_burst_before_the_branchs(
    branch, deposits, counter, teller, monkeypatch
):
    ticket = await sync_to_async(actions.issue_ticket)(deposits)
    phone = await connect(f"/ws/tickets/{ticket.token}/")
    seq = (await receive(phone))["seq"]
    release, begun = held_builds(monkeypatch)
    await sync_to_async(actions.issue_ticket)(deposits)
    while not begun:
        await asyncio.sleep(0.01)
    await sync_to_async(actions.call_next)(counter, by=teller)
    await sync_to_async(actions.recall)(counter)
    release.set()
    messages = await receive_all(phone)
    assert [(m["type"], m["seq"]) for m in messages] == [
        ("update", seq + 1), ("ticket", seq + 2), ("called", seq + 2), ("called", seq + 3)
    ]
    assert (messages[1]["event"], messages[1]["status"], messages[1]["recall_count"]) == ("recalled", "called", 1)
    assert [m["recall"] for m in messages[2:]] == [False, True]
    await phone.disconnect()


async def test_without_a_server_loop_the_screens_are_told_at_once(branch, deposits, monkeypatch):
    """Commands and the shell have no server loop: the message goes before the action returns."""
    sent = []
    monkeypatch.setattr(broadcast, "_server_loop", None)
    monkeypatch.setattr(broadcast, "send", sent.extend)
    await sync_to_async(broadcast.watching)([branch.pk])  # a screen in another process
    await sync_to_async(actions.issue_ticket)(deposits)
    assert [group for group, _ in sent] == [broadcast.branch_group(branch.pk)]


async def test_a_change_nobody_watches_builds_nothing(branch, other_branch, deposits, monkeypatch):
    built = []
    monkeypatch.setattr(broadcast, "branch_state", lambda branch: built.append(branch.pk))
    elsewhere = await connect("/ws/branches/harbour/")  # a screen of another branch
    await receive(elsewhere)
    seq = await sync_to_async(broadcast.current_sequence)(branch.pk)
    await sync_to_async(actions.issue_ticket)(deposits)
    assert await elsewhere.receive_nothing(timeout=0.3)
    assert built == [] and await sync_to_async(broadcast.current_sequence)(branch.pk) == seq
    await elsewhere.disconnect()


async def test_a_process_says_which_branches_its_screens_watch_on_joining_and_at_each_beat(
    branch, other_branch, settings
):
    from django.core.cache import cache

    settings.SCREEN_HEARTBEAT_SECONDS = 0.2
    assert not await sync_to_async(broadcast.watched)(branch.pk)
    display = await connect("/ws/branches/main/")
    await receive(display)
    assert await sync_to_async(broadcast.watched)(branch.pk)
    assert not await sync_to_async(broadcast.watched)(other_branch.pk)
    await sync_to_async(cache.delete)(broadcast._watch_key(branch.pk))  # as if the mark had expired
    assert (await receive(display))["type"] == "heartbeat"
    assert await sync_to_async(broadcast.watched)(branch.pk)
    await display.disconnect()


async def test_a_call_is_never_held_back_and_takes_along_what_waits(branch, deposits, counter, teller, monkeypatch):
    monkeypatch.setattr(broadcast, "INTERVAL", 60)  # other changes wait a minute after each burst
    display = await connect("/ws/branches/main/")
    seq = (await receive(display))["seq"]
    await sync_to_async(actions.issue_ticket)(deposits)
    assert (await receive(display))["seq"] == seq + 1  # the first change of a quiet branch goes at once
    await sync_to_async(actions.issue_ticket)(deposits)
    assert await display.receive_nothing(timeout=0.3)  # within the interval: it waits
    await sync_to_async(actions.call_next)(counter, by=teller)
    called = await receive(display)  # at once, not a minute later, with the waiting ticket in its state
    assert (called["type"], called["number"], called["seq"]) == ("called", "A001", seq + 2)
    assert called["services"][0]["waiting"] == 1
    await display.disconnect()

"""The real thing: Daphne on a free port, real websocket clients, a teller calling over HTTP."""

import asyncio
import json

import pytest
from channels.db import database_sync_to_async as sync_to_async
from websockets.asyncio.client import connect

from tickets import actions

from .servers import Browser, Daphne, ReconnectingScreen

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def daphne(branch, deposits, counter, teller):
    server = Daphne().start()
    yield server
    server.stop()


def open_socket(server, path):
    return connect(server.ws_url + path, origin=server.url, proxy=None, open_timeout=5)


async def next_message(socket, kind=None, timeout=5):
    """The next message (of ``kind``, skipping heartbeats and others) within ``timeout`` seconds."""
    async with asyncio.timeout(timeout):
        while True:
            message = json.loads(await socket.recv())
            if kind is None or message["type"] == kind:
                return message


async def test_display_and_phone_hear_a_call_made_by_a_signed_in_teller(daphne, deposits, counter):
    ticket = await sync_to_async(actions.issue_ticket)(deposits)
    async with open_socket(daphne, "/ws/branches/main/") as display, open_socket(daphne, f"/ws/tickets/{ticket.token}/") as phone:
        assert (await next_message(display))["type"] == "snapshot"
        assert (await next_message(phone))["status"] == "waiting"

        teller = Browser(daphne.url)
        await asyncio.to_thread(teller.sign_in, "teller", "pw-teller")
        status, called = await asyncio.to_thread(teller.post_json, f"/api/v1/counters/{counter.pk}/call-next/")
        assert (status, called["number"]) == (200, "A001")

        call = await next_message(display, "called")
        assert (call["number"], call["counter"]) == ("A001", "1")
        update = await next_message(phone, "ticket")
        assert (update["status"], update["counter"]) == ("called", "1")


async def test_a_screen_reconnects_after_daphne_restarts_and_shows_the_right_state(daphne, deposits):
    screen = ReconnectingScreen(daphne, "/ws/branches/main/")
    following = asyncio.ensure_future(
        screen.follow(until=lambda state: state is not None and state["services"][0]["waiting"] == 2)
    )
    async with asyncio.timeout(10):
        while screen.state is None:
            await asyncio.sleep(0.05)
    assert screen.state["type"] == "snapshot"

    await asyncio.to_thread(daphne.stop)
    # While the server is down, the queue moves on: two customers take tickets.
    await sync_to_async(actions.issue_ticket)(deposits)
    await sync_to_async(actions.issue_ticket)(deposits)
    await asyncio.to_thread(daphne.start)

    state = await following
    assert state["type"] == "snapshot"  # the right state came from the re-sync, not from a lucky update
    assert screen.reconnects >= 1


def test_static_files_are_served_by_daphne_itself_with_debug_off(daphne):
    import urllib.request

    with urllib.request.urlopen(daphne.url + "/static/css/frontline.css") as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/css")
        assert b".display-grid" in response.read()

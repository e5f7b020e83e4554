"""Production mode: several Daphne processes on one PostgreSQL and one Redis.

These need DATABASE_URL (PostgreSQL) and REDIS_URL; without them they skip and say how to run them.
.ci/run runs the whole suite a second time with both set, so in CI they run.
"""

import asyncio
import json
import os
import threading
from collections import Counter as Tally

import pytest
from channels.db import database_sync_to_async
from django.conf import settings
from websockets.asyncio.client import connect

from tickets import actions
from tickets.models import Counter, Ticket

from .conftest import open_counter
from .servers import Daphne, Floor, PrivateRedis, ReconnectingScreen

HOW = ("Run with DATABASE_URL=postgres://postgres@127.0.0.1:5432/test REDIS_URL=redis://127.0.0.1:6379/0 make test "
       "(.ci/run does).")
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not (settings.REDIS_URL and settings.DATABASES["default"]["ENGINE"].endswith("postgresql")),
        reason="needs PostgreSQL and Redis. " + HOW,
    ),
]

# The servers share the suite's Redis; 300 tickets from one test address must not meet the rate limit.
SERVER_ENV = {"REDIS_URL": os.environ.get("REDIS_URL", ""), "TICKETS_PER_MINUTE_PER_ADDRESS": "100000",
              "PHONE_TICKETS_WAITING_PER_BRANCH": "100000"}


@pytest.fixture
def two_servers(branch, deposits, counter, counter2, teller):
    servers = [Daphne(env=SERVER_ENV).start(), Daphne(env=SERVER_ENV).start()]
    yield servers
    for server in servers:
        server.stop()


def open_socket(server, path):
    return connect(server.ws_url + path, origin=server.url, proxy=None, open_timeout=5)


async def next_of(socket, kind, timeout):
    async with asyncio.timeout(timeout):
        while True:
            message = json.loads(await socket.recv())
            if message["type"] == kind:
                return message


async def test_a_display_on_one_process_hears_a_call_made_through_another(two_servers, counter, api_key):
    first, second = two_servers
    floor = Floor(second.url, api_key)
    ticket = await asyncio.to_thread(floor.take, "A")
    async with open_socket(first, "/ws/branches/main/") as display, open_socket(second, ticket["url"].replace("/t/", "/ws/tickets/")) as phone:
        await next_of(display, "snapshot", 5)
        await next_of(phone, "snapshot", 5)
        called = await asyncio.to_thread(floor.counter, counter, "call-next")
        assert called["number"] == ticket["number"]
        call = await next_of(display, "called", 1)  # within a second, across processes
        assert (call["number"], call["counter"]) == (ticket["number"], "1")

        # And the other way round: a phone on the second process hears a call made through the first.
        mine = await asyncio.to_thread(Floor(first.url, api_key).take, "A")
        async with open_socket(second, mine["url"].replace("/t/", "/ws/tickets/")) as other_phone:
            await next_of(other_phone, "snapshot", 5)
            await asyncio.to_thread(Floor(first.url, api_key).counter, counter, "call-next")
            update = await next_of(other_phone, "ticket", 1)
            assert (update["status"], update["counter"]) == ("called", "1")


def test_tellers_on_two_processes_call_each_of_300_tickets_exactly_once(two_servers, branch, deposits, api_key):
    counters = [open_counter(branch, f"R{i}", [deposits]) for i in range(6)]
    floors = [Floor(server.url, api_key) for server in two_servers]
    for i in range(300):
        floors[i % 2].take("A")
    keys = [floors[0].teller_key(counter) for counter in counters]  # each counter called by its own teller
    barrier = threading.Barrier(len(counters))
    calls, failures = [], []

    def teller(i):
        floor = floors[i % 2]  # half the tellers on each process
        try:
            barrier.wait()
            while True:
                status, answer = floor.post_json(f"/api/v1/counters/{counters[i].pk}/call-next/", key=keys[i])
                if status == 204:
                    return
                assert status == 200, answer
                calls.append(answer["number"])
        except Exception as error:
            failures.append(error)

    threads = [threading.Thread(target=teller, args=(i,)) for i in range(len(counters))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)

    assert failures == []
    tally = Tally(calls)
    assert len(tally) == 300 and set(tally.values()) == {1}
    assert not Ticket.objects.waiting().exists()
    assert Counter.objects.filter(branch=branch).count() == 8


@pytest.fixture
def private_redis():
    redis = PrivateRedis().start()
    yield redis
    redis.stop()


async def wait_for(condition, timeout):
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.05)


async def test_displays_hear_calls_again_after_redis_restarts(private_redis, branch, deposits, counter, teller, api_key):
    server = Daphne(env={"REDIS_URL": private_redis.url, "SCREEN_HEARTBEAT_SECONDS": "1"}).start()
    try:
        screens = [ReconnectingScreen(server, "/ws/branches/main/") for _ in range(2)]
        hearing = [asyncio.ensure_future(screen.follow(until=shows_call("A001"), timeout=60)) for screen in screens]
        await wait_for(lambda: all(screen.state is not None for screen in screens), 10)

        await asyncio.to_thread(private_redis.stop)
        # The server notices within a heartbeat and closes the sockets, rather than leaving them open and deaf.
        await wait_for(lambda: all(screen.reconnects >= 1 for screen in screens), 10)
        # The queue moves on while Redis is down: a ticket is taken straight in the database.
        await database_sync_to_async(actions.issue_ticket)(deposits)
        await asyncio.to_thread(private_redis.start)

        # Within 30 seconds every display is back, with the right state, and hears the next call.
        await wait_for(lambda: all(
            screen.state["type"] == "snapshot" and screen.state["services"][0]["waiting"] == 1 for screen in screens
        ), 30)
        await asyncio.to_thread(Floor(server.url, api_key).counter, counter, "call-next")
        for state in await asyncio.gather(*hearing):
            assert state["type"] == "called" and state["counter"] == "1"
    finally:
        server.stop()


def shows_call(number):
    """The screen shows ``number`` as called: by the call itself, or by a re-sync right after it."""
    def check(state):
        if not state:
            return False
        if state["type"] == "called":
            return state["number"] == number
        return state["type"] == "snapshot" and bool(state["recent_calls"]) and state["recent_calls"][0]["number"] == number
    return check


async def test_a_display_keeps_hearing_calls_past_its_connection_lifetime(branch, deposits, counter, api_key):
    """Daphne closes a websocket after --websocket_timeout (a day by default); the display comes back.

    Three seconds stand for the day here. The pub/sub layer has no group expiry to outlive: the display
    re-joins its group on every connect, so a display open for weeks goes on hearing calls.
    """
    server = Daphne(env=SERVER_ENV, args=["--websocket_timeout", "3"]).start()
    try:
        screen = ReconnectingScreen(server, "/ws/branches/main/")
        hearing = asyncio.ensure_future(screen.follow(until=shows_call("A001"), timeout=30))
        await wait_for(lambda: screen.reconnects >= 1 and screen.state is not None, 15)
        floor = Floor(server.url, api_key)
        await asyncio.to_thread(floor.take, "A")
        await asyncio.to_thread(floor.counter, counter, "call-next")
        state = await hearing
        assert shows_call("A001")(state)
    finally:
        server.stop()

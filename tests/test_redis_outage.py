"""A Redis outage never misreports committed work: with Redis down, every request that did its work says so.

A real Daphne on a private redis-server of the test's own, which the test stops (by its pid) and starts;
the suite's own Redis, if any, is never touched. Once a transaction commits the answer is success: the
rate limit falls back to a count per process, screens re-sync later, and /readyz and the log say what is down.
"""

import asyncio
import urllib.error
import urllib.parse
import urllib.request

import pytest
from websockets.asyncio.client import connect

from tickets import actions
from tickets.models import ApiToken, Counter, Ticket

from .servers import Browser, Daphne, Floor, PrivateRedis, close_code

pytestmark = pytest.mark.django_db(transaction=True)
LIMIT = 3


@pytest.fixture
def redis():
    server = PrivateRedis().start()
    yield server
    server.stop()


@pytest.fixture
def server(redis, branch, deposits, loans, counter, counter2, teller, tmp_path):
    with open(tmp_path / "daphne.log", "wb") as output:
        daphne = Daphne(env={"REDIS_URL": redis.url, "TICKETS_PER_MINUTE_PER_ADDRESS": str(LIMIT)}, output=output)
        daphne.log = tmp_path / "daphne.log"
        yield daphne.start()
        daphne.stop()


def readyz(server):
    try:
        with urllib.request.urlopen(server.url + "/readyz", timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_with_redis_down_tickets_are_issued_and_limited_by_each_process(server, redis, api_key):
    redis.stop()
    floor = Floor(server.url, api_key)
    statuses = [floor.post_json("/api/v1/branches/main/tickets/", {"service": "A"})[0] for _ in range(LIMIT + 1)]
    assert statuses == [201] * LIMIT + [429]
    assert Ticket.objects.count() == LIMIT
    assert "rate limit: shared cache unreachable" in server.log.read_text()


def test_with_redis_down_the_kiosk_page_still_prints_tickets(server, redis):
    kiosk = Browser(server.url)
    kiosk.opener.open(server.url + "/b/main/kiosk/").read()
    redis.stop()
    form = urllib.parse.urlencode({"service": "A", "csrfmiddlewaretoken": kiosk.csrf_token()}).encode()
    with kiosk.opener.open(server.url + "/b/main/kiosk/", form) as printed:
        assert printed.status == 200 and "/print/" in printed.url
    assert Ticket.objects.get().number == "A001"


def test_with_redis_down_every_counter_operation_answers_success(
    server, redis, deposits, counter, counter2, api_key, colleague
):
    first, second, third, leaving = (actions.issue_ticket(deposits) for _ in range(4))
    colleagues_key = ApiToken.objects.create_token(colleague, "counter 2")[1]
    redis.stop()
    floor, at_counter2 = Floor(server.url, api_key), Floor(server.url, colleagues_key)
    answers = [
        floor.post_json(f"/api/v1/counters/{counter.pk}/call-next/"),
        floor.post_json(f"/api/v1/counters/{counter.pk}/recall/"),
        floor.post_json(f"/api/v1/counters/{counter.pk}/serve/"),
        floor.post_json(f"/api/v1/counters/{counter.pk}/call-next/"),
        floor.post_json(f"/api/v1/counters/{counter.pk}/no-show/"),
        at_counter2.post_json(f"/api/v1/counters/{counter2.pk}/call-next/"),
        at_counter2.post_json(f"/api/v1/counters/{counter2.pk}/transfer/", {"service": "B"}),
        floor.post_json(f"/api/v1/counters/{counter.pk}/pause/"),
        floor.post_json(f"/api/v1/tickets/{leaving.token}/cancel/"),
    ]
    assert [status for status, _ in answers] == [200] * len(answers), answers
    assert [answer["number"] for _, answer in answers[:7]] == ["A001"] * 3 + ["A002"] * 2 + ["A003"] * 2
    by_number = {ticket.number: ticket for ticket in Ticket.objects.select_related("service")}
    assert by_number["A001"].status == Ticket.Status.SERVED and by_number["A001"].recall_count == 1
    assert by_number["A002"].status == Ticket.Status.NO_SHOW
    assert (by_number["A003"].status, by_number["A003"].service.code) == (Ticket.Status.WAITING, "B")
    assert by_number["A004"].status == Ticket.Status.CANCELLED
    assert Counter.objects.get(pk=counter.pk).status == Counter.Status.PAUSED
    assert "could not broadcast" in server.log.read_text()  # the screens' side failed, and said so


def test_readyz_names_the_cache_and_the_layer_while_redis_is_down_and_recovers(server, redis):
    assert readyz(server)[0] == 200
    redis.stop()
    status, body = readyz(server)
    assert status == 503
    assert b'"database": "ok", "cache": "failed", "channel_layer": "failed"' in body
    redis.start()
    # redis-py reconnects on the next call: ready again within a few probes.
    assert any(readyz(server)[0] == 200 for _ in range(20))


async def test_a_screen_that_connects_while_redis_is_down_is_closed_with_4503(server, redis, deposits):
    ticket = await asyncio.to_thread(actions.issue_ticket, deposits)
    await asyncio.to_thread(redis.stop)
    assert await close_code(server, "/ws/branches/main/") == 4503
    assert await close_code(server, f"/ws/tickets/{ticket.token}/") == 4503


async def test_a_screen_joining_a_group_its_process_already_hears_is_closed_with_4503(redis, branch, deposits):
    # No heartbeat during the test: the process must not have noticed the outage by itself yet.
    daphne = Daphne(env={"REDIS_URL": redis.url, "SCREEN_HEARTBEAT_SECONDS": "3600"}).start()
    try:
        async with connect(daphne.ws_url + "/ws/branches/main/", origin=daphne.url, proxy=None) as display:
            await asyncio.wait_for(display.recv(), 10)  # its snapshot: the process is subscribed to the group
            await asyncio.to_thread(redis.stop)
            assert await close_code(daphne, "/ws/branches/main/") == 4503
    finally:
        daphne.stop()

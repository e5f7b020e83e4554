"""Endpoints for load balancers: is this process alive, and can it do its work right now."""

import asyncio
import logging

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse

log = logging.getLogger(__name__)
TIMEOUT_SECONDS = 2


def healthz(request):
    """The process answers: restart it if this fails."""
    return JsonResponse({"status": "ok"})


@database_sync_to_async
def _database_ok():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


@sync_to_async(thread_sensitive=False)
def _cache_ok():
    # The shared cache holds the rate limit and the screens' sequence numbers: a value must come back.
    cache.set("frontline:readyz", 1, timeout=10)
    return cache.get("frontline:readyz") == 1


async def _channel_layer_ok():
    # A message sent to ourselves through the layer proves the layer (and Redis behind it) carries messages.
    layer = get_channel_layer()
    channel = await layer.new_channel("readyz.")
    await layer.send(channel, {"type": "readyz.ping"})
    return (await layer.receive(channel))["type"] == "readyz.ping"


async def _probe(name, check):
    try:
        return await asyncio.wait_for(check(), TIMEOUT_SECONDS)
    except Exception as error:  # any failure means "not ready", and the reason goes to the log
        log.warning("readyz: %s is not reachable: %r", name, error)
        return False


async def readyz(request):
    """Database, cache and channel layer reachable: send this process traffic. 503 otherwise.

    With the cache or the layer down the queue still works (issuing and every operation answer success,
    screens re-sync later), but degraded: the balancer should prefer a process that has all three."""
    checks = {
        "database": await _probe("database", _database_ok),
        "cache": await _probe("cache", _cache_ok),
        "channel_layer": await _probe("channel layer", _channel_layer_ok),
    }
    ready = all(checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": {k: "ok" if v else "failed" for k, v in checks.items()}},
        status=200 if ready else 503,
    )

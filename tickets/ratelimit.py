"""How many tickets one address may take per minute: a kiosk serves many people, a script should not.

One rule for the kiosk page, the phone kiosk and the API, counted in the shared cache (Redis in
production), so every process sees the same count. While the shared cache is unreachable each process
counts on its own: the limit loosens (by the number of processes) for as long as the outage lasts, but
nobody is refused a ticket, or given a 500, because the cache is down.
"""

import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache

from queuesite.clients import client_address

log = logging.getLogger(__name__)
WINDOW_SECONDS = 60
# This process's own count, used only while the shared cache cannot be reached.
local_counts = LocMemCache(
    "frontline-ratelimit-fallback", {"TIMEOUT": 2 * WINDOW_SECONDS, "OPTIONS": {"MAX_ENTRIES": 10000}}
)


def _count(store, key):
    store.add(key, 0, timeout=2 * WINDOW_SECONDS)
    try:
        return store.incr(key)
    except ValueError:  # the key expired between add and incr
        store.set(key, 1, timeout=2 * WINDOW_SECONDS)
        return 1


def allow_ticket(request):
    """Count this request against its address; False once the address is over the limit this minute."""
    key = f"frontline:tickets:{client_address(request)}:{int(time.time() // WINDOW_SECONDS)}"
    try:
        count = _count(cache, key)
    except Exception as error:  # whatever the cache raises (refused, timed out), issuing goes on
        log.warning("rate limit: shared cache unreachable (%s); counting in this process", error)
        count = _count(local_counts, key)
    return count <= settings.TICKETS_PER_MINUTE_PER_ADDRESS

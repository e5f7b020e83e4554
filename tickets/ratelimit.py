"""Counts in a window of time, shared by every process: how many tickets one address may take per minute
(a kiosk serves many people, a script should not), and failed sign-ins (queuesite/signin.py).

The ticket limit is one rule for the kiosk page, the phone kiosk and the API, counted in the shared cache (Redis in
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
# This process's own counts, used only while the shared cache cannot be reached.
local_counts = LocMemCache("frontline-ratelimit-fallback", {"TIMEOUT": 3600, "OPTIONS": {"MAX_ENTRIES": 10000}})


def _count(store, key, window):
    store.add(key, 0, timeout=2 * window)
    try:
        return store.incr(key)
    except ValueError:  # the key expired between add and incr
        store.set(key, 1, timeout=2 * window)
        return 1


def _key(name, window):
    return f"frontline:{name}:{int(time.time() // window)}"


def hit(name, window):
    """Count one more of ``name`` in this ``window`` of seconds and return the count so far."""
    key = _key(name, window)
    try:
        return _count(cache, key, window)
    except Exception as error:  # whatever the cache raises (refused, timed out), the request goes on
        log.warning("rate limit: shared cache unreachable (%s); counting in this process", error)
        return _count(local_counts, key, window)


def hits(name, window):
    """How many of ``name`` were counted in this ``window`` of seconds, without counting one more."""
    key = _key(name, window)
    try:
        return cache.get(key, 0)
    except Exception:
        return local_counts.get(key, 0)


def forget(name, window):
    """Start ``name``'s count of this window again (a sign-in that succeeded clears its failures)."""
    key = _key(name, window)
    local_counts.delete(key)
    try:
        cache.delete(key)
    except Exception:
        pass


def allow_ticket(request):
    """Count this request against its address; False once the address is over the limit this minute."""
    count = hit(f"tickets:{client_address(request)}", WINDOW_SECONDS)
    return count <= settings.TICKETS_PER_MINUTE_PER_ADDRESS

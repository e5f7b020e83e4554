"""Counts in a window of time, shared by every process: how many tickets one address, or one registered kiosk,
may take per minute (a kiosk serves many people, a script should not), and failed sign-ins (queuesite/signin.py).

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


def retry_after(window=WINDOW_SECONDS):
    """Seconds until this ``window`` ends and its counts start again: every 429 says it (Retry-After)."""
    return window - int(time.time()) % window


class TicketLimit:
    """Whose count a ticket request is: a registered kiosk's own (its device key, printing/), generous, or
    else its address's, which every phone behind a branch's public address shares.

    Only accepted tickets count: ``refused()`` reads the count, ``count()`` adds the ticket once it is
    issued, so a refused or invalid request costs nobody a ticket. (Requests that arrive together may all
    read the same count: a burst can pass the limit by its own size, once.)
    """

    def __init__(self, request, branch):
        from printing.models import Kiosk

        self.kiosk = Kiosk.objects.registered(request, branch)
        if self.kiosk is not None:
            self.name, self.limit = f"tickets:kiosk:{self.kiosk.pk}", settings.KIOSK_TICKETS_PER_MINUTE
        else:
            self.name, self.limit = f"tickets:{client_address(request)}", settings.TICKETS_PER_MINUTE_PER_ADDRESS

    @property
    def channel(self):
        """Only a registered kiosk issues kiosk tickets; the phone page, the API and any other browser are the
        public's, under the branch's cap on waiting phone tickets."""
        from .models import Ticket

        return Ticket.Channel.KIOSK if self.kiosk is not None else Ticket.Channel.PHONE

    def refused(self):
        """Seconds to wait (for Retry-After) when this minute's tickets are used up, else None."""
        return retry_after() if hits(self.name, WINDOW_SECONDS) >= self.limit else None

    def count(self):
        hit(self.name, WINDOW_SECONDS)

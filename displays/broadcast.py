"""The one path from a queue change to the screens, and the one owner of group names.

tickets/actions.py calls ``queue_changed`` after its transaction commits. Here changes become messages: for
each burst of a branch's changes, one message for the branch's group, heard by every screen of the branch
(displays, consoles, dashboards and the phones, which find their own place in its queue), one more for each
call in the burst (a display chimes every call), and one for each ticket whose own status changed. The
branch's state is built once and serialized to JSON text once per burst, whatever the number of screens;
fanout.py carries the text to each process once and writes it to that process's sockets.

Under the server, the request that made a change does not wait for its screens: the change is handed to
the server's event loop (the Courier), which builds the messages in a worker thread and coalesces what
arrives while a burst is built, and changes other than calls within ``INTERVAL`` of a branch's last
message, so twenty kiosks issuing at once cost a few state builds a second, not one per ticket, and a
call is never held back. Elsewhere (commands, the shell) the messages go at once.
"""

import asyncio
import json
import logging
import weakref
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Optional

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.cache import cache
from django.db import close_old_connections

from tickets.models import Branch, Ticket
from tickets.state import branch_state, ticket_state

log = logging.getLogger(__name__)

# Changes other than calls (tickets issued, cancelled, counters opened) go at most this often per branch:
# what arrives meanwhile goes together. A call always goes at once, taking along whatever waits.
INTERVAL = 0.1


def branch_group(branch_id):
    return f"branch.{branch_id}"


def ticket_group(token):
    return f"ticket.{token}"


def _sequence_key(branch_id):
    return f"frontline:branch-seq:{branch_id}"


def current_sequence(branch_id):
    return cache.get(_sequence_key(branch_id), 0)


def current_sequences(branch_ids):
    """Each branch's number, in one read of the cache (the heartbeat of a process's screens)."""
    keys = {_sequence_key(branch_id): branch_id for branch_id in branch_ids}
    found = cache.get_many(keys)
    return {branch_id: found.get(key, 0) for key, branch_id in keys.items()}


def next_sequences(branch_id, count):
    """The next ``count`` numbers of a per-branch counter shared by every process (through the cache), so
    screens can spot a gap; returns the first."""
    key = _sequence_key(branch_id)
    cache.add(key, 0, timeout=None)
    try:
        return cache.incr(key, count) - count + 1
    except ValueError:  # the cache lost the key between add and incr: start again
        cache.set(key, count, timeout=None)
        return 1


def _watch_key(branch_id):
    return f"frontline:watched:{branch_id}"


def watching(branch_ids):
    """Tell every process that this one has screens of ``branch_ids``: its hub says so on each join and beat.

    Until the third beat missed, so a branch whose last screen left stops costing anything a minute later.
    """
    timeout = int(3 * settings.SCREEN_HEARTBEAT_SECONDS) + 1
    cache.set_many({_watch_key(branch_id): 1 for branch_id in branch_ids}, timeout=timeout)


def watched(branch_id):
    """Whether any process has a screen of the branch: a change nobody watches costs only its commit."""
    return cache.get(_watch_key(branch_id)) is not None


def serialize(payload):
    return json.dumps(payload, separators=(",", ":"))


async def _send_all(messages):
    layer = get_channel_layer()
    for group, text in messages:
        await layer.group_send(group, {"type": "screen.send", "group": group, "text": text})


def send(messages):
    """Send each ``(group, text)`` to every screen in that group, in order."""
    async_to_sync(_send_all)(messages)


@dataclass(frozen=True)
class Change:
    """What one committed action changed, as actions.py reports it."""

    event: str
    branch_id: int
    tokens: tuple = ()  # the tickets whose own status changed: their phones hear it
    counter_id: Optional[int] = None
    call_id: Optional[int] = None  # the ticket called or recalled, for the displays' chime


def queue_changed(event, branch_id, *, tokens=(), counter_id=None, call_id=None):
    """Tell the branch's screens, and the phones of the tickets the action changed, what it changed.

    Runs after the commit: whatever fails (the cache, the layer) is logged, never raised, since the change
    is made; a screen that misses a message re-syncs at its next gap, heartbeat or reconnect.
    """
    change = Change(event, branch_id, tuple(tokens), counter_id, call_id)
    loop = _server_loop
    if loop is not None and loop.is_running():
        try:
            loop.call_soon_threadsafe(_post, change)
            return
        except RuntimeError:  # the loop closed in the meantime: tell the screens from here
            pass
    try:
        messages = messages_for(branch_id, [change])
        if messages:  # nobody watches: not even a trip to the layer
            send(messages)
    except Exception:
        log.exception("could not broadcast %s for branch %s", event, branch_id)


def messages_for(branch_id, changes):
    """The ``(group, text)`` messages that tell a branch's screens about ``changes`` (in order), numbered.

    One branch message per call in ``changes`` (``called``, with the number and counter), or one ``update``
    if none; each carries the branch's state now, built and serialized once. Before them, one ticket message
    per ticket that changed, with its state now and the number of the first branch message: a phone learns
    it was called before it sees its number leave the queue. Nothing, if no screen watches the branch.
    """
    if not watched(branch_id):
        return []
    calls = [change for change in changes if change.call_id is not None]
    # The numbers before the state, as a snapshot takes them (consumers.py): every change they count was
    # committed before the state is read, so a message never shows less than its number says.
    first = next_sequences(branch_id, len(calls) or 1)
    state = branch_state(Branch.objects.get(pk=branch_id))
    counters = {row["id"]: row["name"] for row in state["counters"]}
    called = dict(Ticket.objects.filter(pk__in=[change.call_id for change in calls]).values_list("pk", "number"))
    heads = [
        {"type": "called", "event": change.event, "number": called.get(change.call_id),
         "counter": counters.get(change.counter_id), "recall": change.event == "recalled",
         "counter_id": change.counter_id}
        for change in calls
    ]
    if not heads:
        last = changes[-1]
        heads = [{"type": "update", "event": last.event}]
        if last.counter_id is not None:
            heads[0]["counter_id"] = last.counter_id

    events = {token: change.event for change in changes for token in change.tokens}  # each ticket's last
    tickets = Ticket.objects.filter(token__in=events).select_related("branch", "service", "counter", "feedback")
    messages = [
        (ticket_group(ticket.token),
         serialize({"type": "ticket", "event": events[ticket.token], "seq": first, **ticket_state(ticket)}))
        for ticket in tickets
    ]
    # The state's text once; each branch message is its own few fields and that text.
    state_text = serialize(state)[1:]
    for seq, head in enumerate(heads, first):
        messages.append((branch_group(branch_id), serialize({**head, "seq": seq})[:-1] + "," + state_text))
    return messages


# --- under the server: changes go to the event loop, which coalesces them per branch -------------------

_server_loop = None


class ServedFrom:
    """ASGI middleware that names the event loop serving requests, so changes are told from it."""

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        global _server_loop
        _server_loop = asyncio.get_running_loop()
        return await self.application(scope, receive, send)


class Courier:
    """A loop's changes waiting per branch, told as bursts in order: a call at once, other changes at most
    every ``INTERVAL`` seconds (a call arriving meanwhile takes them along)."""

    def __init__(self, loop):
        self.loop = loop
        self.waiting = {}  # branch id -> the changes not yet told, in order
        self.telling = set()  # branches whose task is running: one per branch, so bursts go out in order
        self.last = {}  # branch id -> when its last burst was taken (loop time): one number per branch
        self.calls = {}  # branch id -> set when a call joins a burst that is waiting out its interval

    def post(self, change):
        self.waiting.setdefault(change.branch_id, []).append(change)
        if change.call_id is not None and change.branch_id in self.calls:
            self.calls[change.branch_id].set()
        if change.branch_id not in self.telling:
            self.telling.add(change.branch_id)
            self.loop.create_task(self.tell(change.branch_id))

    async def tell(self, branch_id):
        try:
            while self.waiting.get(branch_id):
                await self._interval(branch_id)
                changes = self.waiting.pop(branch_id)
                self.last[branch_id] = self.loop.time()
                try:
                    await _send_all(await _build(branch_id, changes))  # nothing to send if nobody watches
                except Exception:
                    log.exception("could not broadcast %s for branch %s", changes[-1].event, branch_id)
        finally:
            self.telling.discard(branch_id)

    async def _interval(self, branch_id):
        # A change within INTERVAL of the last burst waits for the rest of its own burst, unless it is
        # (or is joined by) a call: the lobby hears a call at once.
        wait = self.last.get(branch_id, -INTERVAL) + INTERVAL - self.loop.time()
        if wait <= 0 or any(change.call_id is not None for change in self.waiting[branch_id]):
            return
        called = self.calls[branch_id] = asyncio.Event()
        try:
            await asyncio.wait_for(called.wait(), wait)
        except asyncio.TimeoutError:
            pass
        finally:
            del self.calls[branch_id]


# One thread of its own, not the request's: the requests go on while a burst is built, and the builds
# hold at most one database connection per process (a thread per build would each keep one from the pool).
_builder = ThreadPoolExecutor(max_workers=1, thread_name_prefix="screens")


def _built(branch_id, changes):
    close_old_connections()
    try:
        return messages_for(branch_id, changes)
    finally:
        close_old_connections()


async def _build(branch_id, changes):
    return await asyncio.get_running_loop().run_in_executor(_builder, _built, branch_id, changes)


_couriers = weakref.WeakKeyDictionary()


def _post(change):
    loop = asyncio.get_running_loop()
    if loop not in _couriers:
        _couriers[loop] = Courier(loop)
    _couriers[loop].post(change)

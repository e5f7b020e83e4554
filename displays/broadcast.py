"""The one path from a queue change to the screens, and the one owner of group names.

tickets/actions.py calls ``queue_changed`` after its transaction commits. Here the change becomes one
message for the branch's group, heard by every screen of the branch (displays, consoles, dashboards and the
phones, which find their own place in its queue), and one for each ticket whose own status the action changed.
Each is built once and serialized to JSON text once, here, whatever the number of screens; fanout.py
carries the text to each process once and writes it to that process's sockets.
"""

import json
import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.cache import cache

from tickets.models import Branch, Ticket
from tickets.state import branch_state, ticket_state

log = logging.getLogger(__name__)


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


def next_sequence(branch_id):
    """A per-branch counter shared by every process (through the cache), so screens can spot a gap."""
    key = _sequence_key(branch_id)
    cache.add(key, 0, timeout=None)
    try:
        return cache.incr(key)
    except ValueError:  # the cache lost the key between add and incr: start again
        cache.set(key, 1, timeout=None)
        return 1


def serialize(payload):
    return json.dumps(payload, separators=(",", ":"))


async def _send_all(messages):
    layer = get_channel_layer()
    for group, text in messages:
        await layer.group_send(group, {"type": "screen.send", "group": group, "text": text})


def send(messages):
    """Send each ``(group, payload)`` to every screen in that group, each payload serialized once, in order."""
    async_to_sync(_send_all)([(group, serialize(payload)) for group, payload in messages])


def queue_changed(event, branch_id, *, tokens=(), counter_id=None, call_id=None):
    """Tell the branch's screens, and the phones of the tickets the action changed, what it changed.

    Runs after the commit: whatever fails here (the cache, the layer) is logged, never raised, since the
    change is made; a screen that misses the message re-syncs at its next gap, heartbeat or reconnect.
    """
    try:
        seq = next_sequence(branch_id)
        message = {"type": "update", "event": event, "seq": seq}
        if call_id is not None:
            called = Ticket.objects.select_related("counter").get(pk=call_id)
            message.update(type="called", number=called.number, counter=called.counter.name,
                           recall=event == "recalled")
        if counter_id is not None:
            message["counter_id"] = counter_id
        tickets = Ticket.objects.filter(token__in=tokens).select_related("branch", "service", "counter", "feedback")
        # A ticket's own message first: a phone learns it was called before it sees its number leave the queue.
        send(
            [(ticket_group(ticket.token), {"type": "ticket", "event": event, "seq": seq, **ticket_state(ticket)})
             for ticket in tickets]
            + [(branch_group(branch_id), {**message, **branch_state(Branch.objects.get(pk=branch_id))})]
        )
    except Exception:
        log.exception("could not broadcast %s for branch %s", event, branch_id)

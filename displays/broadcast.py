"""The one path from a queue change to the screens, and the one owner of group names.

tickets/actions.py calls ``queue_changed`` after its transaction commits. Here the change becomes one
channel-layer message for the branch's group (displays, staff consoles) and one for each ticket whose
status, place or estimate it moved (phones). Each payload is serialized to JSON text once, here; the
consumers forward the text as it is, so a hundred screens do not serialize it a hundred times.
"""

import json
import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.cache import cache

from tickets.models import Branch, Ticket
from tickets.state import branch_state, waiting_ticket_states, ticket_state

log = logging.getLogger(__name__)


def branch_group(branch_id):
    return f"branch.{branch_id}"


def ticket_group(token):
    return f"ticket.{token}"


def _sequence_key(branch_id):
    return f"frontline:branch-seq:{branch_id}"


def current_sequence(branch_id):
    return cache.get(_sequence_key(branch_id), 0)


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
        await layer.group_send(group, {"type": "screen.send", "text": text})


def send(messages):
    """Send each ``(group, payload)`` to every screen in that group, each payload serialized once.

    One event loop for the whole batch: a call that moves fifty phones costs one hop out of the
    request thread, not fifty.
    """
    async_to_sync(_send_all)([(group, serialize(payload)) for group, payload in messages])


def queue_changed(event, branch_id, *, service_ids=(), tokens=(), counter_id=None, call_id=None):
    """Tell the branch's screens, and the phones of the tickets it moved, what an action changed."""
    branch = Branch.objects.get(pk=branch_id)
    seq = next_sequence(branch_id)
    message = {"type": "update", "event": event, "seq": seq}
    if call_id is not None:
        called = Ticket.objects.select_related("counter").get(pk=call_id)
        message.update(type="called", number=called.number, counter=called.counter.name,
                       recall=event == "recalled")
    if counter_id is not None:
        message["counter_id"] = counter_id
    try:
        # Everyone waiting in a service whose queue moved has a new place or estimate; the tickets the
        # action touched directly have a new status.
        states = waiting_ticket_states(service_ids)
        for ticket in Ticket.objects.filter(token__in=tokens).select_related("branch", "service", "counter"):
            states[ticket.token] = ticket_state(ticket)
        send(
            [(branch_group(branch_id), {**message, **branch_state(branch)})]
            + [(ticket_group(token), {"type": "update", "event": event, "seq": seq, **state})
               for token, state in states.items()]
        )
    except Exception:
        # The change is committed; a screen that misses this message re-syncs on its next gap or reconnect.
        log.exception("could not broadcast %s for branch %s", event, branch_id)

"""The websockets of the lobby displays, staff consoles, dashboards and phones.

A screen gets a snapshot first, then every change as it happens, and a heartbeat so it can tell a quiet
queue from a dead connection. Messages reach it through this process's hub (fanout.py), which writes the
text broadcast.py serialized once; the consumer only joins, sends the snapshot and leaves. What a screen
sends is ignored, except a short ``{"type": "sync"}`` asking for a fresh snapshot after it noticed a gap
in the sequence numbers.
"""

import json
import logging

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from tickets.models import Branch, Ticket
from tickets.state import branch_state, ticket_state

from . import broadcast, fanout
from .release import RELEASE

log = logging.getLogger(__name__)

MAX_CLIENT_MESSAGE = 256
# Daphne allows only 1000 and 3000-4999: 4503 says "unavailable, come back" as HTTP's 503 does.
LAYER_LOST = 4503


class ScreenConsumer(AsyncWebsocketConsumer):
    """Join the hub's groups, send a snapshot, then let the hub write the groups' messages."""

    # No channel of its own on the layer: the hub holds one for the whole process.
    channel_layer_alias = None
    close_code_unknown = 4404

    async def connect(self):
        self.screen_groups = await database_sync_to_async(self.find_groups)()
        self.joined = False
        # Messages the hub hands over before the snapshot has gone out wait here, so the snapshot comes first.
        self.pending = []
        if not self.screen_groups:
            # Accept first so the browser sees our close code rather than a failed handshake.
            await self.accept()
            await self.close(code=self.close_code_unknown)
            return
        await self.accept()
        # Join before building the snapshot, so no change can fall between the two.
        try:
            await fanout.hub().join(self, self.screen_groups)
        except Exception:
            log.warning("channel layer unreachable: refusing a screen", exc_info=True)
            await self.close(code=LAYER_LOST)
            return
        self.joined = True
        await self.send_snapshot()
        pending, self.pending = self.pending, None
        for text in pending:
            await self.send(text_data=text)

    async def disconnect(self, code):
        if self.joined:
            fanout.hub().leave(self, self.screen_groups)
            self.joined = False

    async def receive(self, text_data=None, bytes_data=None):
        if not text_data or len(text_data) > MAX_CLIENT_MESSAGE:
            return
        try:
            message = json.loads(text_data)
        except ValueError:
            return
        if isinstance(message, dict) and message.get("type") == "sync":
            await self.send_snapshot()

    async def deliver(self, text):
        """The hub's way in: one group message or heartbeat, already serialized."""
        if self.pending is not None:
            self.pending.append(text)
            return
        try:
            await self.send(text_data=text)
        except Exception:
            log.debug("could not write to a closing screen", exc_info=True)

    async def layer_lost(self):
        fanout.hub().leave(self, self.screen_groups)
        self.joined = False
        await self.close(code=LAYER_LOST)

    async def send_snapshot(self):
        seq, snapshot = await database_sync_to_async(self.numbered_snapshot)()
        message = {"type": "snapshot", "seq": seq, "release": RELEASE, **snapshot}
        await self.send(text_data=json.dumps(message))

    def numbered_snapshot(self):
        # The number before the state: every change it counts was committed before the state is read, so
        # the snapshot shows it. A screen drops an update numbered as its snapshot ("already shown"), so a
        # number read after the state could count a call the screen then never shows.
        seq = broadcast.current_sequence(self.branch_id)
        return seq, self.build_snapshot()


class BranchConsumer(ScreenConsumer):
    """/ws/branches/{branch}/: lobby displays, staff consoles, the manager's dashboard."""

    def find_groups(self):
        self.branch = Branch.objects.filter(slug=self.scope["url_route"]["kwargs"]["branch"]).first()
        if self.branch is None:
            return []
        self.branch_id = self.branch.pk
        return [broadcast.branch_group(self.branch_id)]

    def build_snapshot(self):
        return branch_state(self.branch)


class TicketConsumer(ScreenConsumer):
    """/ws/tickets/{token}/: the phone page of one ticket.

    It hears its ticket's own changes and every message of its branch, whose queue gives it its place.
    """

    def find_groups(self):
        token = self.scope["url_route"]["kwargs"]["token"]
        self.ticket = Ticket.objects.filter(token=token).first()
        if self.ticket is None:
            return []
        self.branch_id = self.ticket.branch_id
        return [broadcast.ticket_group(token), broadcast.branch_group(self.branch_id)]

    def build_snapshot(self):
        ticket = Ticket.objects.select_related("branch", "service", "counter").get(pk=self.ticket.pk)
        return ticket_state(ticket)

"""The websockets of the lobby displays, staff consoles and phones.

A screen gets a snapshot first, then every change as it happens (see broadcast.py), and a heartbeat
so it can tell a quiet queue from a dead connection. What a screen sends is ignored, except a short
``{"type": "sync"}`` asking for a fresh snapshot after it noticed a gap in the sequence numbers.
"""

import asyncio
import json
import logging

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from tickets.models import Branch, Ticket
from tickets.state import branch_state, ticket_state

from . import broadcast
from .release import RELEASE

log = logging.getLogger(__name__)

MAX_CLIENT_MESSAGE = 256
# Daphne allows only 1000 and 3000-4999: 4503 says "unavailable, come back" as HTTP's 503 does.
LAYER_LOST = 4503


class ScreenConsumer(AsyncWebsocketConsumer):
    """Join one group, send a snapshot, forward the group's messages, beat every 20 seconds."""

    close_code_unknown = 4404

    async def connect(self):
        self.group = await database_sync_to_async(self.find_group)()
        self.heartbeat = None
        if self.group is None:
            # Accept first so the browser sees our close code rather than a failed handshake.
            await self.accept()
            await self.close(code=self.close_code_unknown)
            return
        # Join before building the snapshot, so no change can fall between the two.
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send_snapshot()
        self.heartbeat = asyncio.ensure_future(self.beat())

    async def disconnect(self, code):
        if self.heartbeat:
            self.heartbeat.cancel()
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None):
        if not text_data or len(text_data) > MAX_CLIENT_MESSAGE:
            return
        try:
            message = json.loads(text_data)
        except ValueError:
            return
        if isinstance(message, dict) and message.get("type") == "sync":
            await self.send_snapshot()

    async def send_snapshot(self):
        seq, snapshot = await database_sync_to_async(self.numbered_snapshot)()
        message = {"type": "snapshot", "seq": seq, "release": RELEASE, **snapshot}
        await self.send(text_data=json.dumps(message))

    def numbered_snapshot(self):
        # The number before the state: every change it counts was committed before the state is read, so
        # the snapshot shows it. A screen drops an update numbered as its snapshot ("already shown"), so a
        # number read after the state could count a call the screen then never shows.
        seq = self.sequence()
        return seq, self.build_snapshot()

    async def beat(self):
        while True:
            await asyncio.sleep(settings.SCREEN_HEARTBEAT_SECONDS)
            if not await self.layer_reachable():
                # A socket this process can no longer feed would stay open and deaf: close it, so the
                # screen reconnects (to this process or another) and re-syncs from a snapshot.
                await self.close(code=LAYER_LOST)
                return
            # The number lives in the shared cache: read it off the event loop, which every socket shares.
            seq = await sync_to_async(self.sequence)()
            await self.send(text_data=json.dumps({"type": "heartbeat", "seq": seq}))

    async def layer_reachable(self):
        try:
            await asyncio.wait_for(self.channel_layer.send(self.channel_name, {"type": "screen.ping"}), 5)
            return True
        except Exception:
            log.warning("channel layer unreachable: closing %s", self.channel_name, exc_info=True)
            return False

    async def screen_ping(self, event):
        """The heartbeat's own round trip through the layer; nothing to tell the screen."""

    async def screen_send(self, event):
        await self.send(text_data=event["text"])


class BranchConsumer(ScreenConsumer):
    """/ws/branches/{branch}/: lobby displays and staff consoles."""

    def find_group(self):
        self.branch = Branch.objects.filter(slug=self.scope["url_route"]["kwargs"]["branch"]).first()
        return broadcast.branch_group(self.branch.pk) if self.branch else None

    def build_snapshot(self):
        return branch_state(self.branch)

    def sequence(self):
        return broadcast.current_sequence(self.branch.pk)


class TicketConsumer(ScreenConsumer):
    """/ws/tickets/{token}/: the phone page of one ticket."""

    def find_group(self):
        token = self.scope["url_route"]["kwargs"]["token"]
        self.ticket = Ticket.objects.filter(token=token).first()
        return broadcast.ticket_group(token) if self.ticket else None

    def build_snapshot(self):
        ticket = Ticket.objects.select_related("branch", "service", "counter").get(pk=self.ticket.pk)
        return ticket_state(ticket)

    def sequence(self):
        return broadcast.current_sequence(self.ticket.branch_id)

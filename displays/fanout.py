"""Delivery to this process's sockets: the layer carries one message per group to each process, not to each socket.

Channels' own group delivery gives every socket a channel on the layer and a task reading it, so a call heard by
500 lobby screens is 500 layer messages, 500 wake-ups and 500 dispatches (DESIGN.md measured p99 205 ms against
48 ms for this shape). Here each process has one channel on the layer, subscribed to the groups its sockets are
in; one reader task writes each message's already-serialized text to the local sockets of its group, and one
timer beats for all of them: one layer round trip and one read of the branches' sequence numbers per beat.

Screens are the consumers in consumers.py; they give the hub a ``branch_id``, ``deliver(text)`` and
``layer_lost()``. Nothing here knows what a message says.
"""

import asyncio
import json
import logging
import time
from collections import defaultdict

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings

from . import broadcast

log = logging.getLogger(__name__)

# How long a layer operation may take before the layer counts as lost.
LAYER_TIMEOUT = 5
# The in-memory layer forgets a group membership after a day (group_expiry): renew ours well before.
RENEW_SECONDS = 3600


class Hub:
    """This process's live screens: which are in which group, one subscription per group, one reader, one beat."""

    def __init__(self, loop):
        self.loop = loop
        self.layer = get_channel_layer()
        self.members = defaultdict(set)  # group -> the local screens in it
        self.subscribed = {}  # group -> the task adding this process's channel to it
        self.renewed = {}  # group -> when that membership was last added
        self.screens = set()
        self.channel = None
        self.tasks = []
        # Held while this process's channel joins or leaves a group on the layer, so a leave and a join of
        # the same group cannot interleave and leave the group's screens deaf.
        self.lock = asyncio.Lock()

    async def join(self, screen, groups):
        """Add ``screen`` to ``groups``; raises if the layer cannot be reached (the screen then closes)."""
        await self._start()
        # Before the screen's snapshot is read, so no change it does not show goes untold.
        await sync_to_async(broadcast.watching, thread_sensitive=False)([screen.branch_id])
        self.screens.add(screen)
        for group in groups:
            self.members[group].add(screen)
            await self._subscribe(group)

    def leave(self, screen, groups):
        """Forget ``screen``; the layer subscriptions of groups left empty go at the next beat."""
        self.screens.discard(screen)
        for group in groups:
            self.members[group].discard(screen)

    async def _start(self):
        if self.channel is not None:
            return
        async with self.lock:
            if self.channel is None:
                self.channel = await asyncio.wait_for(self.layer.new_channel(prefix="screens."), LAYER_TIMEOUT)
                self.tasks = [asyncio.ensure_future(self._read()), asyncio.ensure_future(self._beat())]

    async def _subscribe(self, group):
        task = self.subscribed.get(group)
        if task is None:
            async with self.lock:
                task = self.subscribed.get(group)
                if task is None:
                    task = self.subscribed[group] = asyncio.ensure_future(self._add(group))
        try:
            # Every screen that joins meanwhile waits for the same subscription: none hears less than its snapshot.
            await asyncio.shield(task)
        except Exception:
            if self.subscribed.get(group) is task:
                del self.subscribed[group]
            raise

    async def _add(self, group):
        await asyncio.wait_for(self.layer.group_add(group, self.channel), LAYER_TIMEOUT)
        self.renewed[group] = time.monotonic()

    async def _read(self):
        while True:
            try:
                message = await self.layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("channel layer receive failed; trying again", exc_info=True)
                await asyncio.sleep(1)
                continue
            if message.get("type") != "screen.send":
                continue  # the beat's own ping
            text = message["text"]
            for screen in list(self.members.get(message["group"], ())):
                await screen.deliver(text)

    async def _beat(self):
        while True:
            await asyncio.sleep(settings.SCREEN_HEARTBEAT_SECONDS)
            try:
                await self.beat()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("heartbeat failed")

    async def beat(self):
        """Prove the layer still carries this process's messages, and tell every screen its branch's number."""
        screens = list(self.screens)
        try:
            await asyncio.wait_for(self.layer.send(self.channel, {"type": "screen.ping"}), LAYER_TIMEOUT)
        except Exception:
            # A socket this process can no longer feed would stay open and deaf: close it, so the screen
            # reconnects (to this process or another) and re-syncs from a snapshot.
            log.warning("channel layer unreachable: closing %d screens", len(screens), exc_info=True)
            for screen in screens:
                await screen.layer_lost()
            return
        branch_ids = {screen.branch_id for screen in screens}
        # The numbers live in the shared cache: read them off the event loop, in one call, and say these
        # branches are still watched.
        numbers = await sync_to_async(_still_watched, thread_sensitive=False)(branch_ids)
        texts = {branch_id: json.dumps({"type": "heartbeat", "seq": seq}) for branch_id, seq in numbers.items()}
        for screen in screens:
            await screen.deliver(texts[screen.branch_id])
        await self._tidy()

    async def _tidy(self):
        """Leave the groups no local screen is in any more; renew the memberships the layer would forget."""
        now = time.monotonic()
        async with self.lock:
            for group in [group for group, screens in self.members.items() if not screens]:
                del self.members[group]
                task = self.subscribed.pop(group, None)
                self.renewed.pop(group, None)
                if task is not None and task.done() and not task.cancelled() and task.exception() is None:
                    await asyncio.wait_for(self.layer.group_discard(group, self.channel), LAYER_TIMEOUT)
            for group, since in list(self.renewed.items()):
                if now - since > RENEW_SECONDS:
                    await self._add(group)

    async def stop(self):
        for task in self.tasks:
            task.cancel()


def _still_watched(branch_ids):
    broadcast.watching(branch_ids)
    return broadcast.current_sequences(branch_ids)


_hubs = {}


def hub():
    """The hub of the running event loop (one per process under Daphne; tests may run several loops)."""
    loop = asyncio.get_running_loop()
    current = _hubs.get(id(loop))
    if current is None or current.loop is not loop:
        for key in [key for key, old in _hubs.items() if old.loop.is_closed()]:
            del _hubs[key]
        current = _hubs[id(loop)] = Hub(loop)
    return current

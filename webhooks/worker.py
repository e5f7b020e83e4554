"""The worker beside the web processes: every outbox's sender in one loop (``manage.py deliver_webhooks``).

Run one or several, on any machine that reaches the database: each takes different work (outboxes.claim).
"""

import logging
import signal
import time

from django.db import close_old_connections

from texts.sending import forget_ended, send_due
from .delivery import deliver_due, forget_old

log = logging.getLogger("frontline.webhooks")

# Numbers whose ticket's day ended, and the delivery log's old lines, are looked for this often.
FORGET_EVERY_SECONDS = 60


def run_once(now=None):
    """One round: webhooks and texts that are due. Returns how many were tried."""
    return deliver_due(now) + send_due(now)


def run(poll_seconds=1.0, once=False):
    stopping = []
    # Finish the round in hand on SIGTERM (systemd, make run): a delivery half-sent would only go again.
    signal.signal(signal.SIGTERM, lambda *args: stopping.append(True))
    last_forget = 0.0
    log.info("delivering webhooks and texts")
    while not stopping:
        close_old_connections()
        try:
            if time.monotonic() - last_forget > FORGET_EVERY_SECONDS:
                forget_ended()
                forget_old()
                last_forget = time.monotonic()
            busy = run_once()
        except Exception:
            # The database went away, say: try again after a pause rather than die and lose the worker.
            log.exception("worker round failed")
            busy = 0
        if once:
            return
        if not busy:
            try:
                time.sleep(poll_seconds)
            except KeyboardInterrupt:  # Ctrl-C in a terminal: stop as SIGTERM does, without a traceback
                return

"""What the queue's operations write for later, beside the change itself: the bank's webhooks (webhooks/)
and the customers' text messages (texts/).

Both are outboxes: rows written in the operation's own transaction, so a change that commits has them and
one that rolls back has none, then sent by the worker (``manage.py deliver_webhooks``), never by the
request: a receiver or a gateway that is down costs the teller nothing.
"""

import datetime
import http.client
import urllib.parse

from django.db import connection, transaction
from django.db.models import F, Q


def record(event, branch_id, *, tickets=(), counter=None, call=None):
    """Called by tickets/actions.py inside the operation's transaction, for each change it announces."""
    from texts.notify import ticket_changed
    from webhooks.events import record_events

    record_events(event, branch_id, tickets=tickets, counter=counter, call=call)
    ticket_changed(event, branch_id, tickets=tickets, call=call)


def backoff(attempts, base, most):
    """Seconds before the next try after ``attempts`` failed ones: doubling from ``base``, at most ``most``."""
    return min(base * 2 ** max(0, attempts - 1), most)


def claim(due, now, lease, limit):
    """Take up to ``limit`` rows of the queryset ``due`` for this worker, for ``lease``: returns them.

    A taken row's ``leased_until`` is in the future, so no other worker takes it; a worker killed while it
    holds one loses nothing, since the lease ends and the next worker takes the row again. On PostgreSQL
    SKIP LOCKED lets several workers each take different rows at once instead of waiting on the same
    ones; SQLite's IMMEDIATE transactions run one at a time. ``attempts`` counts each take.
    """
    with transaction.atomic():
        due = due.filter(Q(leased_until__isnull=True) | Q(leased_until__lte=now))
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True, of=("self",))
        rows = list(due[:limit])
        if rows:
            until = now + datetime.timedelta(seconds=lease)
            due.model.objects.filter(pk__in=[row.pk for row in rows]).update(
                leased_until=until, attempts=F("attempts") + 1
            )
            for row in rows:
                row.leased_until, row.attempts = until, row.attempts + 1
    return rows


def post(url, payload, headers, timeout):
    """POST ``payload`` and return the answer's status code; raises OSError when nothing answers in time.

    Standard library only (http.client), a timeout on connecting and on each read, and no redirect followed:
    a receiver that moved says so with a failure in the log, not by having our messages sent elsewhere.
    """
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) address: {url!r}")
    connection_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = connection_class(parts.hostname, parts.port, timeout=timeout)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request("POST", path, body=payload, headers={"user-agent": "Frontline/1", **headers})
        answer = connection.getresponse()
        answer.read(2048)  # a little of it, so the connection ends cleanly; only the status is kept
        return answer.status
    finally:
        connection.close()

"""The worker's side of the texts: send what is due through the backend; forget numbers whose day ended."""

import datetime
import logging

from django.db.models import Q
from django.utils import timezone

from queuesite.outboxes import backoff, claim
from tickets.models import Branch, Ticket

from .backends import TextNotSent, backend, enabled
from .models import Mobile, TextMessage
from .notify import forget

log = logging.getLogger("frontline.texts")

# A text about one's turn is worth a few minutes' retries, not a day's: after that it would only mislead.
GIVE_UP_AFTER = datetime.timedelta(minutes=10)
LEASE_SECONDS = 60


def send_due(now=None, limit=20):
    """Send up to ``limit`` texts that are due; returns how many were tried."""
    if not enabled():
        return 0
    now = now or timezone.now()
    due = TextMessage.objects.filter(status=TextMessage.Status.PENDING, next_attempt_at__lte=now).order_by("pk")
    taken = claim(due, now, LEASE_SECONDS, limit)
    sender = backend()
    for text in taken:
        fields = {"leased_until": None}
        try:
            sender.send(text.number, text.text)
        except (TextNotSent, OSError) as failure:
            fields["last_error"] = str(failure)[:300]
            retry_at = now + datetime.timedelta(seconds=backoff(text.attempts, 10, 120))
            if retry_at - text.created_at > GIVE_UP_AFTER:
                fields.update(status=TextMessage.Status.FAILED, number="")
            else:
                fields["next_attempt_at"] = retry_at
            log.warning("text %s not sent (attempt %s): %s", text.pk, text.attempts, fields["last_error"])
        else:
            fields.update(status=TextMessage.Status.SENT, sent_at=now, number="")
        # Only the same take; a ticket that ended meanwhile took the row with it, and that stands.
        TextMessage.objects.filter(pk=text.pk, attempts=text.attempts).update(**fields)
    return len(taken)


def forget_ended(now=None):
    """Numbers of tickets that ended without an operation telling us (their day closed): gone now."""
    now = now or timezone.now()
    stale = set()
    branch_ids = Mobile.objects.values_list("ticket__branch_id", flat=True).distinct()
    for branch in Branch.objects.filter(pk__in=branch_ids):
        stale |= set(Mobile.objects.filter(ticket__branch=branch).filter(
            Q(ticket__status__in=Ticket.CLOSED_STATUSES) | Q(ticket__day__lt=branch.business_day(now))
        ).values_list("ticket_id", flat=True))
    if stale:
        forget(stale)
    return len(stale)

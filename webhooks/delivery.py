"""The worker's side of the webhooks: take what is due, POST it signed, note how it went."""

import datetime
import http.client
import json
import logging

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils import timezone

from queuesite.outboxes import backoff, claim, post
from tickets.models import Feedback

from . import signing
from .models import Delivery, Event

log = logging.getLogger("frontline.webhooks")

# Retries double from half a minute to two hours, until a day has passed (settings.WEBHOOK_RETRY_HOURS).
FIRST_RETRY_SECONDS = 30
LONGEST_RETRY_SECONDS = 2 * 60 * 60


def lease_seconds():
    # Long enough for the slowest answer a request may take, with room: a lease ending while its worker
    # still waits would let a second worker send the same attempt.
    return 3 * settings.WEBHOOK_TIMEOUT_SECONDS + 30


def due(now):
    """The pending deliveries that may go now: nothing earlier of the same key still on its way there."""
    earlier = Delivery.objects.filter(
        endpoint=OuterRef("endpoint"), order_key=OuterRef("order_key"), status=Delivery.Status.PENDING,
        pk__lt=OuterRef("pk"),
    )
    return (
        Delivery.objects.filter(status=Delivery.Status.PENDING, next_attempt_at__lte=now)
        .exclude(Exists(earlier))
        .order_by("next_attempt_at", "pk")
    )


def body(delivery):
    """The JSON sent, the same bytes at every attempt: ``{"type", "timestamp", "data"}``."""
    event = delivery.event
    data = dict(event.data)
    if event.type == "feedback.recorded" and delivery.endpoint.include_notes:
        feedback = Feedback.objects.filter(ticket_id=event.ticket_id).first()
        data["feedback"] = {**data["feedback"], "note": feedback.note if feedback else None}
    envelope = {"type": event.type, "timestamp": event.occurred_at.isoformat(), "data": data}
    return json.dumps(envelope, separators=(",", ":"), ensure_ascii=False).encode()


def attempt(delivery, now):
    """Send one claimed delivery and write how it went (only if it is still this worker's take)."""
    payload = body(delivery)
    headers = signing.headers(delivery.endpoint.secret, delivery.event.message_id, int(now.timestamp()), payload)
    status_code, error = None, ""
    try:
        status_code = post(delivery.endpoint.url, payload, {"content-type": "application/json", **headers},
                           settings.WEBHOOK_TIMEOUT_SECONDS)
    except (OSError, http.client.HTTPException, ValueError) as failure:
        error = f"{type(failure).__name__}: {failure}"[:300]
    fields = {"last_attempt_at": now, "last_status_code": status_code, "last_error": error, "leased_until": None}
    if status_code is not None and 200 <= status_code < 300:
        fields.update(status=Delivery.Status.DELIVERED, delivered_at=now)
    else:
        fields["last_error"] = error or f"answered {status_code}"
        retry_at = now + datetime.timedelta(seconds=backoff(delivery.attempts, FIRST_RETRY_SECONDS, LONGEST_RETRY_SECONDS))
        if retry_at - delivery.retrying_since > datetime.timedelta(hours=settings.WEBHOOK_RETRY_HOURS):
            fields["status"] = Delivery.Status.FAILED
        else:
            fields["next_attempt_at"] = retry_at
        log.warning("webhook %s to endpoint %s failed (attempt %s): %s", delivery.event.message_id,
                    delivery.endpoint_id, delivery.attempts, fields["last_error"])
    # The same take: if the lease ran out and another worker took it meanwhile, its outcome stands.
    Delivery.objects.filter(pk=delivery.pk, attempts=delivery.attempts).update(**fields)
    return "status" in fields and fields["status"] == Delivery.Status.DELIVERED


def deliver_due(now=None, limit=20):
    """Send up to ``limit`` deliveries that are due; returns how many were tried."""
    now = now or timezone.now()
    taken = claim(due(now).select_related("endpoint", "event"), now, lease_seconds(), limit)
    for delivery in taken:
        attempt(delivery, now)
    return len(taken)


def send_again(deliveries, now=None):
    """The admin's "send again": each goes once more, soon, with a new day of retries."""
    now = now or timezone.now()
    return deliveries.update(
        status=Delivery.Status.PENDING, next_attempt_at=now, leased_until=None, retrying_since=now
    )


def forget_old(now=None):
    """The log's deliveries that ended (delivered or failed) over WEBHOOK_LOG_DAYS ago, and their events once
    no delivery is left: the log is for finding what went wrong lately, not an archive of every visit."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.WEBHOOK_LOG_DAYS)
    ended = Delivery.objects.exclude(status=Delivery.Status.PENDING).filter(event__created_at__lt=cutoff)
    deleted, _ = ended.delete()
    Event.objects.filter(created_at__lt=cutoff, deliveries__isnull=True).delete()
    return deleted

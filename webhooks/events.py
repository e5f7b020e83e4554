"""Which webhook events a queue change makes, and what each says (docs/integrations.md shows them).

Written inside the change's transaction (queuesite/outboxes.py), so the data is the change as it commits.
Never a ticket's token (it is its holder's key), never a feedback note unless the endpoint may have it
(added at delivery, webhooks/delivery.py), never a teller's name.
"""

from django.utils import timezone

from tickets.models import Branch, Feedback

from .models import Delivery, Endpoint, Event

# The queue's own event names (tickets/actions.py) -> the integrators'.
TICKET_EVENTS = {
    "issued": "ticket.issued",
    "called": "ticket.called",
    "recalled": "ticket.recalled",
    "served": "ticket.served",
    "no_show": "ticket.no_show",
    "transferred": "ticket.transferred",
    "cancelled": "ticket.cancelled",
    "undone": "ticket.undone",
    "feedback": "feedback.recorded",
}
COUNTER_EVENTS = {
    "counter_opened": "counter.opened",
    "counter_paused": "counter.paused",
    "counter_closed": "counter.closed",
}
COUNTER_STATUS_EVENTS = {"open": "counter_opened", "paused": "counter_paused", "closed": "counter_closed"}
# When each ticket event happened, from the stamp the operation wrote (one ``now`` per operation).
STAMPS = {
    "ticket.issued": "issued_at", "ticket.called": "called_at", "ticket.recalled": "recalled_at",
    "ticket.served": "finished_at", "ticket.no_show": "finished_at", "ticket.cancelled": "finished_at",
    "ticket.transferred": "queued_at",
}


def _moment(value):
    return value.isoformat() if value else None


def ticket_data(ticket, counter):
    """``counter``: where the change happened; else the ticket's last counter (feedback, say), if any."""
    if counter is None and ticket.counter_id is not None:
        counter = ticket.counter
    return {
        "number": ticket.number,
        "day": ticket.day.isoformat(),
        "service": ticket.service.code,
        "service_name": ticket.service.name,
        "status": ticket.status,
        "priority": ticket.priority,
        "counter": counter.name if counter else None,
        "counter_id": counter.pk if counter else None,
        "issued_at": _moment(ticket.issued_at),
        "called_at": _moment(ticket.called_at),
        "finished_at": _moment(ticket.finished_at),
        "recall_count": ticket.recall_count if isinstance(ticket.recall_count, int) else None,
        "wait_seconds": ticket.wait_seconds,
        "service_seconds": ticket.service_seconds,
        "quoted_wait_seconds": ticket.quoted_wait,
    }


def counter_data(counter):
    return {
        "id": counter.pk,
        "name": counter.name,
        "status": counter.status,
        "services": sorted(counter.services.values_list("code", flat=True)),
    }


def _ticket_events(event, tickets, counter, call):
    """(type, ticket, data) for each ticket the change is about."""
    for ticket in tickets:
        kind = TICKET_EVENTS[event]
        if event == "called" and call is not None and ticket.pk != call.pk:
            kind = "ticket.served"  # call next first serves the customer still at the counter
        data = {"ticket": ticket_data(ticket, counter)}
        if kind == "feedback.recorded":
            feedback = Feedback.objects.filter(ticket=ticket).first()
            if feedback is None:
                continue
            data["feedback"] = {
                "rating": feedback.rating, "perceived_wait": feedback.perceived_wait or None,
                "has_note": bool(feedback.note.strip()), "created_at": _moment(feedback.created_at),
            }
            occurred = feedback.created_at
        else:
            occurred = getattr(ticket, STAMPS.get(kind, ""), None) or timezone.now()
        yield kind, ticket, data, occurred, f"ticket:{ticket.pk}"


def record_events(event, branch_id, *, tickets=(), counter=None, call=None):
    """Write the change's events and their deliveries, in the caller's transaction."""
    if event == "undone" and not tickets and counter is not None:
        event = COUNTER_STATUS_EVENTS[counter.status]  # a close taken back: the counter is as it was
    if event in COUNTER_EVENTS:
        found = [(COUNTER_EVENTS[event], None, {"counter": counter_data(counter)}, timezone.now(),
                  f"counter:{counter.pk}")]
    elif event in TICKET_EVENTS and tickets:
        found = None
    else:
        return  # a teller signing in or out, a note held back: nothing integrators are told
    endpoints = list(Endpoint.objects.hearing(branch_id).values_list("pk", flat=True))
    if not endpoints:
        return  # nobody listens: the change costs one small read
    if found is None:
        found = list(_ticket_events(event, tickets, counter, call))
    branch = Branch.objects.only("slug").get(pk=branch_id)
    now = timezone.now()
    for kind, ticket, data, occurred, order_key in found:
        row = Event.objects.create(
            message_id=Event.new_message_id(), type=kind, branch_id=branch_id, ticket=ticket,
            occurred_at=occurred, data={"branch": branch.slug, **data}, created_at=now,
        )
        Delivery.objects.bulk_create(
            Delivery(endpoint_id=endpoint, event=row, order_key=order_key, next_attempt_at=now, retrying_since=now)
            for endpoint in endpoints
        )

"""The customers' notes are theirs: forgotten after the branch's retention period, and exported or deleted when
a customer asks. Taking a ticket asks for nothing personal at all (actions.issue_ticket).

The ratings, the wait each note sat beside and how long the wait felt stay: they are the statistics, and say
nothing about who wrote them. Each change here is one transaction with one ``now``, recorded in the audit trail.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from . import actions
from .models import Branch, Feedback, Operation


def forget_old_feedback(now=None):
    """Forget the notes older than each branch's ``feedback_retention_days``; returns how many, per branch slug.

    A note with a rating or a felt wait keeps those, its text gone; a note that was all its feedback goes whole.
    """
    now = now or timezone.now()
    forgotten = {}
    for branch in Branch.objects.all():
        with transaction.atomic():
            old = Feedback.objects.filter(
                ticket__branch=branch, created_at__lt=now - datetime.timedelta(days=branch.feedback_retention_days)
            ).exclude(note="")
            alone = old.filter(rating__isnull=True, perceived_wait="")
            deleted, _ = alone.delete()
            # What the note said goes; whether it thanked or was held back stays, as the figures counted it.
            count = deleted + old.update(note="")
            if count:
                actions._record(
                    Operation.Kind.FEEDBACK_FORGET, None, now,
                    f"{count} note{'s' if count != 1 else ''} older than {branch.feedback_retention_days} days forgotten",
                    branch=branch,
                )
            forgotten[branch.slug] = count
    return forgotten


def feedback_record(feedback):
    """Everything kept of one ticket's feedback, as its customer may ask to see it."""
    ticket = feedback.ticket
    return {
        "branch": ticket.branch.slug,
        "ticket": ticket.number,
        "day": ticket.day.isoformat(),
        "service": ticket.service.code,
        "rating": feedback.rating,
        "note": feedback.note,
        "perceived_wait": feedback.perceived_wait or None,
        "created_at": feedback.created_at.isoformat(),
        "wait_seconds": ticket.wait_seconds,
    }


def export_feedback(feedback, *, by, now=None):
    """One ticket's feedback for the customer who asked for it; the trail says who exported it."""
    now = now or timezone.now()
    with transaction.atomic():
        feedback = Feedback.objects.select_related("ticket__branch", "ticket__service").get(pk=feedback.pk)
        actions._record(Operation.Kind.FEEDBACK_EXPORT, by, now, f"Feedback on {feedback.ticket.number} exported",
                        branch=feedback.ticket.branch, ticket=feedback.ticket)
    return feedback_record(feedback)


def delete_feedback(feedback, *, by, now=None):
    """Delete one ticket's feedback, rating and all, at its customer's request; the trail keeps that it was done."""
    now = now or timezone.now()
    with transaction.atomic():
        # Locked so a manager moderating the note meanwhile finds it gone rather than writing over the deletion.
        feedback = Feedback.objects.select_for_update(of=("self",)).select_related("ticket__branch").get(pk=feedback.pk)
        ticket = feedback.ticket
        feedback.delete()
        actions._record(Operation.Kind.FEEDBACK_DELETE, by, now, f"Feedback on {ticket.number} deleted on request",
                        branch=ticket.branch, ticket=ticket)
        actions._announce("feedback", ticket.branch_id)
    return ticket

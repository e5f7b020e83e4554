"""The customer's verbs for texts: leave a number on a ticket, take it away again."""

from django.db import transaction
from django.utils import timezone

from tickets.models import Ticket

from . import errors
from .models import Mobile, TextMessage
from .notify import forget, tell_next
from .numbers import normalized


def leave_number(ticket, typed, *, now=None):
    """Keep the number typed (or InvalidNumber, nothing changed) for texts about ``ticket`` while it is open.

    A ticket already first in its queue is told so at once. Leaving another number replaces the first.
    """
    number = normalized(typed)
    now = now or timezone.now()
    with transaction.atomic():
        # Locked so the ticket cannot end meanwhile, leaving a number behind that nobody would delete.
        ticket = Ticket.objects.select_for_update(of=("self",)).select_related("branch", "service").get(pk=ticket.pk)
        if ticket.status not in (Ticket.Status.WAITING, Ticket.Status.CALLED) or ticket.is_expired(now):
            raise errors.TicketClosed()
        mobile, _ = Mobile.objects.update_or_create(
            ticket=ticket, defaults={"number": number, "created_at": now}
        )
        TextMessage.objects.filter(ticket=ticket, status=TextMessage.Status.PENDING).update(number=number)
        mobile.ticket = ticket
        tell_next([mobile], now)
    return mobile


def remove_number(ticket):
    """Forget the ticket's number now, with its texts not yet sent."""
    with transaction.atomic():
        forget([ticket.pk])

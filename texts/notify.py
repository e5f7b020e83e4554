"""Which texts a queue change makes, written in the change's own transaction (queuesite/outboxes.py).

"You are next" when a ticket with a number becomes the first of its service's queue (the ``position`` 1
of its phone page); "your turn" when it is called, with the counter's name. A ticket that ends takes its
number, and any text not yet sent, with it.
"""

from django.utils import timezone, translation
from django.utils.translation import gettext

from tickets import languages
from tickets.models import Ticket

from .backends import enabled
from .models import Mobile, TextMessage


def _queue_text(mobile, kind, now, **words):
    # The ticket's own language (tickets/languages.py), never the teller's whose call made the text.
    with translation.override(languages.of_ticket(mobile.ticket)):
        if kind == TextMessage.Kind.NEXT:
            text = gettext("%(branch)s: %(number)s, you are next. Please stay close to the counters.") % words
        else:
            text = gettext("%(branch)s: %(number)s, it's your turn: please go to counter %(counter)s.") % words
    TextMessage.objects.create(
        ticket_id=mobile.ticket_id, kind=kind, number=mobile.number, text=text, created_at=now, next_attempt_at=now
    )


def forget(ticket_ids):
    """The numbers of tickets that ended, and their texts not yet sent: a text about a visit that is over
    is of no use, and the number is kept for nothing else."""
    Mobile.objects.filter(ticket_id__in=ticket_ids).delete()
    TextMessage.objects.filter(ticket_id__in=ticket_ids, status=TextMessage.Status.PENDING).delete()


def tell_next(mobiles, now):
    """Text each of ``mobiles`` (waiting, not told yet) whose ticket is now the first of its queue."""
    heads = {}
    for mobile in mobiles:
        ticket = mobile.ticket
        if ticket.status != Ticket.Status.WAITING or mobile.told_next or ticket.is_expired(now):
            continue
        key = (ticket.service_id, ticket.day)
        if key not in heads:
            head = Ticket.objects.head_of_line(ticket.service, ticket.day)
            heads[key] = head.pk if head else None
        if heads[key] == ticket.pk:
            _queue_text(mobile, TextMessage.Kind.NEXT, now, branch=ticket.branch.name, number=ticket.number)
            Mobile.objects.filter(pk=mobile.pk).update(told_next=True)


def ticket_changed(event, branch_id, *, tickets=(), counter=None, call=None):
    if not enabled():
        return
    # One read when nobody in the branch left a number, which is most of the time.
    mobiles = list(Mobile.objects.filter(ticket__branch_id=branch_id).select_related("ticket__branch", "ticket__service"))
    if not mobiles:
        return
    now = timezone.now()
    ended = {mobile.ticket_id for mobile in mobiles if mobile.ticket.status in Ticket.CLOSED_STATUSES}
    if ended:
        forget(ended)
    changed = {ticket.pk for ticket in tickets}
    for mobile in mobiles:
        if mobile.ticket_id in ended:
            continue
        if event == "transferred" and mobile.ticket_id in changed:
            mobile.told_next = False  # first of another queue now: worth telling again
            Mobile.objects.filter(pk=mobile.pk).update(told_next=False)
        if event == "called" and call is not None and mobile.ticket_id == call.pk:
            ticket = mobile.ticket
            _queue_text(mobile, TextMessage.Kind.CALLED, now, branch=ticket.branch.name, number=ticket.number,
                        counter=ticket.counter.name if ticket.counter else (counter.name if counter else ""))
    tell_next([mobile for mobile in mobiles if mobile.ticket_id not in ended], now)

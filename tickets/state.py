"""What a screen shows, as plain JSON data: built here once for the API, the pages and the websockets.

Every screen that connects, every API answer and every live update is made by these functions,
so a screen that re-syncs from a snapshot shows exactly what the API says.
"""

from django.db.models import Count, Q
from django.utils import timezone

from .estimates import estimated_wait, queue_pace
from .models import Counter, Service, Ticket, Transfer

RECENT_CALLS = 8


def iso(moment, branch):
    """ISO 8601 in the branch's own zone, with its offset."""
    return moment.astimezone(branch.zone).isoformat() if moment else None


def service_rows(branch, now):
    today = branch.business_day(now)
    # Through the branch's own manager, each service knows its branch: the estimate reads its zone.
    services = branch.services.filter(active=True).annotate(
        waiting=Count("tickets", filter=Q(tickets__status=Ticket.Status.WAITING, tickets__day=today))
    )
    return [
        {
            "code": service.code,
            "name": service.name,
            "waiting": service.waiting,
            "estimated_wait": estimated_wait(service.waiting, queue_pace(service, now)),
            "target_wait": service.target_wait_minutes * 60,
        }
        for service in services
    ]


def counter_rows(branch):
    counters = Counter.objects.filter(branch=branch).prefetch_related("services")
    serving = {
        ticket.counter_id: ticket
        for ticket in Ticket.objects.called().filter(branch=branch).select_related("service")
    }
    rows = []
    for counter in counters:
        ticket = serving.get(counter.pk)
        rows.append(
            {
                "id": counter.pk,
                "name": counter.name,
                "status": counter.status,
                "services": [service.code for service in counter.services.all()],
                "serving": {
                    "number": ticket.number,
                    "service": ticket.service.code,
                    "called_at": iso(ticket.called_at, branch),
                }
                if ticket
                else None,
            }
        )
    return rows


def recent_calls(branch, now):
    """Today's latest calls, newest first: a ticket's current call, and each call a transfer ended.

    A transferred ticket has left its counter, but its call was shown and heard: a screen that reloads
    lists it as the screens that were watching do.
    """
    today_start = branch.day_start(branch.business_day(now))
    current = (
        Ticket.objects.filter(branch=branch, called_at__gte=today_start)
        .exclude(counter=None)
        .select_related("counter")
        .order_by("-called_at", "-id")[:RECENT_CALLS]
    )
    transferred = (
        Transfer.objects.filter(ticket__branch=branch, called_at__gte=today_start)
        .exclude(counter=None)
        .select_related("ticket", "counter")
        .order_by("-called_at", "-id")[:RECENT_CALLS]
    )
    calls = [(t.called_at, t.number, t.counter.name) for t in current]
    calls += [(t.called_at, t.ticket.number, t.counter.name) for t in transferred]
    calls.sort(key=lambda call: call[0], reverse=True)
    return [
        {"number": number, "counter": counter, "called_at": iso(called_at, branch)}
        for called_at, number, counter in calls[:RECENT_CALLS]
    ]


def branch_state(branch, now=None):
    """The branch now: waiting and estimates per service, what each counter does, the latest calls."""
    now = now or timezone.now()
    return {
        "branch": branch.slug,
        "name": branch.name,
        "time_zone": branch.time_zone,
        "speak_calls": branch.speak_calls,
        "services": service_rows(branch, now),
        "counters": counter_rows(branch),
        "recent_calls": recent_calls(branch, now),
    }


def ticket_state(ticket, now=None, *, queue=None):
    """One ticket as its holder sees it: status, place in the queue, estimate, counter.

    ``queue`` is ``(position, queue_pace)`` when the caller already knows them
    (see waiting_ticket_states); otherwise they are looked up.
    """
    now = now or timezone.now()
    branch = ticket.branch
    position = estimate = None
    expired = ticket.is_expired(now)
    if ticket.status == Ticket.Status.WAITING and not expired:
        if queue is None:
            queue = Ticket.objects.ahead_of(ticket).count() + 1, queue_pace(ticket.service, now)
        position, pace = queue
        estimate = estimated_wait(position - 1, pace)
    return {
        "number": ticket.number,
        "token": ticket.token,
        "branch": branch.slug,
        "service": ticket.service.code,
        "service_name": ticket.service.name,
        "status": ticket.status,
        "priority": ticket.priority,
        "position": position,
        "estimated_wait": estimate,
        "quoted_wait": ticket.quoted_wait,
        "counter": ticket.counter.name if ticket.counter_id and ticket.status != Ticket.Status.WAITING else None,
        "recall_count": ticket.recall_count,
        "issued_at": iso(ticket.issued_at, branch),
        "called_at": iso(ticket.called_at, branch),
        "finished_at": iso(ticket.finished_at, branch),
        "has_feedback": hasattr(ticket, "feedback"),
        "expired": expired,
        "url": f"/t/{ticket.token}/",
    }


def waiting_ticket_states(service_ids, now=None):
    """The state of every ticket waiting in these services, by token, in one pass per service."""
    now = now or timezone.now()
    states = {}
    for service in Service.objects.filter(pk__in=service_ids).select_related("branch"):
        pace = queue_pace(service, now)
        queue = Ticket.objects.in_queue(service.branch.business_day(now)).filter(service=service).in_queue_order()
        for position, ticket in enumerate(queue.select_related("branch", "service", "counter", "feedback"), 1):
            states[ticket.token] = ticket_state(ticket, now, queue=(position, pace))
    return states

"""What a screen shows, as plain JSON data: built here once for the API, the pages and the websockets.

Every screen that connects, every API answer and every live update is made by these functions,
so a screen that re-syncs from a snapshot shows exactly what the API says.
"""

import datetime

from django.db.models import Count, Q
from django.utils import timezone

from . import languages, predictors
from .models import Counter, Ticket, Transfer

RECENT_CALLS = 8


def has_passed(moment, now):
    """Whether ``moment``, an ISO time of a screen's state (or None), has passed by ``now`` (live.js: passed)."""
    return bool(moment) and now > datetime.datetime.fromisoformat(moment)


def iso(moment, branch):
    """ISO 8601 in the branch's own zone, with its offset."""
    return moment.astimezone(branch.zone).isoformat() if moment else None


def queue_rows(branch, now):
    """Every ticket waiting today, in the order the branch will call them, each with its place's estimate.

    One list for the whole branch: a phone finds its own place in it (1 + the tickets before it in its
    service), a console the tickets its counter's services will call, so a queue move is one message for
    every screen rather than one per waiting phone. Numbers only: a token never leaves its holder.
    Also returns the services' rows, whose waiting counts and estimates come from the same reading.
    Estimates are each service's best predictor's (tickets/predictors.py), with the range it tells.
    """
    today = branch.business_day(now)
    services = {service.pk: service for service in branch.services.all()}
    waiting = list(
        Ticket.objects.in_queue(today)
        .filter(branch=branch)
        .in_queue_order()
        .values_list("number", "service_id", "lane", "priority", "issued_at", "queued_at", "wait_seconds")
    )
    places, since, head = [], {}, {}
    counts = {}
    for number, service_id, lane, priority, issued_at, queued_at, waited in waiting:
        places.append(counts.get(service_id, 0))
        counts[service_id] = places[-1] + 1
        # A transferred ticket has waited its earlier queues too: its wait began that much before it joined this one.
        began = queued_at - datetime.timedelta(seconds=waited or 0)
        since[service_id] = min(since.get(service_id, began), began)
        head.setdefault(service_id, predictors.waited_so_far(queued_at, waited, now))
    told = {
        pk: Estimator(service, now, waiting=counts.get(pk, 0), head_waited=head.get(pk))
        for pk, service in services.items()
        if pk in counts or service.active
    }
    queue = [
        {
            "number": number,
            "service": services[service_id].code,
            "priority": priority,
            "transferred": lane == Ticket.Lane.TRANSFERRED,
            "issued_at": iso(issued_at, branch),
            **told[service_id].for_place(place),
        }
        for (number, service_id, lane, priority, issued_at, _, _), place in zip(waiting, places)
    ]
    recent = recent_call_times(branch, now)
    rows = []
    for service in services.values():
        if not service.active:
            continue
        rows.append({
            "code": service.code,
            "name": service.name,
            "waiting": counts.get(service.pk, 0),
            # A newcomer's estimate: behind everyone.
            **told[service.pk].for_place(counts.get(service.pk, 0)),
            "target_wait": service.target_wait_minutes * 60,
            **service_moves(service, since.get(service.pk), recent.get(service.pk, []), branch),
        })
    return rows, queue


def service_moves(service, longest, recent, branch):
    """How a service's line moves: since when its longest wait began, when that wait passes the service's
    target (it is then behind it, tickets/alerts.py), and its calls of the last 10 minutes."""
    return {
        "waiting_since": iso(longest, branch),
        "behind_target_at": iso(longest + datetime.timedelta(minutes=service.target_wait_minutes), branch)
        if longest else None,
        "recent_call_times": recent,
    }


class Estimator:
    """A service's best predictor with what it reads now: the estimate and range for any place in its queue."""

    def __init__(self, service, now, *, waiting, head_waited=None):
        self.choice = predictors.choice_for(service, now)
        self.readings = predictors.read(service, now, waiting=waiting, method=self.choice.method, head=head_waited)

    def for_place(self, ahead):
        """``estimated_wait`` and ``wait_range`` for a customer with ``ahead`` people before them."""
        seconds = predictors.quote(self.choice.method, ahead, self.readings)
        return {"estimated_wait": seconds, "wait_range": predictors.wait_range(seconds, self.choice.errors)}


# How far back "people called in the last 10 minutes" looks (the phone: how the queue moved).
RECENT_CALLS_WINDOW = datetime.timedelta(minutes=10)


def recent_call_times(branch, now, service=None):
    """Per service id, the Unix seconds of its calls in the last 10 minutes, oldest first (one service's only
    if ``service`` is given). Times rather than a count: a screen counts those still in the window when
    nothing moves."""
    since = now - RECENT_CALLS_WINDOW
    calls = Ticket.objects.filter(branch=branch, day=branch.business_day(now), called_at__gte=since)
    if service is not None:
        calls = calls.filter(service=service)
    calls = (
        calls.order_by("called_at")
        .values_list("service_id", "called_at")
    )
    found = {}
    for service_id, called_at in calls:
        found.setdefault(service_id, []).append(int(called_at.timestamp()))
    return found


def counter_rows(branch, now):
    """What each counter does, and the call the lobby shows now (see ``calling``)."""
    counters = Counter.objects.filter(branch=branch).prefetch_related("services")
    serving = {
        ticket.counter_id: ticket
        # Through the counters: the partial index of called tickets per counter answers it, not the history.
        for ticket in Ticket.objects.called().filter(counter__branch=branch).select_related("service")
    }
    # Today's tickets only (a day's leftovers are never called the next morning, so whatever is served today
    # was issued today): the branch's history stays out of every screen's message.
    served_today = dict(
        Ticket.objects.filter(branch=branch, day=branch.business_day(now), status=Ticket.Status.SERVED)
        .values_list("counter_id")
        .annotate(Count("id"))
        .order_by()
    )
    rows = []
    for counter in counters:
        ticket = serving.get(counter.pk)
        rows.append(
            {
                "id": counter.pk,
                "name": counter.name,
                "status": counter.status,
                # Whether a teller is at it; who is said on staff pages only (tickets/staff.py).
                "staffed": counter.teller_id is not None,
                # The services it calls: a service switched off is called by none (next_for_counter).
                "services": [service.code for service in counter.services.all() if service.active],
                "served_today": served_today.get(counter.pk, 0),
                "pause_after": counter.pause_after,
                "serving": {
                    "number": ticket.number,
                    "service": ticket.service.code,
                    "priority": ticket.priority,
                    "called_at": iso(ticket.called_at, branch),
                    "recall_count": ticket.recall_count,
                }
                if ticket
                else None,
            }
        )
    return rows, calling(branch, counters, serving.values())


def calling(branch, counters, called):
    """The call a lobby shows in its largest type: the latest call or recall of a customer still called.

    None when nobody is at a counter (all served, gone or transferred, or nobody called yet today): the
    lobby then says so rather than naming a ticket that has ended.
    """
    latest = max(called, key=lambda ticket: (ticket.recalled_at or ticket.called_at, ticket.pk), default=None)
    if latest is None:
        return None
    names = {counter.pk: counter.name for counter in counters}
    return {
        "number": latest.number,
        "counter": names[latest.counter_id],
        "recall": latest.recalled_at is not None,
        "called_at": iso(latest.recalled_at or latest.called_at, branch),
    }


def today_counts(branch, now):
    """Today's tickets so far: issued, and how many are in each status now."""
    statuses = {status.value: Count("id", filter=Q(status=status)) for status in Ticket.Status}
    return Ticket.objects.filter(branch=branch, day=branch.business_day(now)).aggregate(issued=Count("id"), **statuses)


def recent_calls(branch, now):
    """Today's latest calls, newest first: a ticket's current call, and each call a transfer ended.

    A transferred ticket has left its counter, but its call was shown and heard: a screen that reloads
    lists it as the screens that were watching do.
    """
    today = branch.business_day(now)
    today_start = branch.day_start(today)
    # Read through today's tickets (a ticket called today was issued today), not the branch's history.
    current = (
        Ticket.objects.filter(branch=branch, day=today, called_at__gte=today_start)
        .exclude(counter=None)
        .select_related("counter")
        .order_by("-called_at", "-id")[:RECENT_CALLS]
    )
    transferred = (
        Transfer.objects.filter(ticket__branch=branch, ticket__day=today, called_at__gte=today_start)
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
    """The branch now: waiting and estimates per service, what each counter does, the call in effect, the
    latest calls, who waits in which order, and today's counts: everything any of its screens shows."""
    now = now or timezone.now()
    services, queue = queue_rows(branch, now)
    counters, now_calling = counter_rows(branch, now)
    return {
        "branch": branch.slug,
        "name": branch.name,
        "time_zone": branch.time_zone,
        "speak_calls": branch.speak_calls,
        "services": services,
        "counters": counters,
        "calling": now_calling,
        "recent_calls": recent_calls(branch, now),
        "queue": queue,
        "today": today_counts(branch, now),
    }


def ticket_state(ticket, now=None):
    """One ticket as its holder sees it: status, place in the queue, estimate, counter.

    Its place and estimate are the ones queue_rows gives its number, read for this ticket alone; the people
    behind it are the rest of its service's queue there (ticket.js: placeIn).
    """
    now = now or timezone.now()
    branch = ticket.branch
    position = behind = ahead_first = None
    told = {"estimated_wait": None, "wait_range": None}
    moves = {}
    expired = ticket.is_expired(now)
    if ticket.status == Ticket.Status.WAITING and not expired:
        line = list(
            Ticket.objects.in_queue(ticket.day).filter(service_id=ticket.service_id).in_queue_order()
            .values_list("pk", "queued_at", "wait_seconds", "number", "lane")
        )
        position = [row[0] for row in line].index(ticket.pk) + 1
        behind = len(line) - position
        # Who is ahead of it by right, not by time: the phone says why when another of them goes ahead.
        ahead_first = [number for _, _, _, number, lane in line[:position - 1] if lane != Ticket.Lane.NORMAL]
        _, head_queued_at, head_earlier, _, _ = line[0]
        told = Estimator(ticket.service, now, waiting=len(line),
                         head_waited=predictors.waited_so_far(head_queued_at, head_earlier, now)).for_place(position - 1)
        longest = min(queued_at - datetime.timedelta(seconds=earlier or 0) for _, queued_at, earlier, _, _ in line)
        moves = service_moves(ticket.service, longest, recent_call_times(branch, now, ticket.service).get(
            ticket.service_id, []), branch)
    return {
        "number": ticket.number,
        "token": ticket.token,
        "branch": branch.slug,
        "service": ticket.service.code,
        "service_name": ticket.service.name,
        "status": ticket.status,
        "priority": ticket.priority,
        # The language its page, its paper and its texts speak (tickets/languages.py).
        "language": languages.of_ticket(ticket),
        "position": position,
        "behind": behind,
        "ahead_first": ahead_first,
        **told,
        "quoted_wait": ticket.quoted_wait,
        # The range the customer was told at issue, and when the wait passes its top (the phone then says so).
        "quoted_range": [ticket.quoted_low, ticket.quoted_high] if ticket.quoted_high is not None else None,
        "quote_ends_at": iso(ticket.issued_at + datetime.timedelta(seconds=ticket.quoted_high), branch)
        if ticket.quoted_high is not None else None,
        # Its service's line, as the branch's messages give it (service_moves): absent when not waiting.
        "service_moves": moves or None,
        "counter": ticket.counter.name if ticket.counter_id and ticket.status != Ticket.Status.WAITING else None,
        "recall_count": ticket.recall_count,
        "issued_at": iso(ticket.issued_at, branch),
        "called_at": iso(ticket.called_at, branch),
        "finished_at": iso(ticket.finished_at, branch),
        "has_feedback": hasattr(ticket, "feedback"),
        "expired": expired,
        "url": f"/t/{ticket.token}/",
    }

"""Care for the people at the counters: thanks that reach the teller, a pause offered after a long
service, breaks counted only as a branch's totals, and each teller's load in the open for the manager.

Reads only: what changes (a break's end, a manager's flag) is an operation of tickets/actions.py.
"""

import datetime
import statistics

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, Sum

from .models import BreakDay, Counter, Feedback, Ticket, staff_name
from .stats import in_range

THANKS_SHOWN = 10
# A service "over 3x the service's median" (issue 16) is unusually long: the console offers a pause.
LONG_SERVICE_FACTOR = 3
# The median is read from the service's latest served customers, and needs a few to mean anything.
MEDIAN_SAMPLE = 100
MEDIAN_HISTORY = 5
# The offer stands this long after the long service, while the counter has nobody called.
OFFER_SECONDS = 10 * 60


def thanks_today(teller, branch, now):
    """The customers who thanked ``teller`` today (branch-local day): five faces, or a note that thanks.

    ``{"count", "notes"}``: the notes are the latest THANKS_SHOWN of them with words, never a held-back
    one (a held-back note's five faces still count).
    """
    since = branch.day_start(branch.business_day(now))
    thanking = Feedback.objects.thanking().filter(
        ticket__finished_by=teller, ticket__status=Ticket.Status.SERVED, created_at__gte=since, created_at__lte=now
    )
    notes = (
        thanking.exclude(note="").filter(held_back=False).select_related("ticket").order_by("-created_at", "-id")
    )
    return {"count": thanking.count(), "notes": list(notes[:THANKS_SHOWN])}


def median_service_seconds(service, before):
    """The median service time of the service's latest MEDIAN_SAMPLE customers served before ``before``,
    or None with fewer than MEDIAN_HISTORY of them."""
    durations = list(
        Ticket.objects.filter(service=service, status=Ticket.Status.SERVED, finished_at__lt=before)
        .order_by("-finished_at")
        .values_list("service_seconds", flat=True)[:MEDIAN_SAMPLE]
    )
    return statistics.median(durations) if len(durations) >= MEDIAN_HISTORY else None


def pause_offer(counter, now):
    """After an unusually long service, a short pause: ``{"number", "seconds", "median"}``, or None.

    Offered while the counter is open with nobody called, within OFFER_SECONDS of serving a customer whose
    service took over LONG_SERVICE_FACTOR times the service's median, until the teller's next break.
    """
    if counter.status != Counter.Status.OPEN or counter.teller_id is None:
        return None
    if Ticket.objects.called().filter(counter=counter).exists():
        return None
    since = now - datetime.timedelta(seconds=OFFER_SECONDS)
    last = (
        Ticket.objects.filter(counter=counter, status=Ticket.Status.SERVED, finished_by_id=counter.teller_id)
        .select_related("service")
        .order_by("-finished_at", "-id")
        .first()
    )
    if last is None or not since <= last.finished_at <= now:
        return None
    if counter.working_since and last.finished_at < counter.working_since:
        return None  # a break (or a new teller) came after it
    median = median_service_seconds(last.service, last.finished_at)
    if median is None or last.service_seconds <= LONG_SERVICE_FACTOR * median:
        return None
    return {"number": last.number, "seconds": last.service_seconds, "median": round(median)}


def break_totals(branch, first_day, last_day):
    """The branch's breaks in the range, as totals per day: never whose, never when (BreakDay)."""
    days = BreakDay.objects.filter(branch=branch, day__gte=first_day, day__lte=last_day).order_by("day")
    by_day = [{"day": row.day.isoformat(), "breaks": row.breaks, "seconds": row.seconds} for row in days]
    return {
        "breaks": sum(row["breaks"] for row in by_day),
        "seconds": sum(row["seconds"] for row in by_day),
        "by_day": by_day,
    }


def tellers(branch, first_day, last_day):
    """Per teller, for the range: customers served, their share of the branch's served customers and of its
    load (the time spent with customers, served and no-shows), and the customers who thanked them.

    Rows sorted by name; a teller counts the tickets they finished (Ticket.finished_by), as by_staff does.
    """
    finished = in_range(Ticket.objects, branch, first_day, last_day).filter(
        finished_by__isnull=False, status__in=[Ticket.Status.SERVED, Ticket.Status.NO_SHOW]
    )
    work = {
        row["finished_by"]: row
        for row in finished.values("finished_by").annotate(
            served=Count("id", filter=Q(status=Ticket.Status.SERVED)), seconds=Sum("service_seconds")
        ).order_by()
    }
    thanked = dict(
        in_range(Feedback.objects.thanking(), branch, first_day, last_day, "ticket__")
        .filter(ticket__status=Ticket.Status.SERVED, ticket__finished_by__isnull=False)
        .values_list("ticket__finished_by").annotate(Count("id")).order_by()
    )
    five_faces = dict(
        in_range(Feedback.objects.filter(rating=5), branch, first_day, last_day, "ticket__")
        .filter(ticket__status=Ticket.Status.SERVED, ticket__finished_by__isnull=False)
        .values_list("ticket__finished_by").annotate(Count("id")).order_by()
    )
    served_total = sum(row["served"] for row in work.values())
    seconds_total = sum(row["seconds"] or 0 for row in work.values())
    users = get_user_model().objects.filter(pk__in=(set(work) | set(thanked)) or [0])  # every range: the same queries
    rows = [
        {
            "staff": user.get_username(),
            "name": staff_name(user),
            "served": work.get(user.pk, {}).get("served", 0),
            "service_seconds": work.get(user.pk, {}).get("seconds") or 0,
            "served_share": work.get(user.pk, {}).get("served", 0) / served_total if served_total else None,
            "load_share": (work.get(user.pk, {}).get("seconds") or 0) / seconds_total if seconds_total else None,
            "thanks": thanked.get(user.pk, 0),
            "five_faces": five_faces.get(user.pk, 0),
        }
        for user in users
    ]
    return sorted(rows, key=lambda row: (row["name"].casefold(), row["staff"]))


def tellers_now(branch, now):
    """Who is at each counter now, since when, and for how long without a break (None while on one),
    with today's figures of ``tellers``: for the manager, so that the load can be shared fairly."""
    today = branch.business_day(now)
    figures = {row["staff"]: row for row in tellers(branch, today, today)}
    staffed = Counter.objects.filter(branch=branch, teller__isnull=False).select_related("teller").order_by("name")
    rows = []
    for counter in staffed:
        username = counter.teller.get_username()
        on_break = counter.paused_at is not None
        rows.append({
            "staff": username,
            "name": staff_name(counter.teller),
            "counter": counter.name,
            "at_counter_since": counter.teller_since,
            "on_break": on_break,
            "without_break_since": None if on_break else counter.working_since or counter.teller_since,
            "today": figures.get(username),
        })
    return rows

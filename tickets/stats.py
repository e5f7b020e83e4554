"""The truth about waits for a range of branch-local days: counts, medians, 90th percentiles, service level.

Percentiles interpolate linearly between the two nearest ranks (as PostgreSQL's percentile_cont and
Python's statistics.quantiles(method="inclusive")): the median of 60 and 120 seconds is 90.
Wait is the time from taking the ticket to being called to the counter that finished it, less any time
spent at counters that transferred it: a transferred customer's whole wait, counted once.
"""

import math
from collections import defaultdict

from .models import Ticket

MAX_RANGE_DAYS = 366
WAIT_BANDS = [(0, 5 * 60, "under 5 min"), (5 * 60, 15 * 60, "5-15 min"), (15 * 60, 30 * 60, "15-30 min"),
              (30 * 60, None, "over 30 min")]


def percentile(values, fraction):
    """The ``fraction`` percentile of ``values`` by linear interpolation, in whole seconds; None if empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = fraction * (len(ordered) - 1)
    low, high = math.floor(rank), math.ceil(rank)
    return round(ordered[low] + (ordered[high] - ordered[low]) * (rank - low))


def wait_seconds(ticket):
    """Seconds from issue to the last call, less the time spent at counters that transferred the ticket."""
    if ticket.called_at is None:
        return None
    at_other_counters = sum((t.transferred_at - t.called_at).total_seconds() for t in ticket.transfers.all())
    return (ticket.called_at - ticket.issued_at).total_seconds() - at_other_counters


def service_seconds(ticket):
    duration = ticket.service_time
    return duration.total_seconds() if duration is not None else None


def summarize(tickets):
    """The figures every row of the statistics carries, for one group of tickets."""
    by_status = defaultdict(int)
    for ticket in tickets:
        by_status[ticket.status] += 1
    served = [t for t in tickets if t.status == Ticket.Status.SERVED]
    waits = [w for w in (wait_seconds(t) for t in tickets) if w is not None]
    service_times = [s for s in (service_seconds(t) for t in served) if s is not None]
    within_target = [t for t in served if wait_seconds(t) <= t.service.target_wait_minutes * 60]
    return {
        "issued": len(tickets),
        "served": by_status[Ticket.Status.SERVED],
        "no_show": by_status[Ticket.Status.NO_SHOW],
        "cancelled": by_status[Ticket.Status.CANCELLED],
        "waiting": by_status[Ticket.Status.WAITING] + by_status[Ticket.Status.CALLED],
        "wait": {
            "median": percentile(waits, 0.5),
            "p90": percentile(waits, 0.9),
            "max": round(max(waits)) if waits else None,
        },
        "service_time": {"median": percentile(service_times, 0.5), "p90": percentile(service_times, 0.9)},
        "service_level": len(within_target) / len(served) if served else None,
    }


def grouped(tickets, key, label):
    groups = defaultdict(list)
    for ticket in tickets:
        value = key(ticket)
        if value is not None:
            groups[value].append(ticket)
    return [{label: value, **summarize(group)} for value, group in sorted(groups.items())]


def quoted_vs_actual(tickets):
    errors_ = [abs(wait_seconds(t) - t.quoted_wait) for t in tickets if t.quoted_wait is not None and t.called_at]
    return {
        "median_abs_error": percentile(errors_, 0.5),
        "within_5_min": sum(1 for e in errors_ if e <= 300) / len(errors_) if errors_ else None,
    }


def feedback_summary(tickets):
    rated = [t for t in tickets if hasattr(t, "feedback")]
    ratings = [t.feedback.rating for t in rated if t.feedback.rating is not None]
    bands = []
    for low, high, label in WAIT_BANDS:
        in_band = [
            t.feedback.rating
            for t in rated
            if t.feedback.rating is not None
            and (w := wait_seconds(t)) is not None
            and w >= low
            and (high is None or w < high)
        ]
        bands.append({"band": label, "count": len(in_band),
                      "average_rating": sum(in_band) / len(in_band) if in_band else None})
    return {
        "count": len(rated),
        "average_rating": sum(ratings) / len(ratings) if ratings else None,
        "by_wait_band": bands,
    }


def branch_stats(branch, first_day, last_day):
    """Every figure of the dashboard for the branch-local days ``first_day``..``last_day`` inclusive."""
    tickets = list(
        Ticket.objects.filter(branch=branch, day__gte=first_day, day__lte=last_day)
        .select_related("service", "counter", "finished_by", "feedback")
        .prefetch_related("transfers")
    )
    zone = branch.zone
    return {
        "from": first_day.isoformat(),
        "to": last_day.isoformat(),
        **summarize(tickets),
        "by_service": grouped(tickets, lambda t: t.service.code, "code"),
        "by_counter": grouped(tickets, lambda t: t.counter.name if t.counter_id else None, "counter"),
        "by_staff": grouped(tickets, lambda t: t.finished_by.get_username() if t.finished_by_id else None, "staff"),
        "by_hour": grouped(tickets, lambda t: t.issued_at.astimezone(zone).hour, "hour"),
        "quoted_vs_actual": quoted_vs_actual(tickets),
        "feedback": feedback_summary(tickets),
    }

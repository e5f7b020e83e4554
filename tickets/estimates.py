"""How long a customer will wait: the one place that estimate is made.

Its two readings are written in SQL: every ticket issued and every screen update makes them, and Django
takes about ten times longer to build and compile each as a QuerySet than the database takes to answer
(0.4 ms against 0.04 ms on SQLite, measured with ``manage.py simulate``); on SQLite the branch's other
writes wait meanwhile.
"""

import statistics
from dataclasses import dataclass

from django.db import connection

from .models import Counter, Ticket

DEFAULT_SERVICE_SECONDS = 5 * 60
RECENT_SERVICES = 20
MIN_HISTORY = 3


def typical_service_seconds(service, now):
    """Median service time of the service's last 20 customers served today; 5 minutes without history."""
    since = service.branch.day_start(service.branch.business_day(now))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT service_seconds FROM {Ticket._meta.db_table}"
            " WHERE service_id = %s AND status = %s AND finished_at >= %s"
            " ORDER BY finished_at DESC LIMIT %s",
            [service.pk, Ticket.Status.SERVED.value, connection.ops.adapt_datetimefield_value(since), RECENT_SERVICES],
        )
        durations = [seconds for (seconds,) in cursor.fetchall()]
    if len(durations) < MIN_HISTORY:
        return DEFAULT_SERVICE_SECONDS
    return statistics.median(durations)


@dataclass(frozen=True)
class Pace:
    """How a service's queue moves now."""

    per_customer: float  # its typical service time shared among its open counters
    open: int  # counters open for it
    idle: int  # of those, the ones with nobody at them: they call the next customers at once


def open_and_idle_counters(service):
    """How many open counters with a teller call this service's tickets, and how many have no customer."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*), COUNT(*) - COUNT(t.id) FROM {Counter.services.through._meta.db_table} cs"
            f" JOIN {Counter._meta.db_table} c ON c.id = cs.counter_id"
            # At most one called ticket per counter (a constraint): the join adds no rows.
            f" LEFT JOIN {Ticket._meta.db_table} t ON t.counter_id = c.id AND t.status = %s"
            # A counter open with no teller at it calls nobody.
            " WHERE cs.service_id = %s AND c.status = %s AND c.teller_id IS NOT NULL",
            [Ticket.Status.CALLED.value, service.pk, Counter.Status.OPEN.value],
        )
        return cursor.fetchone()


def queue_pace(service, now):
    """How the service's queue moves now (see Pace); None when no counter is open for it.

    With no counter open, nobody can honestly say how long it will be.
    """
    counters, idle = open_and_idle_counters(service)
    if counters == 0:
        return None
    return Pace(per_customer=typical_service_seconds(service, now) / counters, open=counters, idle=idle)


def estimated_wait(ahead, pace):
    """Seconds until a customer with ``ahead`` people before them is called (None if nobody serves).

    Idle counters call the first of them at once. Everyone else ahead takes ``pace.per_customer``
    seconds (the typical service time of today, shared among the open counters), and so do the
    customers at the counters now: half of it where a counter is busy (half-way through, on average),
    all of it where an idle counter has just called someone.
    """
    if pace is None:
        return None
    if ahead < pace.idle:
        return 0
    in_service = (0.5 * (pace.open - pace.idle) + pace.idle) / pace.open
    return round((ahead - pace.idle + in_service) * pace.per_customer)

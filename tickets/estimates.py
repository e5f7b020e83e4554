"""How long a customer will wait: the one place that estimate is made.

Its two readings are written in SQL: every ticket issued and every screen update makes them, and Django
takes about ten times longer to build and compile each as a QuerySet than the database takes to answer
(0.4 ms against 0.04 ms on SQLite, measured with ``manage.py simulate``); on SQLite the branch's other
writes wait meanwhile.
"""

import statistics

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


def open_counters_for(service):
    """How many open counters call this service's tickets."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM {Counter.services.through._meta.db_table} cs"
            f" JOIN {Counter._meta.db_table} c ON c.id = cs.counter_id"
            " WHERE cs.service_id = %s AND c.status = %s",
            [service.pk, Counter.Status.OPEN.value],
        )
        return cursor.fetchone()[0]


def seconds_per_customer(service, now):
    """How fast the service's queue moves now: its typical service time shared among its open counters.

    None when no counter is open for the service: then nobody can honestly say how long it will be.
    """
    counters = open_counters_for(service)
    if counters == 0:
        return None
    return typical_service_seconds(service, now) / counters


def estimated_wait(ahead, per_customer):
    """Seconds until a customer with ``ahead`` people before them is called (None if nobody serves).

    The people ahead, plus half a customer for the one being served now, each take ``per_customer``
    seconds (from seconds_per_customer): the typical service time of today, shared among open counters.
    """
    if per_customer is None:
        return None
    return round((ahead + 0.5) * per_customer)

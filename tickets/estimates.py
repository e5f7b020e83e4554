"""How long a customer will wait: the one place that estimate is made."""

import statistics

from .models import Counter, Ticket

DEFAULT_SERVICE_SECONDS = 5 * 60
RECENT_SERVICES = 20
MIN_HISTORY = 3


def typical_service_seconds(service, now):
    """Median service time of the service's last 20 customers served today; 5 minutes without history."""
    since = service.branch.day_start(service.branch.business_day(now))
    recent = (
        Ticket.objects.filter(service=service, status=Ticket.Status.SERVED, finished_at__gte=since)
        .order_by("-finished_at")
        .values_list("service_seconds", flat=True)[:RECENT_SERVICES]
    )
    durations = list(recent)
    if len(durations) < MIN_HISTORY:
        return DEFAULT_SERVICE_SECONDS
    return statistics.median(durations)


def open_counters_for(service):
    return Counter.objects.filter(services=service, status=Counter.Status.OPEN).count()


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

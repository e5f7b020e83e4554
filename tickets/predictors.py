"""Three ways to tell a customer how long they will wait, each graded on every ticket; the phone uses the best.

- ``queue``: the people ahead times the service's typical service time shared among its open counters
  (estimates.estimated_wait), the queue-length predictor;
- ``les``, last to enter service: the wait of the service's customer called last today;
- ``hol``, head of line: how long the customer next to be called has waited so far.

The last two are the delay-history predictors of Ibrahim & Whitt ("Real-time delay estimation based on
delay history", 2009). Both say what a newcomer joining the end of the line will wait; a customer with
fewer people ahead is given the share of it that their place is of the line (``ahead + 1`` of
``waiting + 1``), which is what the queue-length predictor does by construction.

Every ticket stores each predictor's quote when it is issued (``Ticket.quotes``). A predictor's grade
for a service is read from its quotes of the last 30 days beside the waits that followed (see ``grade``);
the best predictor is the one with the lowest median absolute error over at least 20 graded tickets, and
the queue-length predictor until one is that good, or on a tie. A quote is told as a range, made from the
chosen predictor's own recent errors (see ``wait_range``).
"""

import datetime
import math
import statistics
import threading
import time
from dataclasses import dataclass

from django.db import connection
from django.utils.translation import gettext_lazy as _

from .estimates import estimated_wait, queue_pace
from .models import Ticket

METHODS = ("queue", "les", "hol")
DEFAULT_METHOD = "queue"
GRADED_DAYS = 30
MIN_GRADED = 20
# A quote's error is measured against at least 5 minutes of it, so that "1 min" told and 4 min waited
# (a small, forgivable miss) does not read as a 300% error and widen every range.
ERROR_SCALE_FLOOR = 5 * 60
# The range holds 80% of recent waits: the 10th to the 90th percentile of the errors. Until a predictor
# has MIN_GRADED of them, it is a quarter below to a half above, for waits run long more often than short.
RANGE_PERCENTILES = (10, 90)
DEFAULT_ERRORS = (-0.25, 0.5)
# Grades are read from a month of tickets: each process reads them again every few minutes, not per ticket.
GRADES_LIFETIME = 10 * 60


@dataclass(frozen=True)
class Readings:
    """What the predictors read from a service's queue now."""

    pace: object  # estimates.Pace, or None when no counter is open for it
    waiting: int  # tickets in its queue
    last_entered: int | None  # seconds the customer called last today had waited (les)
    head_waited: int | None  # seconds the customer next to be called has waited (hol)


def quote(method, ahead, readings):
    """Seconds ``method`` says a customer with ``ahead`` people before them will wait; None if nobody serves."""
    pace = readings.pace
    if pace is None:
        return None
    if method == "queue" or ahead < pace.idle:
        return estimated_wait(ahead, pace)
    newcomer = readings.last_entered if method == "les" else readings.head_waited
    if newcomer is None:
        # Nobody called yet today, or nobody waiting: the delay history has nothing to say.
        return estimated_wait(ahead, pace)
    return round(newcomer * (ahead + 1) / (readings.waiting + 1))


def last_entered_wait(service, day):
    """Seconds the service's customer called last on ``day`` had waited, None before the first call."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT wait_seconds FROM {Ticket._meta.db_table}"
            " WHERE service_id = %s AND day = %s AND called_at IS NOT NULL ORDER BY called_at DESC LIMIT 1",
            [service.pk, connection.ops.adapt_datefield_value(day)],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def head_waited(service, day, now):
    """Seconds the service's next customer to be called has waited (every queue of a transfer), None if none."""
    head = Ticket.objects.head_of_line(service, day)
    if head is None:
        return None
    return waited_so_far(head.queued_at, head.wait_seconds, now)


def waited_so_far(queued_at, earlier_waits, now):
    """Seconds a waiting ticket has waited: in this queue, and in those before a transfer."""
    return max(0, round((now - queued_at).total_seconds())) + (earlier_waits or 0)


def read(service, now, *, waiting, method=None, head=None):
    """The readings of ``service`` now, with ``waiting`` tickets in its queue: every predictor's when
    ``method`` is None, else only that one's. ``head`` is the head of line's wait, when the caller knows it."""
    day = service.branch.business_day(now)
    if head is None and waiting and method in (None, "hol"):
        head = head_waited(service, day, now)
    return Readings(
        pace=queue_pace(service, now),
        waiting=waiting,
        last_entered=last_entered_wait(service, day) if method in (None, "les") else None,
        head_waited=head,
    )


@dataclass(frozen=True)
class Grade:
    """How well one predictor told one service's waits over the last 30 days."""

    method: str
    graded: int  # tickets with its quote and a known wait
    median_abs_error: float | None  # seconds
    within: float | None  # share of waits inside the range it would have given
    under: float | None  # share of waits past the top of that range: the quotes people feel most
    errors: tuple  # (low, high): percentiles of the error per second of quote (see wait_range)


def _percentile(values, p):
    """The p-th percentile of sorted ``values`` by the nearest-rank rule."""
    return values[max(0, math.ceil(p / 100 * len(values)) - 1)]


def wait_range(seconds, errors):
    """A quote as the range told: ``seconds`` plus the errors' band, in whole minutes, never below zero.

    The band is ``errors`` (per second of quote, at least 5 minutes of it) times the quote: a long quote's
    range is wider than a short one's, as its possible error is. None when there is no quote.
    """
    if seconds is None:
        return None
    if seconds == 0:
        return [0, 60]  # "under 1 min": an idle counter calls at once, and a minute is the least a person hears
    scale = max(seconds, ERROR_SCALE_FLOOR)
    low = max(0, math.floor((seconds + errors[0] * scale) / 60)) * 60
    high = max(low + 60, math.ceil((seconds + errors[1] * scale) / 60) * 60)
    return [low, high]


def grade(method, pairs):
    """The grade of ``method`` from ``pairs`` of (its quote, the wait that followed), in seconds."""
    if len(pairs) < MIN_GRADED:
        return Grade(method, len(pairs), None, None, None, DEFAULT_ERRORS)
    relative = sorted((wait - told) / max(told, ERROR_SCALE_FLOOR) for told, wait in pairs)
    errors = tuple(_percentile(relative, p) for p in RANGE_PERCENTILES)
    ranges = [(wait_range(told, errors), wait) for told, wait in pairs]
    return Grade(
        method,
        len(pairs),
        statistics.median(abs(wait - told) for told, wait in pairs),
        sum(low <= wait <= high for (low, high), wait in ranges) / len(pairs),
        sum(wait > high for (low, high), wait in ranges) / len(pairs),
        errors,
    )


def read_grades(service, today):
    """Every predictor's grade for ``service`` over the 30 days to ``today``.

    Each ticket counts once, in the service it was issued for: a transferred ticket's quote was for its
    first queue. Tickets from before the predictors were stored have the queue-length quote only.
    """
    since = today - datetime.timedelta(days=GRADED_DAYS - 1)
    tickets = (
        Ticket.objects.filter(service=service, day__gte=since, day__lte=today, wait_seconds__isnull=False)
        .exclude(lane=Ticket.Lane.TRANSFERRED)
        .values_list("quotes", "quoted_wait", "wait_seconds")
    )
    pairs = {method: [] for method in METHODS}
    for quotes, quoted_wait, waited in tickets.iterator():
        quotes = quotes or {DEFAULT_METHOD: quoted_wait}
        for method in METHODS:
            if quotes.get(method) is not None:
                pairs[method].append((quotes[method], waited))
    return {method: grade(method, pairs[method]) for method in METHODS}


def best(grades):
    """The predictor to tell customers: the lowest median absolute error over MIN_GRADED tickets or more."""
    ranked = [g for g in grades.values() if g.median_abs_error is not None]
    if not ranked:
        return DEFAULT_METHOD
    # Ties go to the queue-length predictor (listed first), which follows the queue as it moves.
    return min(ranked, key=lambda g: (g.median_abs_error, METHODS.index(g.method))).method


class _Memo:
    """Grades per service and business day, read again after GRADES_LIFETIME: each process keeps its own."""

    def __init__(self):
        self._lock = threading.Lock()
        self._grades = {}

    def get(self, service, today):
        key = (service.pk, today)
        with self._lock:
            found = self._grades.get(key)
        if found and time.monotonic() - found[0] < GRADES_LIFETIME:
            return found[1]
        grades = read_grades(service, today)
        with self._lock:
            self._grades = {k: v for k, v in self._grades.items() if k[1] == today}
            self._grades[key] = (time.monotonic(), grades)
        return grades

    def forget(self):
        with self._lock:
            self._grades.clear()


_memo = _Memo()
forget = _memo.forget


def grades_for(service, now):
    """Every predictor's grade for ``service`` (see read_grades), as this process last read them."""
    return _memo.get(service, service.branch.business_day(now))


@dataclass(frozen=True)
class Choice:
    """The predictor a service's customers are told, and the errors its ranges are made from."""

    method: str
    errors: tuple


def choice_for(service, now):
    """Which predictor ``service`` tells its customers now, with its errors (see best)."""
    grades = grades_for(service, now)
    method = best(grades)
    return Choice(method, grades[method].errors)


# How the dashboard names them.
METHOD_NAMES = {"queue": _("People ahead x service time"), "les": _("Last to enter service"), "hol": _("Head of line")}


def report(branch, now):
    """Per active service, every predictor's grade over the last 30 days, and which one its customers are told."""
    rows = []
    for service in branch.services.filter(active=True):
        grades = grades_for(service, now)
        told = best(grades)
        rows.extend(
            {"service": service.name, "method": METHOD_NAMES[method], "told": method == told, "grade": grades[method]}
            for method in METHODS
        )
    return rows

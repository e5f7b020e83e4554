"""The truth about waits for a range of a branch's business days, read from the database once and counted here.

The definitions, used alike by the API, the dashboard and the CSV exports:

- A range is whole branch-local business days, ``first_day``..``last_day`` inclusive; a ticket belongs to
  the day it was issued on (Ticket.day).
- Wait is the time spent waiting to be called, every queue counted, from the first issue: a
  transferred customer's whole wait, counted once, without the time spent at the counter that
  transferred them (Ticket.wait_seconds). No-shows waited too; cancelled tickets (people who left) were never called and have none.
- Service time is the time at the last counter, from its call to served (Ticket.service_seconds).
- Service level is the share of served customers whose wait was within their service's target.
- Percentiles interpolate linearly between the two nearest ranks, as PostgreSQL's percentile_cont and
  Python's ``statistics.quantiles(method="inclusive")``: of n sorted values the p percentile sits at
  rank p * (n - 1), counting from 0. The median of 60 and 120 seconds is 90; their 90th percentile, 114.

The range's tickets are read once, in one query, as rows of a few small values (what each grouping is
keyed by, the ticket's outcome and its three measures), whatever the range; every grouping's figures
(the whole range, per service, counter, staff member, hour of arrival) are then counted from those rows
(see Tally): how many tickets have each value, running totals in value order, and the two values each
percentile falls between. Waits are whole seconds, so a year has a few thousand distinct values where it
has a hundred thousand tickets. Counting in Python with collections.Counter, which runs in C, is what
keeps a year fast: the database took longer to count and sort each grouping (docs/benchmarks.md).
"""

import bisect
import collections
import datetime
import functools
import itertools
import operator
import re

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Case, Count, Sum, Value, When
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from .models import Counter, Feedback, Service, Ticket, staff_name

MAX_RANGE_DAYS = 366
WAIT_BANDS = [(0, 5 * 60, "under 5 min"), (5 * 60, 15 * 60, "5-15 min"), (15 * 60, 30 * 60, "15-30 min"),
              (30 * 60, None, "over 30 min")]
# The bands' labels are the API's (its by_wait_band rows say them in English); the dashboard says these.
WAIT_BAND_WORDS = {"under 5 min": gettext_lazy("under 5 min"), "5-15 min": gettext_lazy("5-15 min"),
                   "15-30 min": gettext_lazy("15-30 min"), "over 30 min": gettext_lazy("over 30 min")}
# How far a quote may miss and still count as kept.
QUOTE_TOLERANCE = 5 * 60
# The wait distribution's bars: five minutes wide, the last one for an hour and longer.
DISTRIBUTION_STEP = 5 * 60
DISTRIBUTION_BARS = 13
# Percentiles as whole fractions, so their ranks are whole-number arithmetic.
MEDIAN, P90 = (1, 2), (9, 10)

# What each ticket of the range is read as (FACTS_SQL): the four keys of the groupings (service, counter and
# staff as ids: small integers count faster than names, which _names() reads once per range), its outcome,
# its three measures, and the hour it was served in (served_by_hour).
KEYS = {"code": 0, "counter": 1, "staff": 2, "hour": 3}
OUTCOME = 4
MEASURES = {"wait": 5, "service": 6, "error": 7}
SERVED_HOUR = 8
# A ticket's outcome is one small number, so that one count per key and outcome gives every tally of a
# grouping: its status (one of STATUS_CODES, or OPEN while waiting or called), plus ON_TARGET when it was
# served within its service's target, plus QUOTE_KEPT when it waited within QUOTE_TOLERANCE of its quote.
STATUS_CODES = {Ticket.Status.SERVED: 0, Ticket.Status.NO_SHOW: 1, Ticket.Status.CANCELLED: 2}
OPEN, STATUS_BITS, ON_TARGET, QUOTE_KEPT = 3, 3, 4, 8

FACTS_SQL = """
SELECT t.service_id, t.counter_id, t.finished_by_id, t.issued_hour,
       CASE t.status {status_codes} ELSE {open} END
       + CASE WHEN t.status = '{served}' AND t.wait_seconds <= s.target_wait_minutes * 60 THEN {on_target} ELSE 0 END
       + CASE WHEN ABS(t.wait_seconds - t.quoted_wait) <= {tolerance} THEN {quote_kept} ELSE 0 END,
       t.wait_seconds,
       CASE WHEN t.status = '{served}' THEN t.service_seconds END,
       ABS(t.wait_seconds - t.quoted_wait),
       CASE WHEN t.status = '{served}' THEN t.finished_hour END
FROM {ticket} t
JOIN {service} s ON s.id = t.service_id
WHERE t.branch_id = %s AND t.day >= %s AND t.day <= %s
"""


class InvalidRange(ValueError):
    """A date range the statistics cannot answer; ``str(error)`` says why, in the asking page's language
    (``from`` and ``to`` are the query's own names, the same in every language)."""


ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def date_range(branch, first, last, now=None):
    """The days ``first``..``last`` (ISO dates, either may be empty) as dates; today when both are empty.

    One day when only one end is given. Raises InvalidRange for a bad date, a reversed or too long range.
    """
    today = branch.business_day(now or timezone.now())

    def day(value, name):
        # Only YYYY-MM-DD: Python would also read 20261120 or 2026-W47-1, which nobody means here.
        if not ISO_DATE.fullmatch(value):
            raise InvalidRange(gettext("%(name)s must be a date written YYYY-MM-DD.") % {"name": name})
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            raise InvalidRange(gettext("%(name)s: %(value)s is not a day of the calendar.") % {
                "name": name, "value": value}) from None

    first_day = day(first, "from") if first else None
    last_day = day(last, "to") if last else None
    first_day = first_day or last_day or today
    last_day = last_day or first_day
    if last_day < first_day:
        raise InvalidRange(gettext("%(from)s must not be after %(to)s.") % {"from": "from", "to": "to"})
    if (last_day - first_day).days >= MAX_RANGE_DAYS:
        raise InvalidRange(gettext("A range can cover at most %(days)s days.") % {"days": MAX_RANGE_DAYS})
    return first_day, last_day


def _facts_sql():
    return FACTS_SQL.format(
        status_codes=" ".join(f"WHEN '{status.value}' THEN {code}" for status, code in STATUS_CODES.items()),
        open=OPEN, on_target=ON_TARGET, quote_kept=QUOTE_KEPT, served=Ticket.Status.SERVED.value,
        tolerance=QUOTE_TOLERANCE,
        ticket=connection.ops.quote_name(Ticket._meta.db_table),
        service=connection.ops.quote_name(Service._meta.db_table),
    )


def _names(branch, staff):
    """What the API calls each service, counter and staff member (ids in ``staff``) of the branch's tickets,
    and what people call the services and staff: ``({key: {id: key's value}}, {key: {id: name}})``.

    A ticket's service and counter are its branch's. The staff are asked for even when nobody finished a
    ticket (no id is 0), so that every range costs the same queries.
    """
    services = Service.objects.filter(branch=branch).only("pk", "code", "name")
    users = get_user_model().objects.filter(pk__in=staff or [0])
    keys, names = {"code": {}, "staff": {}}, {"code": {}, "staff": {}}
    for service in services:
        keys["code"][service.pk], names["code"][service.pk] = service.code, service.name
    for user in users:
        keys["staff"][user.pk], names["staff"][user.pk] = user.get_username(), staff_name(user)
    keys["counter"] = dict(Counter.objects.filter(branch=branch).values_list("pk", "name"))
    return keys, names


def interpolate(low, high, count, fraction):
    """The percentile ``fraction`` (num, den) of ``count`` sorted values, from the two values around its rank."""
    if not count:
        return None
    num, den = fraction
    weight = ((count - 1) * num % den) / den
    return round(low + (high - low) * weight)


def percentiles(counts):
    """The median, 90th percentile, number and largest of values counted as ``{value: how many}``.

    The value at rank k (from 0) is the smallest whose running total of values up to it exceeds k.
    """
    values = sorted(counts)
    upto = list(itertools.accumulate(counts[value] for value in values))
    count = upto[-1] if upto else 0

    def pick(fraction):
        num, den = fraction
        low, high = (count - 1) * num // den, -(-(count - 1) * num // den)
        return interpolate(value_at(low), value_at(high), count, fraction)

    def value_at(rank):
        return values[bisect.bisect_right(upto, rank)]

    if not count:
        return None, None, 0, None
    return pick(MEDIAN), pick(P90), count, values[-1]


def _figures(tally):
    """The figures of one key's tally: ``{"outcome" or a measure: {value: how many tickets}}``."""
    outcomes = tally["outcome"]

    def having(test):
        return sum(count for outcome, count in outcomes.items() if test(outcome))

    served = having(lambda outcome: outcome & STATUS_BITS == STATUS_CODES[Ticket.Status.SERVED])
    wait_median, wait_p90, _, wait_max = percentiles(tally["wait"])
    service_median, service_p90, _, _ = percentiles(tally["service"])
    error_median, _, quotes, _ = percentiles(tally["error"])
    return {
        "issued": having(lambda outcome: True),
        "served": served,
        "no_show": having(lambda outcome: outcome & STATUS_BITS == STATUS_CODES[Ticket.Status.NO_SHOW]),
        "cancelled": having(lambda outcome: outcome & STATUS_BITS == STATUS_CODES[Ticket.Status.CANCELLED]),
        "waiting": having(lambda outcome: outcome & STATUS_BITS == OPEN),
        "wait": {"median": wait_median, "p90": wait_p90, "max": wait_max},
        "service_time": {"median": service_median, "p90": service_p90},
        "service_level": having(lambda outcome: outcome & ON_TARGET) / served if served else None,
        "quoted_vs_actual": {
            "median_abs_error": error_median,
            "within_5_min": having(lambda outcome: outcome & QUOTE_KEPT) / quotes if quotes else None,
        },
    }


def _new_tally():
    return {"outcome": collections.Counter(), **{measure: collections.Counter() for measure in MEASURES}}


class Tally:
    """A range's tickets, read once and counted for every grouping: what its figures and charts are made from."""

    def __init__(self, branch, first_day, last_day):
        self.branch = branch
        with connection.cursor() as cursor:
            adapt = connection.ops.adapt_datefield_value
            cursor.execute(_facts_sql(), [branch.pk, adapt(first_day), adapt(last_day)])
            self.rows = cursor.fetchall()

    @functools.cached_property
    def by_key(self):
        """``{key: {value of the key: tally}}`` for each of KEYS, leaving out tickets without it (never called)."""
        tallies = {key: collections.defaultdict(_new_tally) for key in KEYS}
        # Tickets with the same four keys and outcome are few, so the outcomes are counted in one pass...
        combinations = collections.Counter(map(operator.itemgetter(*KEYS.values(), OUTCOME), self.rows))
        for (*keys, outcome), count in combinations.items():
            for key, value in zip(KEYS, keys):
                if value is not None:
                    tallies[key][value]["outcome"][outcome] += count
        # ... but their waits, service times and quote errors nearly all differ: one pass (in C) per key and measure.
        for measure, column in MEASURES.items():
            for key, key_column in KEYS.items():
                pairs = collections.Counter(map(operator.itemgetter(key_column, column), self.rows))
                for (value, measured), count in pairs.items():
                    if value is not None and measured is not None:
                        tallies[key][value][measure][measured] = count
        return tallies

    @functools.cached_property
    def overall(self):
        """The whole range's tally, counted from the rows: a period compared needs none of the groupings."""
        overall = _new_tally()
        overall["outcome"].update(map(operator.itemgetter(OUTCOME), self.rows))
        for measure, column in MEASURES.items():
            overall[measure].update(map(operator.itemgetter(column), self.rows))
            overall[measure].pop(None, None)
        return overall

    def totals(self):
        """The whole range's figures alone, without its rows per grouping (and without asking for any name)."""
        return _figures(self.overall)

    def figures(self):
        """Every figure of the range (as branch_stats, but feedback) and its rows per grouping.

        Services and staff rows also carry their ``name``: the service's, and the staff member's full name.
        """
        keys, names = _names(self.branch, list(self.by_key["staff"]))
        rows = {}
        for grouping, key in [("service", "code"), ("counter", "counter"), ("staff", "staff"), ("hour", "hour")]:
            tallies = self.by_key[key]
            keyed = sorted(tallies, key=lambda value: keys[key][value] if key in keys else value)
            rows[f"by_{grouping}"] = [
                {key: keys[key][value] if key in keys else value,
                 **({"name": names[key][value]} if key in names else {}), **_figures(tallies[value])}
                for value in keyed
            ]
        return {**self.totals(), **rows}

    def served_by_hour(self):
        """How many customers were served in each branch-local hour of the day, as ``{hour: count}``."""
        served = collections.Counter(map(operator.itemgetter(SERVED_HOUR), self.rows))
        served.pop(None, None)
        return dict(served)

    def wait_distribution(self):
        """How many called customers waited 0-5 minutes, 5-10, ... and an hour or more, as a list of counts."""
        counts = [0] * DISTRIBUTION_BARS
        for wait, count in self.overall["wait"].items():
            counts[min(wait // DISTRIBUTION_STEP, DISTRIBUTION_BARS - 1)] += count
        return counts


def previous_range(first_day, last_day):
    """The days just before ``first_day``..``last_day``, as many as it has: a week beside the week before."""
    days = (last_day - first_day).days + 1
    # Held at the calendar's first day, where nothing is before (0001-01-01: no ticket, and no overflow).
    start, end = (datetime.date.fromordinal(max(1, first_day.toordinal() - n)) for n in (days, 1))
    return start, end


def in_range(queryset, branch, first_day, last_day, via=""):
    """``queryset`` narrowed to the branch's tickets of the range (``via`` leads from its model to Ticket)."""
    return queryset.filter(**{f"{via}branch": branch, f"{via}day__gte": first_day, f"{via}day__lte": last_day})


def _wait_band(field):
    """A CASE giving each wait the index of its band in WAIT_BANDS."""
    whens = [When(**{f"{field}__lt": high}, then=Value(index)) for index, (_, high, _) in enumerate(WAIT_BANDS) if high]
    return Case(*whens, When(**{f"{field}__isnull": False}, then=Value(len(WAIT_BANDS) - 1)), default=None)


def feedback_summary(branch, first_day, last_day):
    """How many left feedback, their average rating, and the average rating by how long they waited."""
    rows = list(
        in_range(Feedback.objects, branch, first_day, last_day, "ticket__")
        .values(band=_wait_band("ticket__wait_seconds"))
        .annotate(count=Count("id"), rated=Count("rating"), sum=Sum("rating"))
    )
    by_band = {row["band"]: row for row in rows}
    count, rated, total = (sum(row[key] or 0 for row in rows) for key in ("count", "rated", "sum"))
    bands = []
    for index, (_, _, label) in enumerate(WAIT_BANDS):
        row = by_band.get(index, {"rated": 0, "sum": 0})
        bands.append({"band": label, "count": row["rated"],
                      "average_rating": row["sum"] / row["rated"] if row["rated"] else None})
    return {"count": count, "average_rating": total / rated if rated else None, "by_wait_band": bands}


def branch_stats(branch, first_day, last_day, tally=None):
    """Every figure of the API's statistics for the branch-local days ``first_day``..``last_day`` inclusive.

    ``tally`` is the range's Tally, when the caller has read it for the charts too.
    """
    return {
        "from": first_day.isoformat(),
        "to": last_day.isoformat(),
        **(tally or Tally(branch, first_day, last_day)).figures(),
        "feedback": feedback_summary(branch, first_day, last_day),
    }


def served_by_hour(branch, first_day, last_day):
    """How many customers were served in each branch-local hour of the day, as ``{hour: count}``."""
    return Tally(branch, first_day, last_day).served_by_hour()


def arrivals_by_weekday_and_hour(branch, first_day, last_day, now=None):
    """Average arrivals per day for each weekday (0 is Monday) and hour, as ``{(weekday, hour): average}``.

    The database counts per day and hour; the days of the range are then folded into their weekdays,
    and each total divided by how many of that weekday the range holds, open or not. Only hours that
    have begun count: today's afternoon, not yet come, must not pull Monday's afternoon average down
    (the hour under way counts, so a range of today shows today so far).
    """
    local_now = (now or timezone.now()).astimezone(branch.zone)
    today, this_hour = local_now.date(), local_now.hour

    def begun(day, hour):
        return day < today or (day == today and hour <= this_hour)

    past_days = [0] * 7
    for offset in range((last_day - first_day).days + 1):
        day = first_day + datetime.timedelta(days=offset)
        past_days[day.weekday()] += day < today

    def days(weekday, hour):
        return past_days[weekday] + (first_day <= today <= last_day and today.weekday() == weekday and hour <= this_hour)

    counts = in_range(Ticket.objects, branch, first_day, last_day).values_list("day", "issued_hour")
    totals = {}
    for day, hour, count in counts.annotate(count=Count("id")).order_by():
        if begun(day, hour):
            key = (day.weekday(), hour)
            totals[key] = totals.get(key, 0) + count
    return {key: total / days(*key) for key, total in totals.items()}


def wait_distribution(branch, first_day, last_day):
    """How many called customers waited 0-5 minutes, 5-10, ... and an hour or more, as a list of counts."""
    return Tally(branch, first_day, last_day).wait_distribution()


def latest_notes(branch, first_day, last_day, *, rating=None, limit=100):
    """What customers wrote in the range, newest first, each with its visit; ``rating`` keeps only that rating."""
    feedback = in_range(Feedback.objects, branch, first_day, last_day, "ticket__").exclude(note="")
    if rating is not None:
        feedback = feedback.filter(rating=rating)
    feedback = feedback.select_related("ticket__service", "ticket__counter", "ticket__finished_by", "flagged_by")
    return feedback.order_by("-created_at", "-id")[:limit]

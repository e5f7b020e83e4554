"""The truth about waits for a range of a branch's business days, computed by the database.

The definitions, used alike by the API, the dashboard and the CSV exports:

- A range is whole branch-local business days, ``first_day``..``last_day`` inclusive; a ticket belongs to
  the day it was issued on (Ticket.day).
- Wait is the time spent waiting to be called, every queue counted, from the first issue: a
  transferred customer's whole wait, counted once, without the time spent at the counter that
  transferred them (Ticket.wait_seconds). No-shows waited too; walk-outs were never called and have none.
- Service time is the time at the last counter, from its call to served (Ticket.service_seconds).
- Service level is the share of served customers whose wait was within their service's target.
- Percentiles interpolate linearly between the two nearest ranks, as PostgreSQL's percentile_cont and
  Python's ``statistics.quantiles(method="inclusive")``: of n sorted values the p percentile sits at
  rank p * (n - 1), counting from 0. The median of 60 and 120 seconds is 90; their 90th percentile, 114.

Each grouping (the whole range, per service, counter, staff member, hour of arrival) is one query,
whatever the number of tickets: the database counts each distinct value, keeps running totals in value
order with a window function and picks the two values a percentile falls between, so neither SQLite
nor PostgreSQL sends the rows to Python (see PERCENTILE_SQL).
"""

import datetime
import re

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Case, Count, F, Q, Sum, Value, When
from django.db.models.functions import Least
from django.utils import timezone

from .models import Counter, Feedback, Service, Ticket

MAX_RANGE_DAYS = 366
WAIT_BANDS = [(0, 5 * 60, "under 5 min"), (5 * 60, 15 * 60, "5-15 min"), (15 * 60, 30 * 60, "15-30 min"),
              (30 * 60, None, "over 30 min")]
# How far a quote may miss and still count as kept.
QUOTE_TOLERANCE = 5 * 60
# The wait distribution's bars: five minutes wide, the last one for an hour and longer.
DISTRIBUTION_STEP = 5 * 60
DISTRIBUTION_BARS = 13
# Percentiles as whole fractions, so the database finds their ranks in integer arithmetic.
MEDIAN, P90 = (1, 2), (9, 10)
# What each grouping is keyed by (the API's names), as SQL over the tables joined in FIGURES_SQL.
GROUPINGS = {"all": "0", "code": "s.code", "counter": "c.name", "staff": "u.{username}", "hour": "t.issued_hour"}
MEASURES = ("wait", "service", "error")

FIGURES_SQL = """
WITH facts AS MATERIALIZED (
    SELECT {bucket} AS bucket, t.status AS status, s.target_wait_minutes * 60 AS target,
           t.wait_seconds AS wait,
           CASE WHEN t.status = '{served}' THEN t.service_seconds END AS service,
           ABS(t.wait_seconds - t.quoted_wait) AS error
    FROM {ticket} t
    JOIN {service} s ON s.id = t.service_id
    LEFT JOIN {counter} c ON c.id = t.counter_id
    LEFT JOIN {user} u ON u.id = t.finished_by_id
    WHERE t.branch_id = %s AND t.day >= %s AND t.day <= %s
),
counts AS (
    SELECT bucket,
           COUNT(*) AS issued,
           SUM(CASE WHEN status = '{served}' THEN 1 ELSE 0 END) AS served,
           SUM(CASE WHEN status = '{no_show}' THEN 1 ELSE 0 END) AS no_show,
           SUM(CASE WHEN status = '{cancelled}' THEN 1 ELSE 0 END) AS cancelled,
           SUM(CASE WHEN status IN ('{waiting}', '{called}') THEN 1 ELSE 0 END) AS waiting,
           SUM(CASE WHEN status = '{served}' AND wait <= target THEN 1 ELSE 0 END) AS on_target,
           MAX(wait) AS wait_max,
           SUM(CASE WHEN error <= {tolerance} THEN 1 ELSE 0 END) AS quotes_kept
    FROM facts
    GROUP BY bucket
){percentile_tables}
SELECT counts.*, {percentile_columns}
FROM counts {percentile_joins}
WHERE counts.bucket IS NOT NULL
ORDER BY counts.bucket
"""

# Of one measure, per bucket: each distinct value with how many have it, running totals in value order,
# and the values at the ranks a percentile falls between. Sorting the few distinct values (waits are
# whole seconds) instead of every ticket is what keeps a year of tickets fast.
PERCENTILE_SQL = """,
{m}_p AS (
    SELECT bucket, {picks}, MAX(n) AS {m}_n
    FROM (
        SELECT bucket, v,
               CAST(SUM(c) OVER (PARTITION BY bucket ORDER BY v) AS BIGINT) AS upto,
               CAST(SUM(c) OVER (PARTITION BY bucket) AS BIGINT) AS n
        FROM (SELECT bucket, {m} AS v, COUNT(*) AS c FROM facts WHERE {m} IS NOT NULL GROUP BY bucket, {m}) distinct_values
    ) running
    GROUP BY bucket
)"""


class InvalidRange(ValueError):
    """A date range the statistics cannot answer; ``str(error)`` says why."""


ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def date_range(branch, first, last, now=None):
    """The days ``first``..``last`` (ISO dates, either may be empty) as dates; today when both are empty.

    One day when only one end is given. Raises InvalidRange for a bad date, a reversed or too long range.
    """
    today = branch.business_day(now or timezone.now())

    def day(value, name):
        # Only YYYY-MM-DD: Python would also read 20261120 or 2026-W47-1, which nobody means here.
        if not ISO_DATE.fullmatch(value):
            raise InvalidRange(f"{name} must be a date written YYYY-MM-DD.")
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            raise InvalidRange(f"{name}: {value} is not a day of the calendar.") from None

    first_day = day(first, "from") if first else None
    last_day = day(last, "to") if last else None
    first_day = first_day or last_day or today
    last_day = last_day or first_day
    if last_day < first_day:
        raise InvalidRange("from must not be after to.")
    if (last_day - first_day).days >= MAX_RANGE_DAYS:
        raise InvalidRange(f"A range can cover at most {MAX_RANGE_DAYS} days.")
    return first_day, last_day


def _percentile_sql(m):
    """The values of measure ``m`` at the two ranks (from 0) each percentile falls between.

    The value at rank k is the smallest whose running total of values up to it exceeds k.
    """
    picks = []
    for name, (num, den) in (("median", MEDIAN), ("p90", P90)):
        low, high = f"(n - 1) * {num} / {den}", f"((n - 1) * {num} + {den - 1}) / {den}"
        picks.append(f"MIN(CASE WHEN upto > {low} THEN v END) AS {m}_{name}_low")
        picks.append(f"MIN(CASE WHEN upto > {high} THEN v END) AS {m}_{name}_high")
    return PERCENTILE_SQL.format(m=m, picks=", ".join(picks))


def _figures_sql(grouping):
    user = get_user_model()
    tables = {
        "ticket": Ticket._meta.db_table,
        "service": Service._meta.db_table,
        "counter": Counter._meta.db_table,
        "user": user._meta.db_table,
    }
    username = user._meta.get_field(user.USERNAME_FIELD).column
    return FIGURES_SQL.format(
        bucket=GROUPINGS[grouping].format(username=username),
        percentile_tables="".join(_percentile_sql(m) for m in MEASURES),
        percentile_columns=", ".join(
            f"{m}_median_low, {m}_median_high, {m}_p90_low, {m}_p90_high, {m}_n" for m in MEASURES
        ),
        percentile_joins=" ".join(f"LEFT JOIN {m}_p ON {m}_p.bucket = counts.bucket" for m in MEASURES),
        tolerance=QUOTE_TOLERANCE,
        **{status.name.lower(): status.value for status in Ticket.Status},
        **{name: connection.ops.quote_name(table) for name, table in tables.items()},
    )


def interpolate(low, high, count, fraction):
    """The percentile ``fraction`` (num, den) of ``count`` sorted values, from the two values around its rank."""
    if not count:
        return None
    num, den = fraction
    weight = ((count - 1) * num % den) / den
    return round(low + (high - low) * weight)


def _row_figures(row):
    issued, served, no_show, cancelled, waiting, on_target, wait_max, quotes_kept, *percentiles = row
    measures = {}
    for m in MEASURES:
        med_low, med_high, p90_low, p90_high, count, *percentiles = percentiles
        measures[m] = {
            "median": interpolate(med_low, med_high, count, MEDIAN),
            "p90": interpolate(p90_low, p90_high, count, P90),
            "count": count or 0,
        }
    quotes = measures["error"]["count"]
    return {
        "issued": issued,
        "served": served,
        "no_show": no_show,
        "cancelled": cancelled,
        "waiting": waiting,
        "wait": {"median": measures["wait"]["median"], "p90": measures["wait"]["p90"], "max": wait_max},
        "service_time": {"median": measures["service"]["median"], "p90": measures["service"]["p90"]},
        "service_level": on_target / served if served else None,
        "quoted_vs_actual": {
            "median_abs_error": measures["error"]["median"],
            "within_5_min": quotes_kept / quotes if quotes else None,
        },
    }


def figures_by(branch, first_day, last_day, grouping):
    """One row of figures per value of ``grouping`` (a key of GROUPINGS), in one query."""
    with connection.cursor() as cursor:
        adapt = connection.ops.adapt_datefield_value
        cursor.execute(_figures_sql(grouping), [branch.pk, adapt(first_day), adapt(last_day)])
        return [{grouping: row[0], **_row_figures(row[1:])} for row in cursor.fetchall()]


EMPTY = _row_figures([0, 0, 0, 0, 0, 0, None, 0] + [None, None, None, None, 0] * len(MEASURES))


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


def branch_stats(branch, first_day, last_day):
    """Every figure of the API's statistics for the branch-local days ``first_day``..``last_day`` inclusive."""
    overall = figures_by(branch, first_day, last_day, "all")
    overall = {key: value for key, value in overall[0].items() if key != "all"} if overall else EMPTY
    by_service = figures_by(branch, first_day, last_day, "code")
    return {
        "from": first_day.isoformat(),
        "to": last_day.isoformat(),
        **overall,
        "by_service": by_service,
        "by_counter": figures_by(branch, first_day, last_day, "counter"),
        "by_staff": figures_by(branch, first_day, last_day, "staff"),
        "by_hour": figures_by(branch, first_day, last_day, "hour"),
        "feedback": feedback_summary(branch, first_day, last_day),
    }


def served_by_hour(branch, first_day, last_day):
    """How many customers were served in each branch-local hour of the day, as ``{hour: count}``."""
    served = in_range(Ticket.objects, branch, first_day, last_day).filter(status=Ticket.Status.SERVED)
    return dict(served.values_list("finished_hour").annotate(count=Count("id")).order_by())


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
    waits = in_range(Ticket.objects, branch, first_day, last_day).filter(wait_seconds__isnull=False)
    bars = waits.values_list(Least(F("wait_seconds") / DISTRIBUTION_STEP, DISTRIBUTION_BARS - 1)).annotate(count=Count("id"))
    counts = [0] * DISTRIBUTION_BARS
    for bar, count in bars.order_by():
        counts[bar] = count
    return counts


def latest_notes(branch, first_day, last_day, *, rating=None, limit=100):
    """What customers wrote in the range, newest first, each with its visit; ``rating`` keeps only that rating."""
    feedback = in_range(Feedback.objects, branch, first_day, last_day, "ticket__").exclude(note="")
    if rating is not None:
        feedback = feedback.filter(rating=rating)
    feedback = feedback.select_related("ticket__service", "ticket__counter", "ticket__finished_by")
    return feedback.order_by("-created_at", "-id")[:limit]

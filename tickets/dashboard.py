"""The manager's dashboard: the branch now, its figures and charts for a range of days, what customers
wrote, and the same figures as CSV. Only the branch's managers and superusers see any of it."""

import csv
import datetime
import itertools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from printing.state import printer_states

from . import actions, alerts, care, charts, errors, perceived, predictors, privacy, stats
from .models import Branch, Counter, Feedback, Ticket, Transfer, staff_name
from .permissions import is_manager_of
from .state import branch_state

NOTES_SHOWN = 100
RATINGS = [1, 2, 3, 4, 5]


def manager_branch(request, slug):
    branch = get_object_or_404(Branch, slug=slug)
    if not is_manager_of(request.user, branch):
        raise PermissionDenied(gettext("Only managers of this branch see its dashboard."))
    return branch


def presets(today):
    """The ranges a manager looks at most, as (label, first day, last day)."""
    yesterday = today - datetime.timedelta(days=1)
    return [
        (gettext("Today"), today, today),
        (gettext("Yesterday"), yesterday, yesterday),
        (gettext("Last 7 days"), today - datetime.timedelta(days=6), today),
        (gettext("Last 30 days"), today - datetime.timedelta(days=29), today),
    ]


def _rating(value):
    return int(value) if value in {str(r) for r in RATINGS} else None


def now_part(branch):
    """The Now part's first paint, from the live state dashboard.js redraws it from on every message.

    Who is at each counter is the dashboard's own: the public state says only whether someone is.
    """
    now = timezone.now()
    state = branch_state(branch, now)
    began = [service["waiting_since"] for service in state["services"] if service["waiting_since"]]
    staffed = Counter.objects.filter(branch=branch, teller__isnull=False).select_related("teller")
    tellers = {counter.pk: staff_name(counter.teller) for counter in staffed}
    return {
        **state,
        "now": now,
        "alerts": alerts.alerts(state, now),
        "services": [{**service, "over_target": alerts.over_target(service, now)} for service in state["services"]],
        "counters": [{**counter, "teller": tellers.get(counter["id"])} for counter in state["counters"]],
        "tellers": {str(pk): name for pk, name in tellers.items()},
        "waiting_since": min(began, key=datetime.datetime.fromisoformat, default=None),
    }


@login_required
def dashboard(request, slug):
    branch = manager_branch(request, slug)
    today = branch.business_day(timezone.now())
    error = None
    try:
        first, last = stats.date_range(branch, request.GET.get("from"), request.GET.get("to"))
    except stats.InvalidRange as invalid:
        error, first, last = str(invalid), today, today
    rating = _rating(request.GET.get("rating"))
    tally = stats.Tally(branch, first, last)  # the range's tickets, read once for the figures and the charts
    figures = stats.branch_stats(branch, first, last, tally)
    before = stats.previous_range(first, last)
    context = {
        "branch": branch,
        "now": now_part(branch),
        "figures": figures,
        "previous": stats.Tally(branch, *before).totals(),
        "before": before,
        "days": (last - first).days + 1,
        "charts": charts.dashboard_charts(
            figures,
            tally.served_by_hour(),
            stats.arrivals_by_weekday_and_hour(branch, first, last),
            tally.wait_distribution(),
            stats.DISTRIBUTION_STEP // 60,
        ),
        "predictors": predictors.report(branch, timezone.now()),
        "notes": stats.latest_notes(branch, first, last, rating=rating, limit=NOTES_SHOWN),
        "perceived": perceived.perceived_summary(branch, first, last),
        "tellers": care.tellers(branch, first, last),
        "tellers_now": care.tellers_now(branch, timezone.now()),
        "breaks": care.break_totals(branch, first, last),
        "notes_shown": NOTES_SHOWN,
        "rating": rating,
        "ratings": RATINGS,
        "presets": presets(today),
        "today": today,
        "range": f"from={first.isoformat()}&to={last.isoformat()}",
        "first": first,
        "last": last,
        "error": error,
        "printers": printer_states(branch, timezone.now()),
    }
    return render(request, "tickets/dashboard.html", context, status=400 if error else 200)


@login_required
@require_POST
def hold_back_note(request, slug, feedback_id):
    """A manager holds a note back from the tellers (``hold=1``) or lets it through (``hold=0``)."""
    branch = manager_branch(request, slug)
    feedback = get_object_or_404(Feedback, pk=feedback_id, ticket__branch=branch)
    hold = request.POST.get("hold") == "1"
    try:
        actions.hold_back_note(feedback, by=request.user, hold=hold)
    except errors.QueueError as refusal:
        messages.error(request, str(refusal))
    else:
        number = feedback.ticket.number
        if hold:
            done = gettext("The note on %(ticket)s is held back from the tellers.")
        else:
            done = gettext("The note on %(ticket)s is no longer held back.")
        messages.success(request, done % {"ticket": number})
    back = request.POST.get("next", "")
    # Back to the range the manager was reading; only a path of this dashboard, never another site.
    if back.startswith(f"/b/{branch.slug}/stats/"):
        return redirect(back)
    return redirect("dashboard", slug=branch.slug)


@login_required
def feedback_export(request, slug, feedback_id):
    """One ticket's feedback as JSON, for the customer who asked what is kept about their visit."""
    branch = manager_branch(request, slug)
    feedback = get_object_or_404(Feedback, pk=feedback_id, ticket__branch=branch)
    record = privacy.export_feedback(feedback, by=request.user)
    response = JsonResponse(record, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="{branch.slug}-{record["day"]}-{record["ticket"]}-feedback.json"'
    return response


@login_required
@require_POST
def feedback_delete(request, slug, feedback_id):
    """Delete one ticket's feedback at its customer's request (the dashboard asks to confirm first)."""
    branch = manager_branch(request, slug)
    feedback = get_object_or_404(Feedback, pk=feedback_id, ticket__branch=branch)
    ticket = privacy.delete_feedback(feedback, by=request.user)
    messages.success(request, gettext("The feedback on %(number)s is deleted.") % {"number": ticket.number})
    return redirect("dashboard", slug=branch.slug)


# --- CSV ------------------------------------------------------------------------------------------


def _cell(value):
    # A spreadsheet runs a cell that starts with = + - @ as a formula: a customer's note must stay text.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


class _Echo:
    """A file that hands back what is written to it: csv.writer then makes lines to stream."""

    def write(self, value):
        return value


def _csv_response(request, slug, name, header, rows_for):
    branch = manager_branch(request, slug)
    try:
        first, last = stats.date_range(branch, request.GET.get("from"), request.GET.get("to"))
    except stats.InvalidRange as invalid:
        return HttpResponse(str(invalid), status=400, content_type="text/plain; charset=utf-8")
    # Rows are written as they are read, so a year of tickets never sits in memory at once.
    writer = csv.writer(_Echo())
    rows = itertools.chain([header], rows_for(branch, first, last))
    # The byte order mark tells Excel the file is UTF-8, so a note written "très lent" opens as written.
    body = itertools.chain(["\ufeff"], (writer.writerow([_cell(value) for value in row]) for row in rows))
    response = StreamingHttpResponse(body, content_type="text/csv; charset=utf-8")
    filename = f"{branch.slug}-{name}-{first.isoformat()}-{last.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# The columns are keys, not labels: the README lists them as a contract and spreadsheets and scripts read
# them by name, so they stay the same whatever the language of the manager who downloads the file.
TICKET_COLUMNS = [
    "number", "day", "service", "service_name", "status", "priority", "transferred", "issued_at",
    "first_called_at", "called_at", "finished_at", "wait_seconds", "service_seconds", "quoted_wait_seconds",
    "counter", "staff", "staff_name", "recall_count", "rating", "note",
    # Issue 16: how long the wait felt (Feedback.Felt), and whether the note is kept from the tellers.
    "perceived_wait", "note_held_back",
]


def local_time(moment, branch):
    """A moment as the branch's clocks showed it, to the whole second, with its offset (2026-06-10T09:00:00+01:00)."""
    return moment.astimezone(branch.zone).isoformat(timespec="seconds") if moment else None


def share(fraction):
    """A share of 0..1 to four places (0.8333), as a spreadsheet shows it, not a float's sixteen."""
    return None if fraction is None else round(fraction, 4)


def ticket_rows(branch, first, last):
    tickets = (
        stats.in_range(Ticket.objects, branch, first, last)
        .select_related("service", "counter", "finished_by", "feedback")
        .annotate(transferred=Exists(Transfer.objects.filter(ticket=OuterRef("pk"))))
        .order_by("issued_at", "id")
    )
    for ticket in tickets.iterator(chunk_size=2000):
        feedback = getattr(ticket, "feedback", None)
        staff = ticket.finished_by if ticket.finished_by_id else None
        yield [
            ticket.number, ticket.day.isoformat(), ticket.service.code, ticket.service.name, ticket.status,
            ticket.priority, ticket.transferred, local_time(ticket.issued_at, branch),
            local_time(ticket.first_called_at, branch), local_time(ticket.called_at, branch),
            local_time(ticket.finished_at, branch), ticket.wait_seconds, ticket.service_seconds, ticket.quoted_wait,
            ticket.counter.name if ticket.counter_id else None, staff.get_username() if staff else None,
            staff_name(staff) if staff else None, ticket.recall_count,
            feedback.rating if feedback else None, feedback.note if feedback else None,
            (feedback.perceived_wait or None) if feedback else None, feedback.held_back if feedback else None,
        ]


# The outcomes' columns are named as the API names them (no_show, cancelled); the dashboard says the same words.
SUMMARY_COLUMNS = [
    "table", "key", "name", "issued", "served", "no_show", "cancelled", "wait_median_seconds", "wait_p90_seconds",
    "wait_max_seconds", "service_median_seconds", "service_p90_seconds", "service_level",
    "quote_median_abs_error_seconds", "quotes_within_5_min",
]


def summary_rows(branch, first, last):
    figures = stats.branch_stats(branch, first, last)
    tables = [("all", [{"key": "", **figures}])] + [
        (table, [{"key": row[key], **row} for row in figures[f"by_{table}"]])
        for table, key in [("service", "code"), ("counter", "counter"), ("staff", "staff"), ("hour", "hour")]
    ]
    for table, rows in tables:
        for row in rows:
            yield [
                table, row["key"], row.get("name", row["key"]), row["issued"], row["served"], row["no_show"],
                row["cancelled"], row["wait"]["median"], row["wait"]["p90"], row["wait"]["max"],
                row["service_time"]["median"], row["service_time"]["p90"], share(row["service_level"]),
                row["quoted_vs_actual"]["median_abs_error"], share(row["quoted_vs_actual"]["within_5_min"]),
            ]


@login_required
def tickets_csv(request, slug):
    """One row per ticket of the range, with every time and duration (API.md lists the columns)."""
    return _csv_response(request, slug, "tickets", TICKET_COLUMNS, ticket_rows)


@login_required
def summary_csv(request, slug):
    """The dashboard's tables (whole range, per service, counter, staff member and hour) in one file."""
    return _csv_response(request, slug, "summary", SUMMARY_COLUMNS, summary_rows)

"""The audit trail, read: who did what, when, at which counter and on which ticket (models.Operation).

The operations write it themselves (actions._record), in their own transactions; the admin's settings changes
join it here, in the admin's transaction. A branch's managers and superusers read it on its page and as CSV,
filtered by days, counter and member of staff; nobody changes it.
"""

import datetime

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntryManager
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from . import stats
from .dashboard import _csv_response, local_time, manager_branch
from .models import Branch, Counter, Operation

# The page shows a day or a few; the CSV has every row of the range.
ROWS_SHOWN = 500
# A teller's breaks reach managers only as totals per day (issue 16: care.py): the trail keeps who paused
# and resumed, for the bank's auditors (superusers), and shows a branch's managers those rows without the
# name, and none of them when they ask for one member of staff's operations.
BREAKS = [Operation.Kind.PAUSE, Operation.Kind.RESUME]


def _hide_breaks(operations, staff):
    """The trail as a manager reads it: pauses and resumes nameless, and absent from one person's list."""
    operations = operations.exclude(kind__in=BREAKS) if staff else operations
    return operations


def _name(operation, auditor):
    return operation.by_name if auditor or operation.kind not in BREAKS else ""
ADMIN_VERBS = {ADDITION: "Added", CHANGE: "Changed", DELETION: "Deleted"}


def trail(branch, first, last, counter=None, staff=""):
    """The branch's operations of the branch-local days ``first``..``last``, newest first."""
    operations = Operation.objects.filter(
        branch=branch, at__gte=branch.day_start(first), at__lt=branch.day_start(last + datetime.timedelta(days=1))
    )
    if counter is not None:
        operations = operations.filter(counter=counter)
    if staff:
        operations = operations.filter(by_name=staff)
    return operations.order_by("-at", "-id")


def _filters(request, branch):
    """The range, counter and member of staff asked for; raises stats.InvalidRange for a bad range."""
    first, last = stats.date_range(branch, request.GET.get("from"), request.GET.get("to"))
    counter_id = request.GET.get("counter", "")
    counter = Counter.objects.filter(branch=branch, pk=counter_id).first() if counter_id.isdigit() else None
    return first, last, counter, request.GET.get("staff", "")[:150]


@login_required
def audit_page(request, slug):
    branch = manager_branch(request, slug)
    error = None
    try:
        first, last, counter, staff = _filters(request, branch)
    except stats.InvalidRange as invalid:
        today = branch.business_day(timezone.now())
        error, (first, last, counter, staff) = str(invalid), (today, today, None, "")
    auditor = request.user.is_superuser
    operations = trail(branch, first, last, counter, staff).select_related("undone_by")
    if not auditor:
        operations = _hide_breaks(operations, staff)
    rows = list(operations[: ROWS_SHOWN + 1])
    for operation in rows:
        operation.shown_name = _name(operation, auditor)
    context = {
        "branch": branch, "first": first, "last": last, "counter": counter, "staff": staff, "error": error,
        "operations": rows[:ROWS_SHOWN], "more": len(rows) > ROWS_SHOWN, "rows_shown": ROWS_SHOWN,
        "counters": branch.counters.all(),
        "staff_names": Operation.objects.filter(branch=branch).exclude(by_name="")
        .order_by("by_name").values_list("by_name", flat=True).distinct(),
        "query": request.GET.urlencode(),
    }
    return render(request, "tickets/audit.html", context, status=400 if error else 200)


AUDIT_COLUMNS = ["at", "kind", "summary", "counter", "ticket", "staff", "undone_at", "undone_by"]


@login_required
def audit_csv(request, slug):
    """The trail of the range as CSV, through the dashboard's export (its formula guard included)."""

    def rows(branch, first, last):
        _, _, counter, staff = _filters(request, branch)
        auditor = request.user.is_superuser
        operations = trail(branch, first, last, counter, staff).select_related("undone_by")
        for operation in (operations if auditor else _hide_breaks(operations, staff)).iterator(2000):
            yield [
                local_time(operation.at, branch), operation.kind, operation.summary, operation.counter_name,
                operation.ticket_number, _name(operation, auditor), local_time(operation.undone_at, branch),
                operation.undone_by.get_username() if operation.undone_by_id else None,
            ]

    return _csv_response(request, slug, "audit", AUDIT_COLUMNS, rows)


# --- the admin's settings changes -----------------------------------------------------------------


def _where(obj):
    """The branch and counter an object of the admin belongs to, as far as it says."""
    if isinstance(obj, Branch):
        return obj.pk, None
    if isinstance(obj, Counter):
        return obj.branch_id, obj
    return getattr(obj, "branch_id", None), None


def record_admin_changes(user_id, objects, entries):
    """One trail entry per admin log entry: who changed which setting (Django's own words for what changed)."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(pk=user_id).first()
    for obj, entry in zip(objects, entries):
        branch_id, counter = _where(obj)
        what = entry.get_change_message() if entry.action_flag != DELETION else ""
        summary = f"{ADMIN_VERBS.get(entry.action_flag, 'Changed')} {entry.content_type.name} “{entry.object_repr}”"
        Operation.objects.create(
            kind=Operation.Kind.SETTINGS, by=user, by_name=user.get_username() if user else "",
            at=entry.action_time, summary=(f"{summary}: {what}" if what else summary)[:200], branch_id=branch_id,
            counter=counter, counter_name=counter.name if counter else "",
        )


_django_log_actions = LogEntryManager.log_actions


def log_actions(self, user_id, queryset, action_flag, change_message="", *, single_object=False):
    """Django's admin logs every addition, change and deletion through this one method (a single entry with
    save(), several with bulk_create, which sends no signal): the trail is written beside it, in the same
    transaction as the change."""
    objects = list(queryset)
    entries = _django_log_actions(self, user_id, objects, action_flag, change_message, single_object=single_object)
    record_admin_changes(user_id, objects, [entries] if single_object else entries)
    return entries

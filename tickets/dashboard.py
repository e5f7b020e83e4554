"""The manager's dashboard: the branch's figures for a range of days, and what customers wrote."""

import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from . import stats
from .models import Branch, Feedback
from .permissions import is_manager_of
from .state import branch_state


def _day(value, default):
    try:
        return datetime.date.fromisoformat(value) if value else default
    except ValueError:
        return None


@login_required
def dashboard(request, slug):
    branch = get_object_or_404(Branch, slug=slug)
    if not is_manager_of(request.user, branch):
        raise PermissionDenied("Only managers of this branch see its dashboard.")
    today = branch.business_day(timezone.now())
    first = _day(request.GET.get("from"), today)
    last = _day(request.GET.get("to"), first or today)
    error = None
    if first is None or last is None:
        error, first, last = "Dates are written YYYY-MM-DD.", today, today
    elif last < first or (last - first).days > stats.MAX_RANGE_DAYS:
        error, first, last = f"Choose a range of at most {stats.MAX_RANGE_DAYS} days, from before to.", today, today
    feedback = (
        Feedback.objects.filter(ticket__branch=branch, ticket__day__gte=first, ticket__day__lte=last)
        .select_related("ticket__service", "ticket__counter", "ticket__finished_by")
        .prefetch_related("ticket__transfers")
        .order_by("-created_at")
    )
    notes = [(item, stats.wait_seconds(item.ticket), stats.service_seconds(item.ticket)) for item in feedback]
    context = {
        "branch": branch,
        "now": branch_state(branch),
        "figures": stats.branch_stats(branch, first, last),
        "notes": notes,
        "first": first,
        "last": last,
        "error": error,
    }
    return render(request, "tickets/dashboard.html", context, status=400 if error else 200)

"""The teller's console: one counter at a time, every operation a CSRF-protected POST."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from . import actions, errors
from .models import Counter, Service, Ticket
from .permissions import branches_of, is_manager_of, is_staff_of


def _staff_counter(request, counter_id):
    counter = get_object_or_404(Counter.objects.select_related("branch"), pk=counter_id)
    if not is_staff_of(request.user, counter.branch):
        raise PermissionDenied("You are not staff of this branch.")
    return counter


@login_required
def choose_counter(request):
    branches = branches_of(request.user)
    counters = Counter.objects.filter(branch__in=branches).select_related("branch").order_by("branch__name", "name")
    managed = [branch for branch in branches if is_manager_of(request.user, branch)]
    return render(request, "tickets/staff_choose.html", {"counters": counters, "managed": managed})


@login_required
def console(request, counter_id):
    counter = _staff_counter(request, counter_id)
    branch = counter.branch
    now = timezone.now()
    services = counter.services.all()
    context = {
        "counter": counter,
        "current": Ticket.objects.called().filter(counter=counter).select_related("service").first(),
        "waiting": Ticket.objects.in_queue(branch.business_day(now))
        .for_services(services)
        .in_queue_order()
        .select_related("service"),
        "served_today": Ticket.objects.filter(
            counter=counter, status=Ticket.Status.SERVED, finished_at__gte=branch.day_start(branch.business_day(now))
        ).count(),
        "transfer_to": Service.objects.filter(branch=branch, active=True),
        "now": now,
    }
    return render(request, "tickets/staff_console.html", context)


def _transfer(counter, request):
    to_service = Service.objects.filter(branch=counter.branch, code=request.POST.get("service", "")).first()
    if to_service is None:
        raise errors.InvalidTransfer("Choose the service to transfer to.")
    return actions.transfer(counter, to_service, by=request.user)


# What each console button does, and what it says when done.
OPERATIONS = {
    "call-next": (lambda counter, request: actions.call_next(counter, by=request.user), "Called {}."),
    "recall": (lambda counter, request: actions.recall(counter, by=request.user), "Called {} again."),
    "serve": (lambda counter, request: actions.mark_served(counter, by=request.user), "{} served."),
    "no-show": (lambda counter, request: actions.mark_no_show(counter, by=request.user), "{} marked as no-show."),
    "transfer": (_transfer, "{} transferred."),
    "pause": (lambda counter, request: actions.pause_counter(counter), "Counter paused."),
    "resume": (lambda counter, request: actions.resume_counter(counter), "Counter open."),
    "close": (lambda counter, request: actions.close_counter(counter), "Counter closed."),
}


@login_required
@require_POST
def operate(request, counter_id, operation):
    counter = _staff_counter(request, counter_id)
    if operation not in OPERATIONS:
        raise Http404("No such operation.")
    act, done = OPERATIONS[operation]
    try:
        result = act(counter, request)
    except errors.QueueError as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, done.format(getattr(result, "number", "")))
    return redirect("staff-console", counter_id=counter.pk)

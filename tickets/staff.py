"""The teller's console: one counter at a time, every operation a CSRF-protected POST."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy as _
from django.views.decorators.http import require_POST

from . import actions, care, errors
from .models import Counter, Service, staff_name
from .permissions import branches_of, is_manager_of, is_staff_of
from .state import branch_state


def _staff_counter(request, counter_id):
    counter = get_object_or_404(Counter.objects.select_related("branch"), pk=counter_id)
    if not is_staff_of(request.user, counter.branch):
        raise PermissionDenied(gettext("You are not staff of this branch."))
    return counter


@login_required
def choose_counter(request):
    branches = branches_of(request.user)
    counters = (
        Counter.objects.filter(branch__in=branches).select_related("branch", "teller").order_by("branch__name", "name")
    )
    managed = [branch for branch in branches if is_manager_of(request.user, branch)]
    return render(request, "tickets/staff_choose.html", {"counters": counters, "managed": managed})


def console_view(state, counter_id):
    """What one counter's console shows, read from the branch's live state as console.js reads it:
    the counter's row, the tickets its services will call, in call order, and which variants apply."""
    row = next(row for row in state["counters"] if row["id"] == counter_id)
    waiting = [ticket for ticket in state["queue"] if ticket["service"] in row["services"]]
    shown = [
        "serving" if row["serving"] else "idle",
        "open" if row["status"] == Counter.Status.OPEN else "stopped",
        "waiting" if waiting else "nobody",
        pause_variant(row),
    ]
    return {"row": row, "waiting": waiting, "shown": shown}


def pause_variant(row):
    """Which pause the console offers (console.js: pauseVariant): at once between customers, after the
    current one while serving, or none but "keep open" once a pause after this customer is asked."""
    if row["status"] != Counter.Status.OPEN:
        return "no-pause"
    if row["pause_after"]:
        return "pausing"
    return "pause-after" if row["serving"] else "pause-now"


@login_required
def console(request, counter_id):
    counter = _staff_counter(request, counter_id)
    # Opening a counter's console is sitting down at it; if a colleague is there, the console says who.
    taken_by = None
    try:
        counter = actions.sign_in(counter, request.user)
    except errors.CounterStaffed as staffed:
        taken_by = staff_name(staffed.teller)
    branch = counter.branch
    state = branch_state(branch)
    now = timezone.now()
    undoable = actions.undoable(counter, now)
    context = {
        "counter": counter,
        "taken_by": taken_by,
        "branch": branch,
        **console_view(state, counter.pk),
        # Every service by code, the inactive too: a ticket may still wait in a service just switched off.
        "service_names": {service.code: service.name for service in branch.services.all()},
        "transfer_to": Service.objects.filter(branch=branch, active=True),
        "now": now,
        "undoable": undoable,
        "undo_left": undoable and actions.UNDO_SECONDS - (now - undoable.at).total_seconds(),
        # The thanks of whoever looks at this console: theirs alone, never a held-back note.
        "thanks": care.thanks_today(request.user, branch, now),
        "pause_offer": None if taken_by else care.pause_offer(counter, now),
    }
    return render(request, "tickets/staff_console.html", context)


def _transfer(counter, request):
    to_service = Service.objects.filter(branch=counter.branch, code=request.POST.get("service", "")).first()
    if to_service is None:
        raise errors.InvalidTransfer(gettext("Choose the service to transfer to."))
    return actions.transfer(counter, to_service, by=request.user)


# What each console button does, and what it says when done (%(ticket)s: the ticket it acted on; undo's
# %(operation)s: what it took back).
OPERATIONS = {
    "call-next": (lambda counter, request: actions.call_next(counter, by=request.user), None),
    "recall": (lambda counter, request: actions.recall(counter, by=request.user), _("Called %(ticket)s again.")),
    "serve": (lambda counter, request: actions.mark_served(counter, by=request.user), _("%(ticket)s served.")),
    "no-show": (lambda counter, request: actions.mark_no_show(counter, by=request.user), None),
    "transfer": (_transfer, _("%(ticket)s transferred.")),
    "pause": (lambda counter, request: actions.pause_counter(counter, by=request.user), _("Counter paused.")),
    "pause-after": (lambda counter, request: actions.pause_after_customer(counter, by=request.user),
                    _("The counter pauses after this customer.")),
    "keep-open": (lambda counter, request: actions.pause_after_customer(counter, by=request.user, asked=False),
                  _("The counter stays open.")),
    "resume": (lambda counter, request: actions.resume_counter(counter, by=request.user), _("Counter open.")),
    "close": (lambda counter, request: actions.close_counter(counter, by=request.user), None),
    "undo": (lambda counter, request: actions.undo(counter, by=request.user), _("Undone: %(operation)s.")),
    "take-over": (lambda counter, request: actions.sign_in(counter, request.user, take_over=True),
                  _("You are at this counter now.")),
}


@login_required
@require_POST
def operate(request, counter_id, operation):
    counter = _staff_counter(request, counter_id)
    if operation not in OPERATIONS:
        raise Http404(gettext("No such operation."))
    act, done = OPERATIONS[operation]
    try:
        if operation != "take-over":
            actions.sign_in(counter, request.user)  # acting at a counter is working there
        result = act(counter, request)
    except errors.QueueError as refusal:
        messages.error(request, str(refusal))
    else:
        if done is None:  # an operation undo can take back says what it did, as its history does
            # Translators: a sentence made of what a counter just did, e.g. "A007 called to counter 2".
            done = gettext("%(operation)s.") % {"operation": counter.operations.undoable().first().summary}
        elif operation == "undo":
            done = done % {"operation": result.summary}
        else:
            done = done % {"ticket": getattr(result, "number", "")}
        messages.success(request, done)
    return redirect("staff-console", counter_id=counter.pk)


@login_required
@require_POST
def leave(request, counter_id):
    """The teller gets up: the counter pauses if nobody is at it, and they choose another or sign out."""
    counter = actions.leave_counter(_staff_counter(request, counter_id), request.user)
    if counter.status == Counter.Status.PAUSED:
        left = gettext("You left counter %(counter)s. It is paused.")
    else:
        left = gettext("You left counter %(counter)s.")
    messages.success(request, left % {"counter": counter.name})
    return redirect("staff")

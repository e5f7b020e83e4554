"""The customers' pages: branches, kiosk, phone kiosk, printed ticket, phone page.

Server-rendered and usable without JavaScript; each view checks who asks, parses, calls one action, answers.
"""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST

from . import actions, errors, languages, look
from .forms import FeedbackForm, TicketForm
from .models import Branch, Logo, Ticket
from .qr import qr_svg
from .ratelimit import TicketLimit
from .state import branch_state, has_passed, ticket_state


@cache_control(max_age=300, public=True)
def branch_look(request, slug):
    """The branch's colour as a stylesheet (tickets/look.py): the pages may load no inline style."""
    return HttpResponse(look.stylesheet(get_object_or_404(Branch, slug=slug)), content_type="text/css")


@cache_control(max_age=300, public=True)
def branch_logo(request, slug):
    """The bank's logo, as the image it was uploaded as; an image is never run as a script, SVG included."""
    logo = get_object_or_404(Logo, branch__slug=slug)
    return HttpResponse(bytes(logo.image), content_type=logo.content_type)


def index(request):
    return render(request, "tickets/index.html", {"branches": Branch.objects.all()})


def _take_ticket(request, branch, template, next_page, then=None, own_device=False):
    """The kiosk and the phone kiosk: choose a service, take its next number, in the language chosen on the
    page (the ticket keeps it).

    ``then(ticket)``, if given, answers once the ticket is taken, instead of the redirect to ``next_page``."""
    chosen = request.POST.get("lang") or request.GET.get("lang", "")
    language = languages.for_customer(request, branch, chosen, own_device)
    with translation.override(language):
        return _take_ticket_in(request, branch, template, next_page, then, language)


def _take_ticket_in(request, branch, template, next_page, then, language):
    form = TicketForm(branch, request.POST or None)
    context = {"branch": branch, "form": form, "language_choices": languages.choices(branch),
               "switch_url": request.path}
    if request.method == "POST":
        limit = TicketLimit(request, branch)
        wait = limit.refused()
        if wait:
            form.add_error(None, gettext("Too many tickets from this kiosk in the last minute: please wait a moment."))
            return _refused(request, template, context, wait)
        if form.is_valid():
            try:
                ticket = actions.issue_ticket(form.cleaned_data["service"], priority=form.cleaned_data["priority"],
                                              language=language, channel=limit.channel)
            except errors.TooManyWaiting as full:
                form.add_error(None, str(full))
                return _refused(request, template, context, full.retry_after)
            except errors.QueueError as refusal:
                form.add_error(None, str(refusal))
            else:
                limit.count()
                return then(ticket) if then else redirect(next_page, token=ticket.token)
    return render(request, template, {**context, "state": branch_state(branch)}, status=400 if form.errors else 200)


def _refused(request, template, context, retry_after):
    response = render(request, template, {**context, "state": branch_state(context["branch"])}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def kiosk(request, slug):
    return _take_ticket(request, get_object_or_404(Branch, slug=slug), "tickets/kiosk.html", "ticket-print")


def take_ticket_at_kiosk(request, branch, then):
    """The kiosk's page for a kiosk of printing/: the same page and rules, then ``then(ticket)`` answers
    (it prints the ticket on the kiosk's own printer, once the ticket is committed)."""
    return _take_ticket(request, branch, "tickets/kiosk.html", None, then)


def join(request, slug):
    return _take_ticket(request, get_object_or_404(Branch, slug=slug), "tickets/join.html", "ticket", own_device=True)


def _holder_ticket(token):
    return get_object_or_404(Ticket.objects.select_related("branch", "service", "counter"), token=token)


def _ticket_context(request, ticket):
    phone_url = request.build_absolute_uri(f"/t/{ticket.token}/")
    now = timezone.now()
    return {"ticket": ticket, "state": ticket_state(ticket, now), "now": now, "phone_url": phone_url,
            "qr": qr_svg(phone_url)}


# How long the kiosk shows "Your number is ..." before it is ready for the next customer: time to read the
# number and take the paper. A timer, because no printer reliably says it has finished (print.js).
KIOSK_RETURN_SECONDS = 10


def print_context(request, ticket, kiosk_url):
    """What the printed ticket says (print.html): the browser's print page and a kiosk's own thermal printer
    (printing/layout.py) print the same ticket from it."""
    context = _ticket_context(request, ticket)
    context.update(kiosk_url=kiosk_url, return_after=KIOSK_RETURN_SECONDS)
    return context


def ticket_print(request, token):
    ticket = _holder_ticket(token)
    with translation.override(languages.of_ticket(ticket)):
        # The kiosk goes back to its branch's first language for the next customer.
        context = print_context(request, ticket, f"/b/{ticket.branch.slug}/kiosk/")
        return render(request, "tickets/print.html", context)


# One person ahead, or none: the phone says "almost your turn" (ticket.js: ALMOST).
ALMOST = 2


def ticket_shows(state, now, confirming=False):
    """Which variants of the phone page apply: its state, what the holder may do, whether their turn is
    near, whether the wait has passed the range told and whether its service is behind its target
    (ticket.js: shows). ``confirming``: "I'm leaving" was pressed once, and asks before it cancels."""
    over = state["expired"] or state["status"] in Ticket.CLOSED_STATUSES
    waiting = state["status"] == Ticket.Status.WAITING and not state["expired"]
    if waiting:
        action = "confirm" if confirming else "cancel"
    elif state["has_feedback"]:
        action = "thanked"
    else:
        # Someone who left did not have a visit to rate.
        action = "feedback" if over and state["status"] != Ticket.Status.CANCELLED else None
    shown = ["expired" if state["expired"] else state["status"], action]
    if waiting and state["position"] and state["position"] <= ALMOST:
        shown.append("almost")
    if waiting and has_passed(state["quote_ends_at"], now):
        shown.append("past-quote")
    if waiting and state["service_moves"] and has_passed(state["service_moves"]["behind_target_at"], now):
        shown.append("busier")
    return shown



def _ticket_page(request, ticket, form, status=200, confirming=False):
    with translation.override(languages.of_ticket(ticket)):
        context = _ticket_context(request, ticket)
        context.update(form=form or FeedbackForm(), shown=ticket_shows(context["state"], context["now"], confirming),
                       language_choices=languages.choices(ticket.branch), switch_method="post",
                       switch_url=reverse("ticket-language", kwargs={"token": ticket.token}))
        return render(request, "tickets/ticket.html", context, status=status)


@require_POST
def ticket_language(request, token):
    """The phone page's language switch: the page, and what the ticket is sent, in the language chosen."""
    ticket = _holder_ticket(token)
    with translation.override(languages.of_ticket(ticket)):
        try:
            actions.choose_language(ticket, request.POST.get("lang", ""))
        except errors.QueueError as refusal:
            messages.error(request, str(refusal))
    return redirect("ticket", token=token)


def ticket(request, token):
    return _ticket_page(request, _holder_ticket(token), FeedbackForm())


@require_POST
def ticket_cancel(request, token):
    """ "I'm leaving" asks once: without ``confirm=yes`` the page asks, and nothing changes."""
    ticket = _holder_ticket(token)
    if request.POST.get("confirm") != "yes":
        if ticket.status == Ticket.Status.WAITING and not ticket.is_expired(timezone.now()):
            return _ticket_page(request, ticket, FeedbackForm(), confirming=True)
        with translation.override(languages.of_ticket(ticket)):
            messages.error(request, gettext("This ticket is no longer waiting: there is nothing to cancel."))
        return redirect("ticket", token=token)
    try:
        with translation.override(languages.of_ticket(ticket)):
            actions.cancel(ticket)
    except errors.QueueError as refusal:
        messages.error(request, str(refusal))
    # Cancelled: the page itself says so, once.
    return redirect("ticket", token=token)


@require_POST
def ticket_feedback(request, token):
    ticket = _holder_ticket(token)
    with translation.override(languages.of_ticket(ticket)):
        return _give_feedback(request, ticket)


def _give_feedback(request, ticket):
    token = ticket.token
    form = FeedbackForm(request.POST)
    if form.is_valid():
        try:
            actions.record_feedback(
                ticket, rating=form.cleaned_data["rating"], note=form.cleaned_data["note"],
                perceived_wait=form.cleaned_data["perceived_wait"],
            )
        except errors.QueueError as refusal:
            # Shown as a message, not on the form: once feedback exists the form is no longer on the page.
            messages.error(request, str(refusal))
        else:
            # The page thanks them itself (its "thanked" variant): one thank-you, not a message besides.
            return redirect("ticket", token=token)
    # Show the form again with what the customer typed, so nothing they wrote is lost.
    return _ticket_page(request, ticket, form, status=400)

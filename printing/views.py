"""A kiosk's own pages: the kiosk at /b/<branch>/kiosk/<kiosk>/, and the confirmation it shows after a tap.

The ticket is issued (and committed) first, by the kiosk's usual page; only then is it printed, on the
kiosk's thermal printer or by its browser. The confirmation says which of the two the customer should
expect: their paper, or, when the printer failed, the QR code to take the ticket on their phone instead.
"""

from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from django.utils import translation

from tickets import languages, views
from tickets.models import Ticket

from .models import Kiosk
from .printer import print_ticket

# A customer told to scan instead needs longer than one reading their number and taking their paper.
FALLBACK_RETURN_SECONDS = 30


def kiosk(request, slug, kiosk):
    kiosk = get_object_or_404(Kiosk.objects.select_related("branch"), branch__slug=slug, slug=kiosk)

    def print_then_confirm(ticket):
        confirmation = reverse("kiosk-ticket", kwargs={"token": ticket.token, "kiosk": kiosk.slug})
        if kiosk.prints_itself and not print_ticket(kiosk, views.print_context(request, ticket, kiosk.get_absolute_url())):
            confirmation += "?printer=failed"
        return redirect(confirmation)

    return views.take_ticket_at_kiosk(request, kiosk.branch, print_then_confirm)


def kiosk_ticket(request, token, kiosk):
    """After the tap: the number, full screen, and what the printer did (or the browser's print dialog)."""
    ticket = get_object_or_404(Ticket.objects.select_related("branch", "service", "counter"), token=token)
    kiosk = get_object_or_404(Kiosk, branch=ticket.branch, slug=kiosk)
    with translation.override(languages.of_ticket(ticket)):
        return _confirmation(request, ticket, kiosk)


def _confirmation(request, ticket, kiosk):
    context = views.print_context(request, ticket, kiosk.get_absolute_url())
    if kiosk.prints_itself:
        # Said by the redirect that printed it: a reload of this page never prints again.
        context["printer"] = "failed" if request.GET.get("printer") == "failed" else "printed"
        if context["printer"] == "failed":
            context["return_after"] = FALLBACK_RETURN_SECONDS
    return render(request, "tickets/print.html", context)

"""A kiosk's own pages: the kiosk at /b/<branch>/kiosk/<kiosk>/, and the confirmation it shows after a tap.

The ticket is issued (and committed) first, by the kiosk's usual page; only then is it printed, on the
kiosk's thermal printer or by its browser. The confirmation says which of the two the customer should
expect: their paper, or, when the printer failed, the QR code to take the ticket on their phone instead.
"""

from django import forms
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from django.utils import translation

from tickets import languages, views
from tickets.models import Ticket

from .models import KEY_COOKIE, Kiosk, hash_key
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


# The kiosk keeps its key for as long as its browser keeps cookies: a registration is done once, by a technician.
KEY_COOKIE_SECONDS = 10 * 365 * 24 * 3600


class KeyForm(forms.Form):
    key = forms.CharField(label=_("Device key"), max_length=100, widget=forms.PasswordInput,
                          help_text=_("As the admin showed it when the key was made."))


def register(request, slug, kiosk):
    """Register this browser as the kiosk: the device key typed once here (never in an address, which logs
    would keep) is kept in a long-lived cookie, and the kiosk page then has the kiosk's own ticket limit."""
    kiosk = get_object_or_404(Kiosk.objects.select_related("branch"), branch__slug=slug, slug=kiosk)
    form = KeyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if kiosk.key_hash and hash_key(form.cleaned_data["key"]) == kiosk.key_hash:
            response = redirect(kiosk.get_absolute_url())
            response.set_cookie(KEY_COOKIE, form.cleaned_data["key"], max_age=KEY_COOKIE_SECONDS,
                                httponly=True, samesite="Lax", secure=request.is_secure())
            return response
        form.add_error("key", _("This is not the device key of %(kiosk)s.") % {"kiosk": kiosk.name})
    status = 400 if form.errors else 200
    return render(request, "printing/register.html", {"kiosk": kiosk, "form": form}, status=status)

"""Sign-in that guessing cannot wear down: failed attempts are limited per account and per address.

A counter PC is shared and a staff list is easy to guess, so after ``SIGN_IN_FAILURES_PER_ACCOUNT`` failed
attempts on one account, or ``SIGN_IN_FAILURES_PER_ADDRESS`` from one address, within 15 minutes, the
sign-in page refuses (with a message saying so and for how long) before any password is checked; the
window's end lifts it. A successful sign-in clears the account's count. The same form guards the admin's
sign-in. Counted in the shared cache (tickets/ratelimit.py), per process while it is unreachable.
"""

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from queuesite.clients import client_address
from tickets import ratelimit

WINDOW_SECONDS = 15 * 60
# Whole sentences, one for each limit, so that each language words them its own way.
LOCKED_ACCOUNT = _(
    "Too many failed sign-ins for this account: sign-in is locked for up to 15 minutes. "
    "Ask your manager if you have forgotten your password."
)
LOCKED_DEVICE = _(
    "Too many failed sign-ins from this device: sign-in is locked for up to 15 minutes. "
    "Ask your manager if you have forgotten your password."
)


class LimitedSignIn:
    """What both sign-in forms add to Django's: the limits, checked first, and the failures counted."""

    def clean(self):
        account = f"sign-in:account:{(self.cleaned_data.get('username') or '').casefold()}"
        address = f"sign-in:address:{client_address(self.request)}" if self.request else None
        if ratelimit.hits(account, WINDOW_SECONDS) >= settings.SIGN_IN_FAILURES_PER_ACCOUNT:
            raise forms.ValidationError(LOCKED_ACCOUNT, code="locked")
        if address and ratelimit.hits(address, WINDOW_SECONDS) >= settings.SIGN_IN_FAILURES_PER_ADDRESS:
            raise forms.ValidationError(LOCKED_DEVICE, code="locked")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            ratelimit.hit(account, WINDOW_SECONDS)
            if address:
                ratelimit.hit(address, WINDOW_SECONDS)
            raise
        ratelimit.forget(account, WINDOW_SECONDS)
        return cleaned


class SignInForm(LimitedSignIn, AuthenticationForm):
    pass


class AdminSignInForm(LimitedSignIn, AdminAuthenticationForm):
    pass

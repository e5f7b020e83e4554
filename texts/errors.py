"""Why a number was refused; ``str(error)`` is the message the phone page shows."""

from django.utils.translation import gettext as _


class TextsError(Exception):
    pass


class InvalidNumber(TextsError):
    def __init__(self):
        super().__init__(_("That does not look like a mobile number: write it with its country code, e.g. +351 912 345 678."))


class TicketClosed(TextsError):
    def __init__(self):
        super().__init__(_("This ticket is no longer in the queue, so there is nothing to text you about."))

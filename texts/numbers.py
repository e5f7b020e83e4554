"""A customer's mobile number, as typed, to the international form the gateways take (E.164)."""

import re

from django.conf import settings

from .errors import InvalidNumber

# What people type between the digits: spaces, dashes, dots, brackets.
SEPARATORS = re.compile(r"[\s().\-]")
E164 = re.compile(r"\+[1-9][0-9]{7,14}")


def normalized(typed):
    """``+`` and 8-15 digits, or InvalidNumber. ``00`` is the international prefix; a number beginning with
    one ``0`` is national, and takes TEXTS_COUNTRY_CODE when the branch's country is set."""
    number = SEPARATORS.sub("", typed or "")
    if number.startswith("00"):
        number = "+" + number[2:]
    elif number.startswith("0") and settings.TEXTS_COUNTRY_CODE:
        number = settings.TEXTS_COUNTRY_CODE + number[1:]
    if not E164.fullmatch(number):
        raise InvalidNumber()
    return number

"""Which language a customer's screen speaks, in one place.

A branch offers its languages, the default first (Branch.languages). The kiosk starts in the branch's
default (it is everyone's, its browser's language is nobody's); the phone's join page in the phone's own
language when the branch offers it, else in the default; either may be switched; a ticket keeps the language it was taken in (Ticket.language), and its printed paper, its phone page
and its texts speak that one. Staff pages are not decided here: they follow the browser, or the language
picked in their top bar (Django's LocaleMiddleware and set_language).
"""

from django.utils.translation import get_language_info
from django.utils.translation.trans_real import parse_accept_lang_header


def name(code):
    """A language as its own speakers name it: "Português", "繁體中文", never a flag."""
    return get_language_info(code)["name_local"]


def is_right_to_left(code):
    return get_language_info(code)["bidi"]


def choices(branch):
    """The languages a customer may switch between, as (code, own name), the default first."""
    return [(code, name(code)) for code in branch.language_codes]


def _browser_choice(request, offered):
    for code, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        code = code.lower()
        for candidate in (code, code.split("-")[0]):
            # A Taiwanese or Hong Kong phone says zh-TW or zh-HK: both read Traditional Chinese.
            if candidate in ("zh-tw", "zh-hk", "zh-mo"):
                candidate = "zh-hant"
            if candidate == "tl":  # Tagalog, the base of Filipino, as many phones still name it
                candidate = "fil"
            if candidate in offered:
                return candidate
    return None


def for_customer(request, branch, chosen="", own_device=False):
    """The language of a kiosk or join page: the one chosen on it, the phone's own (``own_device``), or the
    branch's default."""
    offered = branch.language_codes
    if chosen in offered:
        return chosen
    return (own_device and _browser_choice(request, offered)) or offered[0]


def of_ticket(ticket):
    """A ticket's language: the one it was taken in, while its branch still offers it."""
    offered = ticket.branch.language_codes
    return ticket.language if ticket.language in offered else offered[0]


"""The bank's own look on the customers' screens: its name, its logo and its colour, set per branch.

The colour reaches the pages as a stylesheet of its own (/b/<branch>/look.css), since the Content-Security-
Policy allows no inline style; the logo is served as an image (/b/<branch>/logo), which a browser never runs
as a script, SVG included. The text on the colour is white or near-black, whichever reads better (WCAG's
contrast), so no colour a bank chooses makes its buttons unreadable.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext

LOGO_MAX_BYTES = 200 * 1024
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}\Z")


def validate_colour(value):
    if value and not COLOUR.match(value):
        raise ValidationError(gettext("%(value)r is not a colour written #RRGGBB, such as #0a4d8c.") % {"value": value})


def _luminance(colour):
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a, b):
    lighter, darker = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def ink_for(colour):
    """The text colour on ``colour``: white, or near-black where white would read worse."""
    return "#ffffff" if contrast(colour, "#ffffff") >= contrast(colour, "#111111") else "#111111"


def stylesheet(branch):
    """The branch's colour as the design system's own variables (static/css/frontline.css: --brand)."""
    if not branch.brand_colour:
        return ""
    return f":root {{ --brand: {branch.brand_colour}; --brand-ink: {ink_for(branch.brand_colour)}; }}\n"


def logo_type(data):
    """The image type of an uploaded logo's bytes, or a ValidationError: PNG, JPEG or SVG, at most 200 KB."""
    if len(data) > LOGO_MAX_BYTES:
        raise ValidationError(gettext("A logo of at most %(size)s KB, please.") % {"size": LOGO_MAX_BYTES // 1024})
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    head = data[:1024].lstrip().lower()
    if head.startswith((b"<?xml", b"<svg")) and b"<svg" in data[:4096].lower():
        return "image/svg+xml"
    raise ValidationError(gettext("The logo must be a PNG, JPEG or SVG image."))

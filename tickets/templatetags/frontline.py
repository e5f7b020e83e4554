import datetime

from django import template
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html, json_script
from django.utils.safestring import mark_safe

from tickets import languages as languages_of
from tickets import stats, words
from tickets.models import Logo, staff_name
from tickets.state import has_passed

register = template.Library()

minutes = register.filter("minutes", words.minutes)
about = register.filter("about", words.about)
behind = register.filter("behind", words.behind)
ahead = register.filter("ahead", words.ahead)
span = register.filter("span", words.span)


@register.simple_tag
def say(key, **values):
    """``{% say "position" n=3 %}``: a phrase of tickets/words.py, the one the page's script says too."""
    return words.say(key, **values)


@register.simple_tag
def words_json(languages=None):
    """The vocabulary for the page's scripts, as data (no inline script runs: see STYLE.md rule 12): in the
    page's language, or in each of ``languages`` (the lobby display shows all its branch's), its own first."""
    return json_script(words.words_for(languages or [translation.get_language()]), "words")


def _branch_of(context):
    """The branch a customer's page is about: its own, or its ticket's."""
    branch = context.get("branch")
    ticket = context.get("ticket")
    return branch or (ticket.branch if ticket else None)


@register.simple_tag(takes_context=True)
def branch_look(context):
    """``{% branch_look %}`` in <head>: the bank's colour (tickets/look.py), for a branch that has one."""
    branch = _branch_of(context)
    if not branch or not getattr(branch, "brand_colour", ""):
        return ""
    return format_html('<link rel="stylesheet" href="{}?v={}">', reverse("branch-look", args=[branch.slug]),
                       branch.brand_colour.lstrip("#"))


@register.simple_tag(takes_context=True)
def bank_logo(context):
    """``{% bank_logo %}``: the bank's logo and name where its customers look first (kiosk, TV, phone, paper)."""
    branch = _branch_of(context)
    if not branch:
        return ""
    version = Logo.objects.filter(branch=branch).values_list("version", flat=True).first()
    if not (branch.bank_name or version):
        return ""
    image = format_html('<img src="{}?v={}" alt="{}">', reverse("branch-logo", args=[branch.slug]),
                        version, branch.bank_name) if version else ""
    name = format_html('<span class="bank-name">{}</span>', branch.bank_name) if branch.bank_name and not image else ""
    return format_html('<p class="bank">{}{}</p>', image, name)


@register.simple_tag
def say_in(languages, key, **values):
    """``{% say_in languages "now_calling" %}``: a phrase in each of the screen's languages, the first as the
    line to read and the others under it (display.js: sayIn draws the same)."""
    lines = []
    for code in languages:
        with translation.override(code):
            lines.append(format_html('<span class="in-language" lang="{}" dir="{}">{}</span>', code,
                                     "rtl" if languages_of.is_right_to_left(code) else "ltr", words.say(key, **values)))
    return mark_safe("".join(lines))


@register.filter
def status_word(status):
    return words.WORDS["counter_status"].get(status, status)


@register.filter
def mark(row):
    """" · transferred" or " · priority" after a waiting ticket's service (a queue row of branch_state);
    nothing for no row (the empty row a page's <template> gives its script)."""
    return words.ticket_mark(row["transferred"], row["priority"]) if row else ""


@register.filter
def service_name(code, names):
    """A service's name from its code, the code itself for a service the page was not told of (console.js: nameOf)."""
    return names.get(code, code) if code else ""


@register.filter
def percent(fraction):
    return "–" if fraction is None else f"{fraction * 100:.0f}%"


@register.filter
def since(moment, now):
    """Seconds from ``moment`` (a datetime, or the ISO text the live state carries) to ``now``."""
    if not moment or not now:
        return None
    if isinstance(moment, str):
        moment = datetime.datetime.fromisoformat(moment)
    return (now - moment).total_seconds()


@register.filter
def get_key(row, key):
    return row.get(key) if row else None


@register.simple_tag
def when(shown, names):
    """``{% when shown "serving" %}``: marks a variant the script shows or hides (Frontline.show), hidden now
    unless one of its space-separated ``names`` is in ``shown``, so the first paint follows the script's rule."""
    hidden = not set(names.split()) & set(shown)
    return format_html('data-when="{}"{}', names, mark_safe(" hidden") if hidden else "")


@register.filter(name="staff_name")
def staff_name_filter(user):
    """A member of staff as colleagues name them (models.staff_name)."""
    return staff_name(user)


@register.filter
def time_at(moment, branch):
    """The time of day of ``moment`` in the branch's zone, 24-hour."""
    return moment.astimezone(branch.zone).strftime("%H:%M")


@register.filter
def outcome(status):
    """What became of a ticket in people's words (tickets/words.py): "no-show" for the API's ``no_show``."""
    return words.WORDS["outcome"][status]


@register.filter
def band_word(label):
    """A wait band of stats.WAIT_BANDS as the dashboard says it ("under 5 min"), in the page's language."""
    return stats.WAIT_BAND_WORDS.get(label, label)


@register.filter
def moved(call_times, now):
    """``{{ times|moved:now }}``: how the queue moved in the last 10 minutes (words.moved)."""
    return words.moved(call_times or [], now)

passed = register.filter("passed", has_passed)

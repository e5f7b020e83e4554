"""The words the live screens say, in one place: the templates render them and the scripts are given them.

A page draws its first paint with these phrases and passes the same dict to its script
(``{% words_json %}`` in base.html), so a screen redrawn from a websocket message says exactly what a fresh
load says. Placeholders are ``{name}`` fields, filled by ``say`` here and by ``Frontline.say`` in live.js.
Each phrase is in Django's gettext, so a page and its script speak the page's language (``words_for``
gives a script the phrases of every language its screen shows). A phrase with a count is a ``Plural``: gettext
chooses its form on the server, and the script is given each form and which one each count takes.
"""

import math

from django.utils import translation
from django.utils.translation import get_language_info, gettext_lazy as _, ngettext


class Plural:
    """A phrase whose words follow the count ``n``: "1 person behind you", "2 people behind you".

    Its two English forms are gettext's msgid and msgid_plural (the project's makemessages knows
    ``Plural`` as a keyword); a language may have one form (Chinese) or six (Arabic)."""

    # Up to this count the script is told each count's form; above it, a count takes the form of the one
    # with the same last two digits past 100. Every gettext plural rule in use (CLDR's included) decides by
    # n, n % 10 and n % 100 only, and treats every n >= 100 by its last two digits.
    TOLD = 200

    def __init__(self, singular, plural):
        self.singular, self.plural = singular, plural

    def format(self, n, **values):
        return ngettext(self.singular, self.plural, n).format(n=n, **values)

    def for_script(self):
        """``{"forms": [...], "of": "0111..."}``: the language's forms, and the form of each count below TOLD."""
        said = [ngettext(self.singular, self.plural, n) for n in range(self.TOLD)]
        forms = list(dict.fromkeys(said))
        return {"forms": forms, "of": "".join(str(forms.index(form)) for form in said)}

WORDS = {
    # Durations, as people say them.
    "unknown": "–",  # a dash is no word: the same in every language
    "under_a_minute": _("under 1 min"),
    "minutes": _("{minutes} min"),
    "hours": _("{hours} h {minutes} min"),  # minutes zero-padded: "1 h 05 min"
    "about": _("about {duration}"),
    # A wait told as a range (tickets/predictors.py: wait_range).
    "range_minutes": _("{low}-{high} min"),
    "range": _("{low} to {high}"),
    "up_to": _("up to {duration}"),
    # The phone.
    "position": _("You are number {n} in line"),
    "your_turn_title": _("Your turn: counter {counter}"),
    "served": _("You have been served at counter {counter}."),
    "no_show": _("You were called to counter {counter} but we missed you. Please take a new ticket if you still need us."),
    "almost": _("Almost your turn: please stay near the counters."),
    "behind_none": _("Nobody behind you yet"),
    "behind": Plural("{n} person behind you", "{n} people behind you"),
    "past_quote": _("We're sorry: this is taking longer than the {quoted} we told you. New estimate: {estimate}."),
    "moved_none": _("Nobody called in the last 10 minutes"),
    "moved": Plural("{n} person called in the last 10 minutes", "{n} people called in the last 10 minutes"),
    "passed_priority": _("A priority customer went ahead of you."),
    "passed_transfer": _("A customer sent on from another service went ahead of you: they had waited already."),
    "busier": _("{service} is busier than usual: the manager has been told."),
    "leave": _("I'm leaving"),
    "leave_ask": _("Leave the queue? Your place goes to the next person, and this ticket cannot be used again."),
    "leave_yes": _("Yes, cancel my ticket"),
    "leave_keep": _("No, keep my place"),
    "cancelled": _("This ticket is cancelled."),
    "cancelled_note": _("Thank you for letting us know. Please take a new ticket if you need us later."),
    "thanked": _("Thank you for your feedback."),
    # The lobby display.
    "now_calling": _("Now calling"),
    "welcome": _("Welcome"),
    "take_a_ticket": _("Please take a ticket"),
    "wait_for_your_number": _("Please wait for your number"),
    "at_the_counters": _("At the counters"),
    "waiting": _("Waiting"),
    "take_with_phone": _("Take a ticket with your phone"),
    # The call as the display says it aloud (display.js: spoken): the number letter by letter, digit by
    # digit, then the counter. "digits" are said in place of 0-9 where the branch prefers words.
    "spoken_call": _("Ticket {number}, counter {counter}"),
    "digits": _("zero one two three four five six seven eight nine"),
    # The kiosk, its confirmation screen and the paper ticket it prints.
    "kiosk_welcome": _("Welcome to {branch}"),
    "kiosk_tap": _("Tap the service you need"),
    "kiosk_waiting": Plural("{n} waiting", "{n} waiting"),
    "kiosk_priority": _("Priority"),
    "kiosk_priority_who": _("seniors, disabled, pregnant"),
    "kiosk_priority_on": _("On"),
    "kiosk_priority_off": _("Off"),
    "kiosk_priority_ticket": _("priority ticket"),
    "kiosk_your_number": _("Your number is"),
    "kiosk_take_your_ticket": _("Take your ticket below"),
    "kiosk_ahead": Plural("{n} ahead of you", "{n} ahead of you"),
    "kiosk_next": _("You are next"),
    "kiosk_no_paper": _("No ticket? Scan to follow on your phone"),
    "kiosk_done": _("Done"),
    "kiosk_printer_failed": _("The printer is not working: take your ticket on your phone instead"),
    "kiosk_scan_instead": _("Scan this code: your ticket opens on your phone, and your place is kept"),
    "ticket_people_ahead": _("People ahead"),
    "ticket_estimated_wait": _("Estimated wait"),
    "ticket_watch": _("Watch the screen or follow on your phone"),
    "ticket_scan": _("Scan to follow your turn and leave a note"),
    # The console and the dashboard.
    "counter": _("Counter {name}"),
    "priority": _(" · priority"),
    "transferred": _(" · transferred"),
    "waiting_for_counter": _("Waiting for this counter ({n})"),
    # How often the customer at the counter was called again: a teller sees at once who is not coming.
    "recalled": Plural(" · called again {n} time", " · called again {n} times"),
    "resume": _("Resume"),
    "open_counter": _("Open counter"),
    "counter_status": {"open": _("open"), "paused": _("paused"), "closed": _("closed")},
    # What became of a ticket, as people read it on the dashboard, in its CSV and in the admin; the API's
    # status values are the keys.
    "outcome": {"waiting": _("waiting"), "called": _("called"), "served": _("served"), "no_show": _("no-show"),
                "cancelled": _("cancelled")},
    "nobody_signed_in": _("nobody signed in"),
    "someone_signed_in": _("a teller signed in"),
    "alert_over_target": _("{service}: the longest wait is {wait}, over the {target} target"),
    "alert_idle_one": _("{service}: {n} waiting while counter {counters} stands idle"),
    "alert_idle_many": _("{service}: {n} waiting while counters {counters} stand idle"),
    "alert_unstaffed": _("Counter {counter} is open with nobody signed in"),
}


def say(key, **values):
    """The phrase ``key`` with its placeholders filled (a Plural by its ``n``)."""
    return WORDS[key].format(**values)


def _for_script(phrase):
    if isinstance(phrase, Plural):
        return phrase.for_script()
    if isinstance(phrase, dict):
        return {key: str(value) for key, value in phrase.items()}
    return str(phrase)


def words_for(languages):
    """The phrases of each of ``languages`` for a page's scripts: ``{"languages": [...], code: {key: phrase}}``,
    the page's own language first (live.js: Frontline.say)."""
    given = {"languages": list(languages),
             "directions": {code: "rtl" if get_language_info(code)["bidi"] else "ltr" for code in languages}}
    for code in languages:
        with translation.override(code):
            given[code] = {key: _for_script(phrase) for key, phrase in WORDS.items()}
    return given


def minutes(seconds):
    """Seconds as a person says them: "under 1 min", "12 min", "1 h 05 min"; a dash when unknown."""
    if seconds is None or seconds == "":
        return WORDS["unknown"]
    seconds = int(seconds)
    if seconds < 60:
        return WORDS["under_a_minute"]
    # Half a minute rounds up, as people (and the scripts' Math.round) do: Python's round() would say
    # "2 min" for 150 s where a redrawn screen says "3 min".
    hours, mins = divmod(math.floor(seconds / 60 + 0.5), 60)
    if hours:
        return say("hours", hours=hours, minutes=f"{mins:02d}")
    return say("minutes", minutes=mins)


def about(seconds):
    """An estimate as said aloud: "about 12 min"; "under 1 min" and the dash are said as they are."""
    if seconds is None or seconds == "" or int(seconds) < 60:
        return minutes(seconds)
    return say("about", duration=minutes(seconds))


def span(wait_range):
    """A range of seconds as people say it: "8-14 min", "up to 3 min", "50 min to 1 h 10 min" (live.js: span)."""
    if not wait_range:
        return WORDS["unknown"]
    low, high = wait_range
    if high <= 60:
        return WORDS["under_a_minute"]
    if low == 0:
        return say("up_to", duration=minutes(high))
    if high < 3600:
        return say("range_minutes", low=round(low / 60), high=round(high / 60))
    return say("range", low=minutes(low), high=minutes(high))


def moved(call_times, now):
    """How the queue moved: its calls of the last 10 minutes (state.recent_call_times), as the phone says it."""
    n = sum(1 for moment in call_times if moment > now.timestamp() - 600)
    return say("moved", n=n) if n else WORDS["moved_none"]


def ahead(position):
    """The people before a waiting ticket as the kiosk says it: "You are next", "3 ahead of you"."""
    if not position:
        return WORDS["unknown"]
    return WORDS["kiosk_next"] if position == 1 else say("kiosk_ahead", n=position - 1)


def behind(n):
    """The people after a waiting ticket in its service, as the phone says them (ticket.js: behind)."""
    return say("behind", n=n) if n else WORDS["behind_none"]


def ticket_mark(transferred, priority):
    """What follows a waiting ticket's service: a transfer is said before priority, as the queue orders them."""
    if transferred:
        return WORDS["transferred"]
    return WORDS["priority"] if priority else ""

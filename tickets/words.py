"""The words the live screens say, in one place: the templates render them and the scripts are given them.

A page draws its first paint with these phrases and passes the same dict to its script
(``{% words_json %}`` in base.html), so a screen redrawn from a websocket message says exactly what a fresh
load says. Placeholders are ``{name}`` fields, filled by ``say`` here and by ``Frontline.say`` in live.js.
A later change wraps each phrase in gettext; nothing else needs to move for that.
"""

import math

WORDS = {
    # Durations, as people say them.
    "unknown": "–",
    "under_a_minute": "under 1 min",
    "minutes": "{minutes} min",
    "hours": "{hours} h {minutes} min",  # minutes zero-padded: "1 h 05 min"
    "about": "about {duration}",
    # A wait told as a range (tickets/predictors.py: wait_range).
    "range_minutes": "{low}-{high} min",
    "range": "{low} to {high}",
    "up_to": "up to {duration}",
    # The phone.
    "position": "You are number {n} in line",
    "your_turn_title": "Your turn: counter {counter}",
    "served": "You have been served at counter {counter}.",
    "no_show": "You were called to counter {counter} but we missed you. Please take a new ticket if you still need us.",
    "almost": "Almost your turn: please stay near the counters.",
    "behind_none": "Nobody behind you yet",
    "behind_one": "1 person behind you",
    "behind_many": "{n} people behind you",
    "past_quote": "We're sorry: this is taking longer than the {quoted} we told you. New estimate: {estimate}.",
    "moved_none": "Nobody called in the last 10 minutes",
    "moved_one": "1 person called in the last 10 minutes",
    "moved_many": "{n} people called in the last 10 minutes",
    "passed_priority": "A priority customer went ahead of you.",
    "passed_transfer": "A customer sent on from another service went ahead of you: they had waited already.",
    "busier": "{service} is busier than usual: the manager has been told.",
    "leave": "I'm leaving",
    "leave_ask": "Leave the queue? Your place goes to the next person, and this ticket cannot be used again.",
    "leave_yes": "Yes, cancel my ticket",
    "leave_keep": "No, keep my place",
    "cancelled": "This ticket is cancelled.",
    "cancelled_note": "Thank you for letting us know. Please take a new ticket if you need us later.",
    "thanked": "Thank you for your feedback.",
    # The lobby display.
    "now_calling": "Now calling",
    "welcome": "Welcome",
    "take_a_ticket": "Please take a ticket",
    "wait_for_your_number": "Please wait for your number",
    "at_the_counters": "At the counters",
    # The kiosk, its confirmation screen and the paper ticket it prints.
    "kiosk_welcome": "Welcome to {branch}",
    "kiosk_tap": "Tap the service you need",
    "kiosk_waiting": "{n} waiting",
    "kiosk_priority": "Priority",
    "kiosk_priority_who": "seniors, disabled, pregnant",
    "kiosk_priority_on": "On",
    "kiosk_priority_off": "Off",
    "kiosk_priority_ticket": "priority ticket",
    "kiosk_your_number": "Your number is",
    "kiosk_take_your_ticket": "Take your ticket below",
    "kiosk_ahead": "{n} ahead of you",
    "kiosk_next": "You are next",
    "kiosk_no_paper": "No ticket? Scan to follow on your phone",
    "kiosk_done": "Done",
    "kiosk_printer_failed": "The printer is not working: take your ticket on your phone instead",
    "kiosk_scan_instead": "Scan this code: your ticket opens on your phone, and your place is kept",
    "ticket_people_ahead": "People ahead",
    "ticket_estimated_wait": "Estimated wait",
    "ticket_watch": "Watch the screen or follow on your phone",
    "ticket_scan": "Scan to follow your turn and leave a note",
    # The console and the dashboard.
    "counter": "Counter {name}",
    "priority": " · priority",
    "transferred": " · transferred",
    "waiting_for_counter": "Waiting for this counter ({n})",
    "resume": "Resume",
    "open_counter": "Open counter",
    "counter_status": {"open": "open", "paused": "paused", "closed": "closed"},
    # What became of a ticket, as people read it on the dashboard, in its CSV and in the admin; the API's
    # status values are the keys.
    "outcome": {"waiting": "waiting", "called": "called", "served": "served", "no_show": "no-show",
                "cancelled": "cancelled"},
    "nobody_signed_in": "nobody signed in",
    "someone_signed_in": "a teller signed in",
    "alert_over_target": "{service}: the longest wait is {wait}, over the {target} target",
    "alert_idle_one": "{service}: {n} waiting while counter {counters} stands idle",
    "alert_idle_many": "{service}: {n} waiting while counters {counters} stand idle",
    "alert_unstaffed": "Counter {counter} is open with nobody signed in",
}


def say(key, **values):
    """The phrase ``key`` with its placeholders filled."""
    return WORDS[key].format(**values)


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
    if not n:
        return WORDS["moved_none"]
    return WORDS["moved_one"] if n == 1 else say("moved_many", n=n)


def ahead(position):
    """The people before a waiting ticket as the kiosk says it: "You are next", "3 ahead of you"."""
    if not position:
        return WORDS["unknown"]
    return WORDS["kiosk_next"] if position == 1 else say("kiosk_ahead", n=position - 1)


def behind(n):
    """The people after a waiting ticket in its service, as the phone says them (ticket.js: behind)."""
    if not n:
        return WORDS["behind_none"]
    return WORDS["behind_one"] if n == 1 else say("behind_many", n=n)


def ticket_mark(transferred, priority):
    """What follows a waiting ticket's service: a transfer is said before priority, as the queue orders them."""
    if transferred:
        return WORDS["transferred"]
    return WORDS["priority"] if priority else ""

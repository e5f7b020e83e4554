"""Every refusal of a queue operation, under one base, each with a message a teller or customer can read.

Each message is said in the language active when it is raised: the asking page's.
"""

from django.utils.translation import gettext


class QueueError(Exception):
    """Base of all refusals; ``str(error)`` is the message to show."""


class QueueEmpty(QueueError):
    def __init__(self, counter):
        super().__init__(gettext("Nobody is waiting for the services of counter %(counter)s.") % {"counter": counter.name})


class CounterNotOpen(QueueError):
    def __init__(self, counter):
        # The words of the console's own button: "Resume" a paused counter, "Open counter" a closed one.
        if counter.status == counter.Status.PAUSED:
            message = gettext("Counter %(counter)s is paused: resume it before calling.")
        else:
            message = gettext("Counter %(counter)s is closed: open it before calling.")
        super().__init__(message % {"counter": counter.name})


class CounterBusy(QueueError):
    def __init__(self, counter, ticket):
        super().__init__(gettext(
            "Counter %(counter)s is still serving %(ticket)s: mark it served, no-show or transfer it first."
        ) % {"counter": counter.name, "ticket": ticket.number})


class CounterStaffed(QueueError):
    """Another teller is at the counter: they are named, and the teller may take over."""

    def __init__(self, counter):
        from .models import staff_name

        self.teller = counter.teller
        super().__init__(gettext("%(teller)s is at counter %(counter)s: take over to work there.") % {
            "teller": staff_name(counter.teller), "counter": counter.name})


class PauseAsked(QueueError):
    def __init__(self, counter):
        super().__init__(gettext(
            "Counter %(counter)s pauses after this customer: mark them served, no-show or transfer them, "
            "or keep the counter open."
        ) % {"counter": counter.name})


class NoTicketAtCounter(QueueError):
    def __init__(self, counter):
        super().__init__(gettext("Counter %(counter)s has no called ticket.") % {"counter": counter.name})


class InvalidTransition(QueueError):
    def __init__(self, ticket, action):
        super().__init__(gettext("Ticket %(ticket)s is %(status)s and cannot be %(action)s.") % {
            "ticket": ticket.number, "status": ticket.get_status_display(), "action": action})


class ServiceUnavailable(QueueError):
    """The service does not exist in this branch, or takes no tickets now."""


class InvalidTransfer(QueueError):
    pass


class InvalidFeedback(QueueError):
    pass


class FeedbackTooEarly(QueueError):
    def __init__(self, ticket):
        super().__init__(gettext("Ticket %(ticket)s is %(status)s: feedback opens when the visit is over.") % {
            "ticket": ticket.number, "status": ticket.get_status_display()})


class FeedbackAlreadyGiven(QueueError):
    def __init__(self, ticket):
        super().__init__(gettext("Ticket %(ticket)s already has feedback; thank you.") % {"ticket": ticket.number})


class NothingToUndo(QueueError):
    def __init__(self, counter, seconds):
        super().__init__(gettext(
            "Nothing to undo at counter %(counter)s: call next, no-show and close can be taken back for "
            "%(seconds)s seconds, while nothing else has happened at the counter."
        ) % {"counter": counter.name, "seconds": seconds})


class LanguageNotOffered(QueueError):
    def __init__(self, branch):
        from . import languages

        super().__init__(gettext("%(branch)s offers %(languages)s.") % {
            "branch": branch.name, "languages": ", ".join(languages.name(code) for code in branch.language_codes)})


class TooManyWaiting(QueueError):
    """The branch has as many phone tickets waiting as it takes: a phone waits until some are called."""

    retry_after = 60

    def __init__(self, branch):
        super().__init__(gettext(
            "%(branch)s has as many phone tickets waiting as it can take now: please try again in a few "
            "minutes, or take a ticket at the kiosk."
        ) % {"branch": branch.name})

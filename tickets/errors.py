"""Every refusal of a queue operation, under one base, each with a message a teller or customer can read."""


class QueueError(Exception):
    """Base of all refusals; ``str(error)`` is the message to show."""


class QueueEmpty(QueueError):
    def __init__(self, counter):
        super().__init__(f"Nobody is waiting for the services of counter {counter.name}.")


class CounterNotOpen(QueueError):
    def __init__(self, counter):
        # The words of the console's own button: "Resume" a paused counter, "Open counter" a closed one.
        verb = "resume it" if counter.status == counter.Status.PAUSED else "open it"
        super().__init__(f"Counter {counter.name} is {counter.status}: {verb} before calling.")


class CounterBusy(QueueError):
    def __init__(self, counter, ticket):
        super().__init__(
            f"Counter {counter.name} is still serving {ticket.number}: mark it served, no-show or transfer it first."
        )


class CounterStaffed(QueueError):
    """Another teller is at the counter: they are named, and the teller may take over."""

    def __init__(self, counter):
        from .models import staff_name

        self.teller = counter.teller
        super().__init__(f"{staff_name(counter.teller)} is at counter {counter.name}: take over to work there.")


class NoTicketAtCounter(QueueError):
    def __init__(self, counter):
        super().__init__(f"Counter {counter.name} has no called ticket.")


class InvalidTransition(QueueError):
    def __init__(self, ticket, action):
        super().__init__(f"Ticket {ticket.number} is {ticket.get_status_display()} and cannot be {action}.")


class ServiceUnavailable(QueueError):
    """The service does not exist in this branch, or takes no tickets now."""


class InvalidTransfer(QueueError):
    pass


class InvalidFeedback(QueueError):
    pass


class FeedbackTooEarly(QueueError):
    def __init__(self, ticket):
        super().__init__(
            f"Ticket {ticket.number} is {ticket.get_status_display()}: feedback opens when the visit is over."
        )


class FeedbackAlreadyGiven(QueueError):
    def __init__(self, ticket):
        super().__init__(f"Ticket {ticket.number} already has feedback; thank you.")


class NothingToUndo(QueueError):
    def __init__(self, counter, seconds):
        super().__init__(
            f"Nothing to undo at counter {counter.name}: call next, no-show and close can be taken back for "
            f"{seconds} seconds, while nothing else has happened at the counter."
        )


class TooManyWaiting(QueueError):
    """The branch has as many phone tickets waiting as it takes: a phone waits until some are called."""

    retry_after = 60

    def __init__(self, branch):
        super().__init__(
            f"{branch.name} has as many phone tickets waiting as it can take now: please try again in a few "
            "minutes, or take a ticket at the kiosk."
        )

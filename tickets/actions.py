"""The operations on a branch's queue, named as the floor says them.

Each is one transaction with one ``now``, locks what it changes, raises a QueueError subclass when it
refuses (changing nothing), and announces what changed once the transaction has committed. Nothing
else writes a ticket's status, counter or times.
"""

import contextlib
import contextvars
import datetime
import logging

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from . import errors, predictors, shield, text, words
from .models import BreakDay, Counter, Feedback, Operation, Service, Ticket, TicketSequence, Transfer

log = logging.getLogger("frontline.queue")

# How often call_next looks for another ticket when the one it chose was taken in the meantime.
CLAIM_ATTEMPTS = 20


# Off while the simulator writes history: past days have no screens to tell, and no operators to log for.
_announcing = contextvars.ContextVar("announcing", default=True)


@contextlib.contextmanager
def unannounced():
    """Run operations without telling screens or logging them: for writing history (``simulate``)."""
    token = _announcing.set(False)
    try:
        yield
    finally:
        _announcing.reset(token)


def _announce(event, branch_id, *, tickets=(), counter=None, call=None, tell_holders=True):
    """After commit, tell the live screens what changed; never for a transaction that rolled back.

    ``tickets`` are those whose own status changed: their holders' phones hear it, unless ``tell_holders``
    is off (a ticket issued a moment ago has no phone page open yet).
    """
    from displays.broadcast import queue_changed
    from queuesite import outboxes

    if not _announcing.get():
        return
    # Integrators' webhooks and customers' texts: written now, in the change's own transaction.
    outboxes.record(event, branch_id, tickets=tickets, counter=counter, call=call)
    tokens = sorted({ticket.token for ticket in tickets}) if tell_holders else []
    counter_id = counter.pk if counter else None
    call_id = call.pk if call else None
    # One line per operation for the operators: ids and ticket numbers, never anything a customer typed.
    numbers = ",".join(sorted(ticket.number for ticket in tickets)) or "-"
    transaction.on_commit(
        lambda: log.info("%s branch=%s counter=%s tickets=%s", event, branch_id, counter_id or "-", numbers)
    )
    transaction.on_commit(
        lambda: queue_changed(
            event, branch_id, tokens=tokens, counter_id=counter_id, call_id=call_id
        )
    )


def _seconds(start, end):
    # Never negative: two machines' clocks may disagree by a moment.
    return max(0, round((end - start).total_seconds()))


def _local_hour(branch, moment):
    return moment.astimezone(branch.zone).hour


def _next_number(service, day):
    # One statement creates the day's sequence row or increments it, and reads the number back
    # (SQLite 3.35+ and PostgreSQL both speak it). The row lock taken by the upsert makes two kiosks
    # wait for each other instead of reading the same last number.
    table = connection.ops.quote_name(TicketSequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (service_id, day, last_number) VALUES (%s, %s, 1) "
            f"ON CONFLICT (service_id, day) DO UPDATE SET last_number = {table}.last_number + 1 "
            "RETURNING last_number",
            [service.pk, connection.ops.adapt_datefield_value(day)],
        )
        return cursor.fetchone()[0]


def issue_ticket(service, *, priority=False, language="", channel=Ticket.Channel.KIOSK, now=None):
    """Give the next number of ``service`` for the branch's business day; priority tickets go ahead of the rest.
    ``language``: the one the customer chose (tickets/languages.py), kept for their paper, page and texts.

    Taken by a customer, who is nobody in particular: nothing personal is asked or kept. A phone ticket is
    refused (TooManyWaiting) while the branch already has PHONE_TICKETS_WAITING_PER_BRANCH phone tickets waiting.
    """
    now = now or timezone.now()
    with transaction.atomic():
        service = Service.objects.select_related("branch").get(pk=service.pk)
        if not service.active:
            raise errors.ServiceUnavailable(gettext("%(service)s is not taking tickets now.") % {"service": service.name})
        branch = service.branch
        day = branch.business_day(now)
        if channel == Ticket.Channel.PHONE:
            # Counted in the transaction, so the cap holds for the phones of one branch (on PostgreSQL two
            # phones at the same instant may both pass at the cap: one over, never a flood).
            waiting_phones = Ticket.objects.in_queue(day).filter(branch=branch, channel=channel).count()
            if waiting_phones >= settings.PHONE_TICKETS_WAITING_PER_BRANCH:
                raise errors.TooManyWaiting(branch)
        number = _next_number(service, day)
        lane = Ticket.Lane.PRIORITY if priority else Ticket.Lane.NORMAL
        ahead = Ticket.objects.count_ahead_of_newcomer(service, day, lane)
        waiting = ahead if lane == Ticket.Lane.NORMAL else Ticket.objects.count_ahead_of_newcomer(
            service, day, Ticket.Lane.NORMAL)
        # Every predictor's quote is kept, to grade them all; the customer is told the best one's.
        readings = predictors.read(service, now, waiting=waiting)
        quotes = {method: predictors.quote(method, ahead, readings) for method in predictors.METHODS}
        told = predictors.choice_for(service, now)
        told_range = predictors.wait_range(quotes[told.method], told.errors) or [None, None]
        ticket = Ticket.objects.create(
            branch=branch,
            service=service,
            number=f"{service.code}{number:03d}",
            day=day,
            token=Ticket.new_token(),
            priority=priority,
            channel=channel,
            language=language,
            lane=lane,
            issued_at=now,
            queued_at=now,
            issued_hour=_local_hour(branch, now),
            quoted_wait=quotes[told.method],
            quoted_low=told_range[0],
            quoted_high=told_range[1],
            quote_method=told.method,
            quotes=quotes,
        )
        # A priority ticket moves everyone behind it back; a normal one only joins the end.
        _announce("issued", branch.pk, tickets=[ticket], tell_holders=False)
    return ticket


def _lock_counter(counter):
    # Locking the counter row makes two presses at the same counter (a double click, two tabs) run one
    # after the other, so each sees what the other did.
    # Only the counter's row: a plain FOR UPDATE would also lock the joined branch row, and every counter
    # of the branch would wait for every other.
    return Counter.objects.select_for_update(of=("self",)).select_related("branch").get(pk=counter.pk)


def _lock_counter_with_ticket(counter):
    """The locked counter and its called ticket, for operations on the customer at the counter."""
    counter = _lock_counter(counter)
    ticket = Ticket.objects.called_to(counter)
    if ticket is None:
        raise errors.NoTicketAtCounter(counter)
    return counter, ticket


def _finish(ticket, status, by, now, branch):
    ticket.status = status
    ticket.finished_at = now
    ticket.finished_hour = _local_hour(branch, now)
    ticket.finished_by = by
    if status != Ticket.Status.CANCELLED:
        ticket.service_seconds = _seconds(ticket.called_at, now)
    ticket.save(update_fields=["status", "finished_at", "finished_hour", "finished_by", "service_seconds"])


def _claim_next(counter, by, now):
    """Call the first waiting ticket of the counter's services to it, or raise QueueEmpty."""
    today = counter.branch.business_day(now)
    for _ in range(CLAIM_ATTEMPTS):
        candidate = Ticket.objects.next_for_counter(counter, today)
        if candidate is None:
            raise errors.QueueEmpty(counter)
        # The conditional update claims the ticket only if it is still waiting: if another counter or a
        # cancel got there first, nothing changes and we look again.
        # Its wait grows by the time it spent in this queue: a transferred ticket's waits add up.
        # (While it waits nothing else changes them, so the values read with it are current.)
        called = {
            "status": Ticket.Status.CALLED,
            "counter": counter,
            "called_at": now,
            "recalled_at": None,
            "called_by": by,
            "first_called_at": candidate.first_called_at or now,
            "wait_seconds": (candidate.wait_seconds or 0) + _seconds(candidate.queued_at, now),
        }
        claimed = Ticket.objects.filter(pk=candidate.pk, status=Ticket.Status.WAITING).update(**called)
        if claimed == 1:
            waiting = _undo_fields(candidate)
            for field, value in called.items():
                setattr(candidate, field, value)
            return candidate, waiting
    raise errors.QueueEmpty(counter)


def call_next(counter, *, by=None, now=None):
    """Call the next customer to ``counter``: transferred first, then priority, then the longest waiting.

    The customer still at the counter, if any, is marked served first.
    """
    now = now or timezone.now()
    with transaction.atomic():
        counter = _lock_counter(counter)
        if counter.status != Counter.Status.OPEN:
            raise errors.CounterNotOpen(counter)
        if counter.pause_after:
            # The teller asked for a break after this customer: calling another would break that promise.
            raise errors.PauseAsked(counter)
        previous = Ticket.objects.called_to(counter)
        at_counter = _undo_fields(previous) if previous else None
        if previous:
            _finish(previous, Ticket.Status.SERVED, by, now, counter.branch)
        ticket, waiting = _claim_next(counter, by, now)
        finished = [previous] if previous else []
        # Undo puts the new call back first (freeing the counter), then the customer it served.
        # The trail keeps each summary in the words the console said it in: the teller's language.
        if previous:
            summary = gettext("%(served)s served · %(ticket)s called to counter %(counter)s") % {
                "served": previous.number, "ticket": ticket.number, "counter": counter.name}
        else:
            summary = gettext("%(ticket)s called to counter %(counter)s") % {
                "ticket": ticket.number, "counter": counter.name}
        _record(Operation.Kind.CALL, by, now, summary, counter=counter, ticket=ticket,
                tickets=[(ticket, waiting)] + ([(previous, at_counter)] if previous else []))
        _announce(
            "called",
            counter.branch_id,
            tickets=[ticket, *finished],
            counter=counter,
            call=ticket,
        )
    return ticket


def recall(counter, *, by=None, now=None):
    """Call the counter's current customer again, on the display and their phone."""
    now = now or timezone.now()
    with transaction.atomic():
        counter, ticket = _lock_counter_with_ticket(counter)
        ticket.recall_count = F("recall_count") + 1
        # Its own time, not called_at: the lobby shows the latest call heard, and the wait and service
        # times still run from the call.
        ticket.recalled_at = now
        ticket.save(update_fields=["recall_count", "recalled_at"])
        ticket.refresh_from_db()
        _record(Operation.Kind.RECALL, by, now, gettext("%(ticket)s called again to counter %(counter)s") % {
            "ticket": ticket.number, "counter": counter.name}, counter=counter, ticket=ticket)
        _announce("recalled", counter.branch_id, tickets=[ticket], counter=counter, call=ticket)
    return ticket


def _close_called(counter, status, by, now, event):
    now = now or timezone.now()
    with transaction.atomic():
        counter, ticket = _lock_counter_with_ticket(counter)
        at_counter = _undo_fields(ticket)
        _finish(ticket, status, by, now, counter.branch)
        if status == Ticket.Status.NO_SHOW:
            _record(Operation.Kind.NO_SHOW, by, now, gettext("%(ticket)s marked as no-show") % {"ticket": ticket.number},
                    counter=counter, ticket=ticket, tickets=[(ticket, at_counter)])
        else:
            _record(Operation.Kind.SERVE, by, now, gettext("%(ticket)s served at counter %(counter)s") % {
                "ticket": ticket.number, "counter": counter.name}, counter=counter, ticket=ticket)
        _announce(event, counter.branch_id, tickets=[ticket], counter=counter)
        _pause_if_asked(counter, by, now)
    return ticket


def mark_served(counter, *, by=None, now=None):
    """The counter's current customer has been served."""
    return _close_called(counter, Ticket.Status.SERVED, by, now, "served")


def mark_no_show(counter, *, by=None, now=None):
    """The counter's current customer did not come when called."""
    return _close_called(counter, Ticket.Status.NO_SHOW, by, now, "no_show")


def transfer(counter, to_service, *, by=None, now=None):
    """Send the counter's current customer to another service, where they wait again at the front.

    The ticket keeps its number and first issue time, so statistics count the whole visit.
    """
    now = now or timezone.now()
    with transaction.atomic():
        counter, ticket = _lock_counter_with_ticket(counter)
        if to_service.branch_id != counter.branch_id or not to_service.active:
            raise errors.InvalidTransfer(
                gettext("%(service)s is not open for transfers in this branch.") % {"service": to_service.name})
        if to_service.pk == ticket.service_id:
            raise errors.InvalidTransfer(
                gettext("%(ticket)s is already in %(service)s.") % {"ticket": ticket.number, "service": to_service.name})
        Transfer.objects.create(
            ticket=ticket,
            from_service_id=ticket.service_id,
            to_service=to_service,
            counter=counter,
            called_at=ticket.called_at,
            transferred_at=now,
            transferred_by=by,
        )
        ticket.status = Ticket.Status.WAITING
        ticket.service = to_service
        ticket.lane = Ticket.Lane.TRANSFERRED
        ticket.queued_at = now
        ticket.counter = None
        ticket.save(update_fields=["status", "service", "lane", "queued_at", "counter"])
        _record(Operation.Kind.TRANSFER, by, now, gettext("%(ticket)s transferred to %(service)s") % {
            "ticket": ticket.number, "service": to_service.name}, counter=counter, ticket=ticket)
        _announce("transferred", counter.branch_id, tickets=[ticket], counter=counter)
        _pause_if_asked(counter, by, now)
    return ticket


def choose_language(ticket, language):
    """The ticket's page, and what it is sent, in ``language`` from now on: one its branch offers."""
    if language not in ticket.branch.language_codes:
        raise errors.LanguageNotOffered(ticket.branch)
    Ticket.objects.filter(pk=ticket.pk).update(language=language)
    ticket.language = language


def cancel(ticket, *, now=None):
    """The customer leaves before being called ("I'm leaving")."""
    now = now or timezone.now()
    with transaction.atomic():
        # Lock the ticket so a counter cannot call it while it is being cancelled.
        ticket = Ticket.objects.select_for_update(of=("self",)).select_related("branch").get(pk=ticket.pk)
        if ticket.status != Ticket.Status.WAITING:
            raise errors.InvalidTransition(ticket, "cancelled")
        _finish(ticket, Ticket.Status.CANCELLED, None, now, ticket.branch)
        _announce("cancelled", ticket.branch_id, tickets=[ticket])
    return ticket


# What the trail says of each change of a counter's status.
_STATUS_RECORDS = {
    Counter.Status.PAUSED: (Operation.Kind.PAUSE, gettext_lazy("Counter %(counter)s paused")),
    Counter.Status.OPEN: (Operation.Kind.RESUME, gettext_lazy("Counter %(counter)s open")),
    Counter.Status.CLOSED: (Operation.Kind.CLOSE, gettext_lazy("Counter %(counter)s closed")),
}


def _set_counter_status(counter, status, event, allowed_from, by=None, now=None):
    now = now or timezone.now()
    with transaction.atomic():
        counter = _lock_counter(counter)
        if counter.status not in allowed_from:
            raise errors.QueueError(gettext("Counter %(counter)s is already %(status)s.") % {
                "counter": counter.name, "status": words.WORDS["counter_status"][counter.status]})
        current = Ticket.objects.called_to(counter)
        if current is not None and status != Counter.Status.OPEN:
            raise errors.CounterBusy(counter, current)
        kind, summary = _STATUS_RECORDS[status]
        # A close keeps the status it ended, for undo.
        _record(kind, by, now, str(summary) % {"counter": counter.name}, counter=counter,
                counter_status=counter.status if status == Counter.Status.CLOSED else None)
        fields = ["status", "pause_after"]
        counter.pause_after = False  # a pause asked for is the pause now made, or no longer wanted
        if status == Counter.Status.PAUSED and counter.teller_id is not None:
            # A teller's break: timed from now; a counter nobody is at is paused but nobody is on a break.
            counter.paused_at = now
            fields.append("paused_at")
        else:
            fields += _end_break(counter, now)
        counter.status = status
        counter.save(update_fields=fields)
        _announce(event, counter.branch_id, counter=counter)
    return counter


def _end_break(counter, now):
    """End the counter's break, if it is on one: its minutes join the branch's total for the day it began,
    with nothing to say whose they were. Returns the counter's fields to save."""
    if counter.paused_at is None:
        return []
    seconds = _seconds(counter.paused_at, now)
    day = counter.branch.business_day(counter.paused_at)
    # One statement adds to the day's row or creates it, so two counters back from a break at once both count.
    table = connection.ops.quote_name(BreakDay._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (branch_id, day, breaks, seconds) VALUES (%s, %s, 1, %s) "
            f"ON CONFLICT (branch_id, day) DO UPDATE SET breaks = {table}.breaks + 1, "
            f"seconds = {table}.seconds + excluded.seconds",
            [counter.branch_id, connection.ops.adapt_datefield_value(day), seconds],
        )
    counter.paused_at = None
    counter.working_since = now if counter.teller_id is not None else None
    return ["paused_at", "working_since"]


def pause_after_customer(counter, *, by=None, asked=True, now=None):
    """ "Pause after this customer": the counter pauses when its current visit ends (served, no-show or
    transferred), and calls nobody new meanwhile; ``asked=False`` keeps it open after all. With nobody at
    the counter the pause is at once."""
    with transaction.atomic():
        counter = _lock_counter(counter)
        if asked and Ticket.objects.called_to(counter) is None:
            return pause_counter(counter, by=by, now=now)
        if counter.status != Counter.Status.OPEN:
            raise errors.CounterNotOpen(counter)
        counter.pause_after = asked
        counter.save(update_fields=["pause_after"])
        _announce("counter_pause_asked", counter.branch_id, counter=counter)
    return counter


def _pause_if_asked(counter, by, now):
    """The visit asked to end with a pause has ended: pause now (its break begins)."""
    if counter.pause_after:
        _set_counter_status(counter, Counter.Status.PAUSED, "counter_paused", [Counter.Status.OPEN], by, now)


def pause_counter(counter, *, by=None, now=None):
    """A break: one press, no reason asked and nobody to approve it; the counter takes no calls until
    resumed, and its current customer must be finished first."""
    return _set_counter_status(counter, Counter.Status.PAUSED, "counter_paused", [Counter.Status.OPEN], by, now)


def resume_counter(counter, *, by=None, now=None):
    """Open a paused or closed counter for calls (ending the teller's break)."""
    return _set_counter_status(
        counter, Counter.Status.OPEN, "counter_opened", [Counter.Status.PAUSED, Counter.Status.CLOSED], by, now
    )


def close_counter(counter, *, by=None, now=None):
    """Close the counter for the day; its current customer must be finished first."""
    return _set_counter_status(
        counter, Counter.Status.CLOSED, "counter_closed", [Counter.Status.OPEN, Counter.Status.PAUSED], by, now
    )


# --- undo: the last call next, no-show or close of a counter, for a few seconds ---------------------

UNDO_SECONDS = 10
# What a call and a finish change on a ticket: undo puts exactly these back.
UNDO_FIELDS = ("status", "counter_id", "called_at", "recalled_at", "called_by_id", "first_called_at",
               "wait_seconds", "finished_at", "finished_hour", "finished_by_id", "service_seconds")


def _undo_fields(ticket):
    # As JSON: moments as full ISO text (Django's JSON encoder would drop their microseconds).
    values = {field: getattr(ticket, field) for field in UNDO_FIELDS}
    return {field: value.isoformat() if isinstance(value, datetime.datetime) else value for field, value in values.items()}


def _record(kind, by, now, summary, *, counter=None, branch=None, ticket=None, tickets=(), counter_status=None):
    """Keep an operation in the audit trail, in the operation's own transaction, with what undo needs to put
    back (``tickets``: (ticket, fields before) pairs; ``counter_status``: the counter's before a close)."""
    if not _announcing.get():
        return None  # history written by simulate has no tellers to audit or undo
    before = {}
    if kind in Operation.UNDOABLE:
        before = {"tickets": [[t.pk, fields] for t, fields in tickets], "counter_status": counter_status}
    return Operation.objects.create(
        kind=kind, by=by, by_name=by.get_username() if by else "", at=now, summary=summary[:200],
        branch_id=branch.pk if branch else (counter.branch_id if counter else None),
        counter=counter, counter_name=counter.name if counter else "",
        ticket=ticket, ticket_number=ticket.number if ticket else "", before=before,
    )


def undoable(counter, now=None):
    """The counter's operation that undo would take back now, or None.

    Only the latest, within UNDO_SECONDS, and only while the counter is as it left it: the customer it
    called still at the counter, nobody called after a no-show, the counter still closed.
    """
    now = now or timezone.now()
    operation = counter.operations.undoable().first()
    if operation is None or operation.undone_at or (now - operation.at).total_seconds() > UNDO_SECONDS:
        return None
    current = Ticket.objects.called_to(counter)
    unchanged = {
        Operation.Kind.CALL: current is not None and current.pk == operation.before["tickets"][0][0],
        Operation.Kind.NO_SHOW: current is None,
        Operation.Kind.CLOSE: counter.status == Counter.Status.CLOSED,
    }[operation.kind]
    return operation if unchanged else None


def undo(counter, *, by=None, now=None):
    """Take back the counter's last call next (and the serve it made), no-show or close: see ``undoable``.

    The tickets get back exactly the fields they had; the operation stays in the history, marked undone.
    """
    now = now or timezone.now()
    with transaction.atomic():
        counter = _lock_counter(counter)
        operation = undoable(counter, now)
        if operation is None:
            raise errors.NothingToUndo(counter, UNDO_SECONDS)
        tickets = []
        for pk, fields in operation.before["tickets"]:
            restored = {field: _parsed(field, value) for field, value in fields.items()}
            Ticket.objects.filter(pk=pk).update(**restored)
            tickets.append(Ticket.objects.get(pk=pk))
        if operation.before.get("counter_status"):
            counter.status = operation.before["counter_status"]
            # Closing ended a break; paused again, the teller is on a break again, from now.
            counter.paused_at = now if counter.status == Counter.Status.PAUSED and counter.teller_id else None
            counter.save(update_fields=["status", "paused_at"])
        operation.undone_at, operation.undone_by = now, by
        operation.save(update_fields=["undone_at", "undone_by"])
        _record(Operation.Kind.UNDO, by, now, gettext("Undone: %(operation)s") % {"operation": operation.summary}, counter=counter,
                ticket=tickets[0] if tickets else None)
        _announce("undone", counter.branch_id, tickets=tickets, counter=counter)
    return operation


def _parsed(field, value):
    # The moments _undo_fields kept as ISO text, back as moments.
    if isinstance(value, str) and field.endswith("_at"):
        return datetime.datetime.fromisoformat(value)
    return value


def sign_in(counter, teller, *, take_over=False, by=None, now=None):
    """Put ``teller`` at ``counter``, leaving any other counter they were at (see leave_counter).

    One teller per counter: refused (CounterStaffed, naming who is there) when another teller is at it,
    unless ``take_over``. Signing in does not open a closed or paused counter. ``by``: who did it, the
    teller themselves unless said.
    """
    now = now or timezone.now()
    by = by or teller
    with transaction.atomic():
        counter = _lock_counter(counter)
        if counter.teller_id == teller.pk:
            return counter
        if counter.teller_id is not None and not take_over:
            raise errors.CounterStaffed(counter)
        elsewhere = Counter.objects.select_for_update(of=("self",)).select_related("branch").filter(teller=teller).first()
        if elsewhere is not None:
            _leave(elsewhere, by, now)
        ended = _end_break(counter, now)  # a colleague's break ends when someone takes the counter over
        taken_from = (gettext(" (taking over from %(teller)s)") % {"teller": counter.teller.get_username()}
                      if counter.teller_id else "")
        counter.teller, counter.teller_since, counter.working_since = teller, now, now
        counter.save(update_fields=list(dict.fromkeys(["teller", "teller_since", "working_since", *ended])))
        _record(Operation.Kind.SIGN_IN, by, now, gettext("%(teller)s at counter %(counter)s") % {"teller": teller.get_username(), "counter": counter.name}
                + taken_from,
                counter=counter)
        _announce("teller_signed_in", counter.branch_id, counter=counter)
    return counter


def leave_counter(counter, teller=None, *, by=None, now=None):
    """The teller leaves: an open counter with nobody at it pauses, so nobody is called to an empty desk.

    A customer still at the counter stays called (finish, transfer or no-show them first to pause);
    either way the estimates stop counting the counter. ``teller``: only if they are the one there.
    ``by``: who did it, that teller unless said.
    """
    now = now or timezone.now()
    with transaction.atomic():
        counter = _lock_counter(counter)
        if counter.teller_id is None or (teller is not None and counter.teller_id != teller.pk):
            return counter
        _leave(counter, by or teller, now)
    return counter


def _leave(counter, by, now):
    _record(Operation.Kind.LEAVE, by, now, gettext("%(teller)s left counter %(counter)s") % {
        "teller": counter.teller.get_username(), "counter": counter.name},
            counter=counter)
    ended = _end_break(counter, now)  # the break ends with the teller's time at the counter
    counter.teller, counter.teller_since, counter.working_since = None, None, None
    fields = list(dict.fromkeys(["teller", "teller_since", "working_since", *ended]))
    paused = counter.status == Counter.Status.OPEN and Ticket.objects.called_to(counter) is None
    if paused:
        counter.status = Counter.Status.PAUSED
        fields.append("status")
    counter.save(update_fields=fields)
    # A counter left open pauses: said as the pause it is (a webhook's counter.paused among others).
    _announce("counter_paused" if paused else "teller_left", counter.branch_id, counter=counter)


def record_feedback(ticket, *, rating=None, note="", perceived_wait="", now=None):
    """Keep the customer's rating (1-5), note (up to 500 characters) and how long the wait felt
    (a Feedback.Felt, optional) for this visit, once per ticket.

    Only once the visit is over, so each note sits beside the wait it is about. The note is stored
    exactly as typed; it is escaped wherever it is shown. A note with insulting words is held back
    from tellers, and one that thanks is marked so (tickets/shield.py); its rating counts either way.
    """
    now = now or timezone.now()
    note = text.clean_note(note or "")
    perceived_wait = perceived_wait or ""
    if perceived_wait not in Feedback.Felt.values and perceived_wait != "":
        raise errors.InvalidFeedback(gettext("How long the wait felt must be one of: %(choices)s.") % {
            "choices": ", ".join(Feedback.Felt.values)})
    if rating is not None and (isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5):
        raise errors.InvalidFeedback(gettext("The rating must be a whole number from 1 to 5."))
    if text.control_characters(note):
        # Nobody types a NUL byte or an escape, PostgreSQL cannot store the first, and a terminal or
        # spreadsheet may act on the others: refuse them the same way everywhere.
        raise errors.InvalidFeedback(gettext(
            "The note contains a control character (only letters, tabs and new lines are kept): %(characters)s."
        ) % {"characters": ", ".join(f"U+{ord(c):04X}" for c in text.control_characters(note))})
    if len(note) > Feedback.NOTE_MAX_LENGTH:
        raise errors.InvalidFeedback(gettext("The note can be at most %(limit)s characters.") % {
            "limit": Feedback.NOTE_MAX_LENGTH})
    if not text.is_visible(note):
        note = ""  # spaces, zero-width and other invisible characters alone are no note
    if rating is None and not note and not perceived_wait:
        raise errors.InvalidFeedback(gettext("Give a rating or write a note (or say how long the wait felt)."))
    insults, thanks = shield.check_note(note)
    try:
        with transaction.atomic():
            # As the database has it now, not as the caller last saw it.
            ticket = Ticket.objects.select_related("branch").get(pk=ticket.pk)
            if not ticket.visit_is_over(now):
                raise errors.FeedbackTooEarly(ticket)
            feedback = Feedback.objects.create(
                ticket=ticket, rating=rating, note=note, created_at=now, perceived_wait=perceived_wait,
                held_back=insults, note_thanks=thanks,
            )
            _announce("feedback", ticket.branch_id, tickets=[ticket])
    except IntegrityError:
        raise errors.FeedbackAlreadyGiven(ticket) from None
    return feedback


def hold_back_note(feedback, *, by, hold=True, now=None):
    """A manager holds a note back from the tellers (``hold``), or lets one the word list held back through.

    The note, its rating and its place in the figures stay as they were; only who may read it changes.
    """
    now = now or timezone.now()
    with transaction.atomic():
        # Locked so two managers deciding at once end with the later decision, both stamped.
        feedback = Feedback.objects.select_for_update(of=("self",)).select_related("ticket").get(pk=feedback.pk)
        if not feedback.note.strip():
            raise errors.InvalidFeedback(gettext("This feedback has no note to hold back."))
        feedback.held_back, feedback.flagged_by, feedback.flagged_at = hold, by, now
        feedback.save(update_fields=["held_back", "flagged_by", "flagged_at"])
        _record(Operation.Kind.HOLD_BACK, by, now,
                (gettext("Note on %(ticket)s held back from the tellers") if hold
                 else gettext("Note on %(ticket)s shown to the tellers")) % {"ticket": feedback.ticket.number},
                branch=feedback.ticket.branch, ticket=feedback.ticket)
        _announce("feedback", feedback.ticket.branch_id)
    return feedback

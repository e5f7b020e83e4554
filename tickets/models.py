"""The queue of a bank branch: branches, their services and counters, tickets, feedback, and who may act.

Only tickets/actions.py changes a ticket's status, counter or times; the models hold single-row rules
and the querysets the multi-row reads.
"""

import datetime
import hashlib
import secrets
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import connection, models
from django.db.models import Q
from django.utils.translation import gettext, gettext_lazy as _

from . import look


def validate_languages(value):
    """A branch's languages: codes of settings.LANGUAGES, comma-separated, each once, the default first."""
    codes = [code.strip() for code in value.split(",")]
    known = dict(settings.LANGUAGES)
    unknown = [code for code in codes if code not in known]
    if unknown or not codes:
        raise ValidationError(
            gettext("%(codes)s is not a language Frontline speaks: choose from %(known)s.")
            % {"codes": ", ".join(unknown) or gettext("Nothing"), "known": ", ".join(known)}
        )
    if len(set(codes)) != len(codes):
        raise ValidationError(gettext("Each language once."))


def validate_time_zone(value):
    if value not in zoneinfo.available_timezones():
        raise ValidationError(gettext("%(zone)r is not an IANA time zone, such as Europe/Paris.") % {"zone": value})


class Branch(models.Model):
    name = models.CharField(max_length=100)
    slug = models.SlugField(unique=True)
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    speak_calls = models.BooleanField(
        default=True, help_text=_("The lobby display also speaks each call aloud.")
    )
    languages = models.CharField(
        max_length=60, default="en", validators=[validate_languages],
        help_text=_("The languages offered to customers, comma-separated, the default first, in the order the "
        "lobby display shows and speaks them: for example 'pt,en'. Codes: en, fil, zh-hant, pt, ar."),
    )
    # The bank's own look on the customers' screens (tickets/look.py).
    bank_name = models.CharField(max_length=100, blank=True, help_text=_("Shown with the logo: e.g. 'Banco Atlântico'."))
    brand_colour = models.CharField(
        max_length=7, blank=True, validators=[look.validate_colour],
        help_text=_("The bank's colour, #RRGGBB, for the screens' buttons and bars; its text is white or black, "
                    "whichever reads better. Empty: Frontline's blue."),
    )
    speak_digits_as_words = models.BooleanField(
        default=False,
        help_text=_("The spoken call says each digit as a word of the language (A sero sero pito) instead of "
        "leaving the digits to the voice (A 0 0 7)."),
    )
    feedback_retention_days = models.PositiveIntegerField(
        default=180, validators=[MinValueValidator(1, _("Keep notes at least 1 day."))],
        help_text=_("Customers' notes are forgotten this many days after they were written "
                    "(manage.py forget_old_feedback); ratings and waits stay for the statistics."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = _("branches")

    def __str__(self):
        return self.name

    @property
    def zone(self):
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def language_codes(self):
        """The languages offered, the default first (Branch.languages)."""
        return [code.strip() for code in self.languages.split(",") if code.strip()]

    @property
    def default_language(self):
        return self.language_codes[0]

    def business_day(self, moment):
        """The branch-local date of a UTC moment: numbering and statistics follow the branch's own midnight."""
        return moment.astimezone(self.zone).date()

    def day_start(self, day):
        """The UTC moment at which the branch-local ``day`` begins."""
        return datetime.datetime.combine(day, datetime.time.min, tzinfo=self.zone).astimezone(datetime.UTC)


class Logo(models.Model):
    """The bank's logo on a branch's screens (tickets/look.py), in a table of its own so that reading a
    branch, as every request does, never reads the image."""

    branch = models.OneToOneField(Branch, on_delete=models.CASCADE, related_name="logo")
    image = models.BinaryField()
    content_type = models.CharField(max_length=30)
    # Part of the image's address: a new logo is a new address, so no screen keeps the old one cached.
    version = models.CharField(max_length=16)

    def __str__(self):
        return f"Logo of {self.branch}"


class Service(models.Model):
    branch = models.ForeignKey(Branch, on_delete=models.CASCADE, related_name="services")
    name = models.CharField(max_length=100)
    code = models.CharField(
        max_length=1,
        help_text=_("The one-letter prefix of this service's ticket numbers, e.g. A for A007."),
        # Said in words before the database's constraint refuses it in its own.
        validators=[RegexValidator(r"^[A-Z]\Z", _("One capital letter, A to Z: it begins each ticket number."))],
    )
    target_wait_minutes = models.PositiveSmallIntegerField(
        default=10, validators=[MinValueValidator(1, _("A target of at least 1 minute."))],
        help_text=_("Customers called within this many minutes count as served on time (service level)."),
    )
    active = models.BooleanField(default=True, help_text=_("Inactive services take no new tickets."))
    position = models.PositiveSmallIntegerField(default=0, help_text=_("Order on the kiosk and display."))

    class Meta:
        ordering = ["branch", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["branch", "code"], name="service_code_unique_in_branch"),
            models.CheckConstraint(condition=Q(code__regex=r"^[A-Z]$"), name="service_code_is_a_letter"),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"


class Counter(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        PAUSED = "paused", _("Paused")
        CLOSED = "closed", _("Closed")

    branch = models.ForeignKey(Branch, on_delete=models.CASCADE, related_name="counters")
    name = models.CharField(max_length=50, help_text=_("As shown to customers, e.g. 3."))
    services = models.ManyToManyField(Service, related_name="counters", blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.CLOSED)
    # Who works at it now (actions.sign_in): an open counter with nobody at it calls nobody, so the
    # estimates leave it out. A teller is at one counter at a time.
    teller = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="counter"
    )
    teller_since = models.DateTimeField(null=True, blank=True)
    # The teller's current stretch and break, nothing older (actions._end_break): a finished break leaves
    # only its minutes in the branch's day total (BreakDay), so no list of a teller's breaks exists.
    working_since = models.DateTimeField(
        null=True, blank=True,
        help_text=_("Since when its teller has worked without a break: sign-in or the last break's end."),
    )
    paused_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When its current break began, while it lasts.")
    )
    # "Pause after this customer": asked while serving, it pauses the counter when that visit ends.
    pause_after = models.BooleanField(
        default=False, help_text=_("The counter pauses when its current customer's visit ends.")
    )

    class Meta:
        ordering = ["branch", "name"]
        constraints = [models.UniqueConstraint(fields=["branch", "name"], name="counter_name_unique_in_branch")]

    def __str__(self):
        return gettext("Counter %(counter)s") % {"counter": self.name}


def staff_name(user):
    """How colleagues and managers name a member of staff: the full name, else the user name."""
    return user.get_full_name() or user.get_username()


class TicketQuerySet(models.QuerySet):
    def waiting(self):
        return self.filter(status=Ticket.Status.WAITING)

    def in_queue(self, day):
        """Waiting to be called on the business day ``day``: a day's leftovers are not called the next morning."""
        return self.waiting().filter(day=day)

    def called(self):
        return self.filter(status=Ticket.Status.CALLED)

    def for_services(self, services):
        return self.filter(service__in=services)

    def in_queue_order(self):
        """The order tickets are called in: transferred ones first, then priority, then oldest."""
        return self.order_by(*Ticket.QUEUE_ORDER)

    # The reads below run inside the operations, for every ticket issued or called, so they are
    # written in SQL: Django takes 0.4-1 ms to build and compile each as a QuerySet where the database
    # answers in 0.02-0.2 ms (measured on SQLite with ``manage.py simulate``), and on SQLite the branch's
    # other writes wait meanwhile. Each states the same rule as the QuerySet methods it names, and reads
    # the whole table whatever it is called on: call them on Ticket.objects.

    def next_for_counter(self, counter, day):
        """The ticket ``counter`` would call now, locked, or None.

        in_queue(day), for_services(the counter's active services), in_queue_order(), first. On PostgreSQL
        SKIP LOCKED lets ten counters calling at once each take a different ticket instead of queueing on
        the first one; SQLite has no row locks, and its IMMEDIATE transactions run one at a time.
        """
        service, counter_services = Service._meta.db_table, Counter.services.through._meta.db_table
        return self._first(
            f"SELECT * FROM {Ticket._meta.db_table} WHERE status = %s AND day = %s AND service_id IN ("
            f" SELECT cs.service_id FROM {counter_services} cs JOIN {service} s ON s.id = cs.service_id"
            f" WHERE cs.counter_id = %s AND s.active = %s"
            f") ORDER BY {', '.join(Ticket.QUEUE_ORDER)} LIMIT 1{self._lock(skip_locked=True)}",
            [Ticket.Status.WAITING.value, connection.ops.adapt_datefield_value(day), counter.pk, True],
        )

    def head_of_line(self, service, day):
        """The ticket ``service`` will call next, or None: in_queue(day) of the service, in_queue_order(), first."""
        return self._first(
            f"SELECT * FROM {Ticket._meta.db_table} WHERE status = %s AND day = %s AND service_id = %s"
            f" ORDER BY {', '.join(Ticket.QUEUE_ORDER)} LIMIT 1",
            [Ticket.Status.WAITING.value, connection.ops.adapt_datefield_value(day), service.pk],
        )

    def called_to(self, counter):
        """The ticket called to ``counter`` (a constraint allows one), locked, or None: called(), at the counter."""
        return self._first(
            f"SELECT * FROM {Ticket._meta.db_table} WHERE counter_id = %s AND status = %s{self._lock()}",
            [counter.pk, Ticket.Status.CALLED.value],
        )

    def count_ahead_of_newcomer(self, service, day, lane):
        """How many waiting tickets a ticket joining ``service`` in ``lane`` now would be called after.

        in_queue(day) of the service, in in_queue_order(): the newcomer is the newest of its
        lane, so everyone in its lane or a lower one goes first.
        """
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT COUNT(*) FROM {Ticket._meta.db_table}"
                " WHERE status = %s AND day = %s AND service_id = %s AND lane <= %s",
                [Ticket.Status.WAITING.value, connection.ops.adapt_datefield_value(day), service.pk, lane],
            )
            return cursor.fetchone()[0]

    def _first(self, sql, params):
        return next(iter(self.raw(sql, params)), None)

    @staticmethod
    def _lock(skip_locked=False):
        if not connection.features.has_select_for_update:
            return ""
        return " FOR UPDATE SKIP LOCKED" if skip_locked else " FOR UPDATE"


class Ticket(models.Model):
    """One visit, from the moment the customer takes a number to the moment it is closed."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        CALLED = "called", _("Called")
        SERVED = "served", _("Served")
        NO_SHOW = "no_show", _("no-show")
        CANCELLED = "cancelled", _("Cancelled")

    class Lane(models.IntegerChoices):
        # Lower lanes are called first. A transferred customer has already waited once, so goes first.
        TRANSFERRED = 0, _("Transferred")
        PRIORITY = 1, _("Priority")
        NORMAL = 2, _("Normal")

    class Channel(models.TextChoices):
        # Where it was taken: phones share the branch's public address, so their tickets have a cap of their own.
        KIOSK = "kiosk"
        PHONE = "phone"

    CLOSED_STATUSES = (Status.SERVED, Status.NO_SHOW, Status.CANCELLED)
    # Transferred customers first, then priority, then the longest waiting (see Lane).
    QUEUE_ORDER = ("lane", "queued_at", "id")
    # What a token can look like (secrets.token_urlsafe); anything else is no ticket, and never reaches a query.
    TOKEN_PATTERN = r"[A-Za-z0-9_-]{1,32}"

    branch = models.ForeignKey(Branch, on_delete=models.CASCADE, related_name="tickets")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="tickets")
    number = models.CharField(max_length=8, help_text=_("As shown and printed, e.g. A007."))
    day = models.DateField(help_text=_("The branch-local business day the ticket was issued on."))
    token = models.CharField(max_length=32, unique=True, editable=False)
    priority = models.BooleanField(default=False)
    # Chosen at the kiosk or on the phone: the printed ticket, the phone page and its texts speak it.
    language = models.CharField(max_length=8, blank=True, default="")
    lane = models.PositiveSmallIntegerField(choices=Lane.choices, default=Lane.NORMAL)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    channel = models.CharField(max_length=5, choices=Channel.choices, default=Channel.KIOSK)

    issued_at = models.DateTimeField()
    queued_at = models.DateTimeField(help_text=_("When it joined its current queue: issued, or transferred."))
    first_called_at = models.DateTimeField(null=True, blank=True)
    called_at = models.DateTimeField(null=True, blank=True, help_text=_("When it was called to its last counter."))
    recalled_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When the counter last called it again (a recall), since its last call.")
    )
    finished_at = models.DateTimeField(null=True, blank=True, help_text=_("Served, no-show or cancelled."))
    quoted_wait = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("Seconds of wait the customer was told when the ticket was issued.")
    )
    # The range told with it (tickets/predictors.py): the phone apologises once the wait passes its top.
    quoted_low = models.PositiveIntegerField(null=True, blank=True, help_text=_("Seconds: the range's bottom."))
    quoted_high = models.PositiveIntegerField(null=True, blank=True, help_text=_("Seconds: the range's top."))
    quote_method = models.CharField(
        max_length=8, blank=True, help_text=_("The predictor that gave the quote told (tickets/predictors.py).")
    )
    quotes = models.JSONField(
        null=True, blank=True, help_text=_("Each predictor's quote at issue, in seconds, so that each can be graded.")
    )

    counter = models.ForeignKey(Counter, null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets")
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    finished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recall_count = models.PositiveSmallIntegerField(default=0)

    # Figures written once, by the operation that makes them true (tickets/actions.py), so that the
    # statistics are counts and percentiles over plain integer columns in any database: SQLite can
    # neither convert time zones nor subtract timestamps, and a transferred visit's wait needs its history.
    issued_hour = models.PositiveSmallIntegerField(help_text=_("The branch-local hour it was issued in, 0-23."))
    finished_hour = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=_("The branch-local hour it was served, marked a no-show or cancelled.")
    )
    wait_seconds = models.PositiveIntegerField(
        null=True, blank=True,
        help_text=_("Seconds spent waiting until the last call: every queue it waited in, from its first issue."),
    )
    service_seconds = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("Seconds at the last counter, from its call to served or no-show.")
    )

    objects = TicketQuerySet.as_manager()

    class Meta:
        constraints = [
            # Service codes are unique in a branch, so the number alone identifies the day's ticket,
            # and stays unique when a transfer moves A007 into service B.
            models.UniqueConstraint(fields=["branch", "day", "number"], name="ticket_number_unique_per_day"),
            # A counter serves one customer at a time: the last line of defence for call_next.
            models.UniqueConstraint(
                fields=["counter"], condition=Q(status="called"), name="one_called_ticket_per_counter"
            ),
        ]
        indexes = [
            # A service's queue today, in the order it is called: call next reads its head, and a ticket's
            # place counts the entries before it from the index alone.
            models.Index(fields=["service", "status", "day", "lane", "queued_at"], name="ticket_queue_today"),
            models.Index(fields=["branch", "issued_at"], name="ticket_branch_issued"),
            # The estimate reads a service's latest services: without this, each ticket issued would read
            # the service's whole history.
            models.Index(fields=["service", "status", "finished_at"], name="ticket_service_finished"),
            # Every statistic reads one branch's range of business days.
            # (With the hour, the dashboard's arrivals by weekday and hour count from the index alone.)
            models.Index(fields=["branch", "day", "issued_hour"], name="ticket_branch_day_hour"),
            # The last-to-enter-service predictor reads the service's latest call today.
            models.Index(fields=["service", "day", "called_at"], name="ticket_service_day_called"),
        ]

    def __str__(self):
        return self.number

    @staticmethod
    def new_token():
        return secrets.token_urlsafe(16)

    @property
    def is_closed(self):
        return self.status in self.CLOSED_STATUSES

    def is_expired(self, now):
        """Still waiting after its business day ended: it will not be called (see TicketQuerySet.in_queue)."""
        return self.status == self.Status.WAITING and self.day < self.branch.business_day(now)

    def visit_is_over(self, now):
        """Served, no-show, walked out, or left waiting when the day ended: the time for feedback."""
        return self.is_closed or self.is_expired(now)


class TicketSequence(models.Model):
    """The last number given out per service and business day; numbers come from here, never max()+1."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE)
    day = models.DateField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["service", "day"], name="one_sequence_per_service_day")]


class AuditTrailIsReadOnly(Exception):
    """The audit trail is written once, by the operation it records, and never changed or deleted."""


class OperationQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditTrailIsReadOnly("The audit trail cannot be changed.")

    def delete(self):
        raise AuditTrailIsReadOnly("The audit trail cannot be deleted from.")

    def undoable(self):
        return self.filter(kind__in=Operation.UNDOABLE)


class Operation(models.Model):
    """The audit trail: every staff operation, who made it, when, at which counter and on which ticket.

    Written by the operation itself, in its own transaction (tickets/actions.py), and by the admin for
    settings changes (tickets/audit.py); never changed afterwards, except that undo stamps the one it took
    back. Undo reads it too: ``before`` holds what undo puts back for the kinds it can take back (the
    affected tickets' fields in the order to restore them, and the counter's status before a close).
    The names are kept beside the keys, so the trail still says who and where once an account, a counter
    or a ticket is gone.
    """

    class Kind(models.TextChoices):
        CALL = "call", _("call next")
        RECALL = "recall", _("recall")
        SERVE = "serve", _("served")
        NO_SHOW = "no_show", _("no-show")
        TRANSFER = "transfer", _("transfer")
        PAUSE = "pause", _("pause counter")
        RESUME = "resume", _("open counter")
        CLOSE = "close", _("close counter")
        UNDO = "undo", _("undo")
        SIGN_IN = "sign_in", _("sign in at counter")
        LEAVE = "leave", _("leave counter")
        HOLD_BACK = "hold_back", _("feedback moderation")
        FEEDBACK_EXPORT = "feedback_export", _("feedback exported on request")
        FEEDBACK_DELETE = "feedback_delete", _("feedback deleted on request")
        FEEDBACK_FORGET = "feedback_forget", _("feedback notes forgotten (retention)")
        SETTINGS = "settings", _("settings changed in the admin")

    # What actions.undo can take back.
    UNDOABLE = (Kind.CALL, Kind.NO_SHOW, Kind.CLOSE)

    branch = models.ForeignKey(Branch, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    counter = models.ForeignKey(Counter, null=True, blank=True, on_delete=models.SET_NULL, related_name="operations")
    counter_name = models.CharField(max_length=50, blank=True)
    ticket = models.ForeignKey("Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    ticket_number = models.CharField(max_length=8, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    by_name = models.CharField(max_length=150, blank=True, help_text=_("Who, as their user name was then."))
    at = models.DateTimeField()
    summary = models.CharField(max_length=200, help_text=_("What it did, as the console said it."))
    before = models.JSONField(default=dict)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = OperationQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["counter", "at"], name="operation_counter_at"),
            # The manager's trail: one branch, newest first, a day at a time.
            models.Index(fields=["branch", "at"], name="operation_branch_at"),
        ]

    def __str__(self):
        return self.summary

    def save(self, *args, **kwargs):
        # Only undo's stamp may be written on an operation already kept.
        if not self._state.adding and set(kwargs.get("update_fields") or ()) != {"undone_at", "undone_by"}:
            raise AuditTrailIsReadOnly("The audit trail cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditTrailIsReadOnly("The audit trail cannot be deleted from.")


class Transfer(models.Model):
    """A ticket moved from one service to another by a teller: its history, kept for statistics."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="transfers")
    from_service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    to_service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    counter = models.ForeignKey(Counter, null=True, on_delete=models.SET_NULL, related_name="+")
    called_at = models.DateTimeField(help_text=_("When the ticket was called to the counter that transferred it."))
    transferred_at = models.DateTimeField()
    transferred_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["transferred_at", "id"]


class FeedbackQuerySet(models.QuerySet):
    def thanking(self):
        """Feedback that thanks its teller: five faces, or a note that thanks (tickets/shield.py) which is
        neither held back nor rated 1 or 2 ("thanks for nothing")."""
        return self.filter(Q(rating=5) | (Q(note_thanks=True, held_back=False) & ~Q(rating__in=[1, 2])))


class Feedback(models.Model):
    """The back of the paper card: an optional rating and an optional note, at most one per ticket."""

    NOTE_MAX_LENGTH = 500

    class Felt(models.TextChoices):
        # The same bands as the dashboard's actual waits (stats.WAIT_BANDS), in order: perceived.py compares them.
        UNDER_5 = "under_5_min", _("Under 5 minutes")
        FROM_5_TO_15 = "5_15_min", _("5 to 15 minutes")
        FROM_15_TO_30 = "15_30_min", _("15 to 30 minutes")
        OVER_30 = "over_30_min", _("Over 30 minutes")

    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="feedback")
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    note = models.TextField(max_length=NOTE_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField()
    perceived_wait = models.CharField(
        max_length=12, choices=Felt.choices, blank=True, help_text=_("How long the wait felt, if the customer said.")
    )
    # The feedback shield (tickets/shield.py): a held-back note never reaches a teller; managers see it, marked.
    held_back = models.BooleanField(
        default=False, help_text=_("Kept from the tellers: insulting words, or a manager's flag.")
    )
    flagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text=_("The manager who held the note back or let it through; empty when the word list decided."),
    )
    flagged_at = models.DateTimeField(null=True, blank=True)
    note_thanks = models.BooleanField(default=False, help_text=_("The note thanks (the thanks word list)."))

    objects = FeedbackQuerySet.as_manager()

    class Meta:
        verbose_name_plural = _("feedback")
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5), name="rating_1_to_5"
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=False) | ~Q(note="") | ~Q(perceived_wait=""), name="feedback_not_empty"
            ),
        ]

    def __str__(self):
        return gettext("Feedback on %(ticket)s") % {"ticket": self.ticket}


class NoteWord(models.Model):
    """A word or phrase of the feedback shield's lists (tickets/shield.py), edited by managers in the admin."""

    class Kind(models.TextChoices):
        INSULT = "insult", _("insulting: held back from tellers")
        THANKS = "thanks", _("thanks: shown to the teller")

    language = models.CharField(max_length=8, help_text=_("A language code: en, fil, pt, ..."))
    kind = models.CharField(max_length=8, choices=Kind.choices)
    word = models.CharField(
        max_length=60,
        help_text=_("Matched as whole words, whatever the case and accents: 'thank you' matches 'Thank YOU!'"),
    )

    class Meta:
        ordering = ["kind", "language", "word"]
        constraints = [models.UniqueConstraint(fields=["language", "kind", "word"], name="note_word_unique")]

    def __str__(self):
        return f"{self.word} ({self.language}, {self.kind})"


class BreakDay(models.Model):
    """A branch's breaks of one business day, as totals only: a teller's breaks are never listed, by design."""

    branch = models.ForeignKey(Branch, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    breaks = models.PositiveIntegerField(default=0)
    seconds = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["branch", "day"], name="one_break_total_per_branch_day")]


class StaffMembership(models.Model):
    """Staff belong to branches: tellers work the counters, managers also see the statistics."""

    class Role(models.TextChoices):
        TELLER = "teller", _("Teller")
        MANAGER = "manager", _("Manager")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    branch = models.ForeignKey(Branch, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.TELLER)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "branch"], name="one_membership_per_branch")]

    def __str__(self):
        return gettext("%(user)s (%(role)s at %(branch)s)") % {
            "user": self.user, "role": self.get_role_display(), "branch": self.branch}


class ApiTokenQuerySet(models.QuerySet):
    def create_token(self, user, name):
        """Make a token and return ``(api_token, raw_key)``; the raw key is shown once and never stored."""
        raw_key = "fl_" + secrets.token_urlsafe(32)
        token = self.create(user=user, name=name, prefix=raw_key[:10], key_hash=ApiToken.hash_key(raw_key))
        return token, raw_key


class ApiToken(models.Model):
    """A key for a bank's own systems; it acts as its user, with that user's branches and role."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text=_("What uses it, e.g. 'queue board integration'."))
    prefix = models.CharField(
        max_length=10, editable=False, help_text=_("The key's first characters, to tell keys apart.")
    )
    # The key is random and long, so a fast hash is enough: nobody can guess their way to a match.
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(raw_key):
        return hashlib.sha256(raw_key.encode()).hexdigest()

"""The bank's own systems hear each visit through signed webhooks (Standard Webhooks conventions).

An Endpoint is a receiver, for one branch or the whole bank. Each change of the queue writes an Event
and one Delivery per endpoint in the change's own transaction (the outbox: a crash loses none, a
rolled-back change writes none); the worker (``manage.py deliver_webhooks``) sends the deliveries.
"""

import base64
import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from tickets.models import Branch, Ticket


class EndpointQuerySet(models.QuerySet):
    def hearing(self, branch_id):
        """The active endpoints that hear a branch's events: its own and the bank-wide ones."""
        return self.filter(active=True).filter(models.Q(branch__isnull=True) | models.Q(branch_id=branch_id))


class Endpoint(models.Model):
    name = models.CharField(_("name"), max_length=100, help_text=_("What receives it, e.g. 'CRM'."))
    url = models.URLField(_("URL"), max_length=500, help_text=_("Where each event is POSTed, as JSON."))
    branch = models.ForeignKey(
        Branch, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("branch"),
        help_text=_("Only this branch's events; empty: every branch of the bank."),
    )
    # Kept as it is, not hashed: every delivery is signed with it. Shown once, when the endpoint is made.
    secret = models.CharField(max_length=100, editable=False)
    include_notes = models.BooleanField(
        _("include feedback notes"), default=False,
        help_text=_("Send what customers wrote with their feedback. Off: the rating only, never the words."),
    )
    active = models.BooleanField(_("active"), default=True, help_text=_("Inactive endpoints hear nothing new."))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EndpointQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("webhook endpoint")

    def __str__(self):
        return self.name

    @staticmethod
    def new_secret():
        """``whsec_`` and 24 random bytes in base64, as Standard Webhooks writes a secret."""
        return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()

    def save(self, *args, **kwargs):
        if not self.secret:
            self.secret = self.new_secret()
        super().save(*args, **kwargs)


class Event(models.Model):
    """One change, as integrators hear it: the same for every endpoint (its id is the ``webhook-id``)."""

    message_id = models.CharField(max_length=40, unique=True, editable=False)
    type = models.CharField(max_length=40)
    branch = models.ForeignKey(Branch, on_delete=models.CASCADE, related_name="+")
    # Kept if the ticket goes: the event happened all the same.
    ticket = models.ForeignKey(Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    occurred_at = models.DateTimeField()
    data = models.JSONField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-pk"]

    def __str__(self):
        return f"{self.type} {self.message_id}"

    @staticmethod
    def new_message_id():
        return "msg_" + secrets.token_urlsafe(18)


class Delivery(models.Model):
    """An event on its way to one endpoint: tried until received, for a day, then failed."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        DELIVERED = "delivered", _("delivered")
        FAILED = "failed", _("failed")

    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries")
    # Deliveries with the same key reach their endpoint in order ("ticket:12", "counter:3"): a receiver
    # hears A007 called before A007 served, though a retry may hold them back.
    order_key = models.CharField(max_length=40)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    # Until then a worker holds it (outboxes.claim); a worker killed mid-delivery leaves it to the next.
    leased_until = models.DateTimeField(null=True, blank=True)
    # Retries stop a day after this: the event's time, or when someone pressed "send again".
    retrying_since = models.DateTimeField()
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        indexes = [
            # The worker's read: what is due now.
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due"),
            # "Nothing earlier of the same ticket is still on its way to this endpoint."
            models.Index(fields=["endpoint", "order_key", "status"], name="delivery_in_order"),
        ]

    def __str__(self):
        return f"{self.event.type} to {self.endpoint}"

"""Text messages to customers who ask for them: "you are next" and "your turn, counter 3".

A customer leaves a mobile number on their ticket's phone page; it is kept only while the ticket is open
(waiting or called, that business day) and deleted when the ticket ends, with any text not yet sent.
A text sent keeps its words and when it went, never the number. Nothing else needs a number.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from tickets.models import Ticket


class Mobile(models.Model):
    """The number a ticket's holder left for texts about this ticket, while it is open."""

    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="+")
    number = models.CharField(max_length=16, help_text=_("International form: + then 8 to 15 digits."))
    # "You are next" goes once per queue the ticket waits in (a transfer puts it in another).
    told_next = models.BooleanField(default=False)
    created_at = models.DateTimeField()

    def __str__(self):
        return f"Mobile for {self.ticket}"

    @property
    def masked(self):
        """What the phone page shows back: enough to recognise one's own number, not to read it off a screen."""
        from .backends import masked

        return masked(self.number)


class TextMessage(models.Model):
    """A text on its way (the outbox of texts), sent by the worker; the number goes once it is sent."""

    class Kind(models.TextChoices):
        NEXT = "next", _("you are next")
        CALLED = "called", _("your turn")

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    ticket = models.ForeignKey(Ticket, null=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    number = models.CharField(max_length=16, blank=True)
    text = models.CharField(max_length=320)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField()
    next_attempt_at = models.DateTimeField()
    leased_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="text_due")]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.status})"

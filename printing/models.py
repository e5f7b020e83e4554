"""The branch's kiosks, each with the printer beside it: the browser's print dialog, or a thermal printer
spoken to directly in ESC/POS, over the network (raw TCP, port 9100) or USB.

A kiosk also remembers how its printer last did (a ticket printed, a failure and why), so the manager's
dashboard can say a printer is out of paper before a queue of customers says it.
"""

import hashlib
import re
import secrets

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy as _

from tickets.models import Branch

# As `lsusb` prints a device: vendor and product ids in hex, e.g. 04b8:0e15 (an Epson TM-T20).
USB_DEVICE = re.compile(r"^([0-9a-fA-F]{4}):([0-9a-fA-F]{4})\Z")


# The cookie that keeps a registered kiosk's device key in its browser (printing/views.register).
KEY_COOKIE = "frontline_kiosk"


def hash_key(raw_key):
    # The key is random and long, so a fast hash is enough: nobody can guess their way to a match.
    return hashlib.sha256(raw_key.encode()).hexdigest()


class KioskQuerySet(models.QuerySet):
    def printing_directly(self):
        """The kiosks that print on a thermal printer of their own, whose state the manager watches."""
        return self.exclude(printer=Kiosk.Printer.BROWSER)

    def registered(self, request, branch):
        """The kiosk of ``branch`` whose device key this browser keeps, or None."""
        raw_key = request.COOKIES.get(KEY_COOKIE, "")
        if not raw_key or len(raw_key) > 100:
            return None
        return self.filter(branch=branch, key_hash=hash_key(raw_key)).first()


class Kiosk(models.Model):
    class Printer(models.TextChoices):
        BROWSER = "browser", _("The browser's print dialog (Chromium with --kiosk-printing)")
        NETWORK = "network", _("Network printer (ESC/POS over raw TCP)")
        USB = "usb", _("USB printer (ESC/POS)")

    class Paper(models.IntegerChoices):
        MM80 = 80, _("80 mm roll")
        MM58 = 58, _("58 mm roll")

    branch = models.ForeignKey(Branch, on_delete=models.CASCADE, related_name="kiosks")
    name = models.CharField(max_length=100, help_text=_("As staff call it, e.g. Entrance."))
    slug = models.SlugField(help_text=_("Its address: /b/<branch>/kiosk/<this>/."))
    printer = models.CharField(max_length=10, choices=Printer.choices, default=Printer.BROWSER)
    host = models.CharField(
        max_length=255, blank=True, help_text=_("Network printer: its IP address or host name, e.g. 10.1.2.30.")
    )
    port = models.PositiveIntegerField(
        default=9100, validators=[MinValueValidator(1), MaxValueValidator(65535)],
        help_text=_("Network printer: its raw TCP port (9100 on nearly every printer)."),
    )
    usb_device = models.CharField(
        _("USB device"), max_length=9, blank=True,
        validators=[RegexValidator(USB_DEVICE, _("Vendor and product id in hex, as lsusb shows them: 04b8:0e15."))],
        help_text=_("USB printer: vendor:product id as `lsusb` shows them, e.g. 04b8:0e15."),
    )
    paper_width = models.PositiveSmallIntegerField(choices=Paper.choices, default=Paper.MM80)

    # Its device key (new_key): the kiosk's browser keeps it in a cookie, and has the kiosk's own ticket limit
    # instead of its address's. Only a hash is stored; the key is shown once, in the admin.
    key_hash = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    key_set_at = models.DateTimeField(null=True, blank=True, editable=False, help_text=_("When its device key was made."))

    # How the printer last did, written after each attempt (printing/printer.py), never in a ticket's transaction.
    last_printed_at = models.DateTimeField(null=True, blank=True, help_text=_("When it last printed a ticket."))
    last_failed_at = models.DateTimeField(null=True, blank=True, help_text=_("When a ticket last failed to print."))
    last_failure = models.CharField(max_length=200, blank=True, help_text=_("Why it last failed."))

    objects = KioskQuerySet.as_manager()

    class Meta:
        ordering = ["branch", "name"]
        constraints = [models.UniqueConstraint(fields=["branch", "slug"], name="kiosk_slug_unique_in_branch")]

    def __str__(self):
        return f"{self.name} ({self.branch})"

    def clean(self):
        # Each connection needs its own address: refused here, in words, rather than at the first ticket.
        if self.printer == self.Printer.NETWORK and not self.host:
            raise ValidationError({"host": gettext("A network printer needs its IP address or host name.")})
        if self.printer == self.Printer.USB and not self.usb_device:
            raise ValidationError({"usb_device": gettext("A USB printer needs its vendor:product id, e.g. 04b8:0e15.")})

    def get_absolute_url(self):
        return reverse("kiosk-at", kwargs={"slug": self.branch.slug, "kiosk": self.slug})

    @property
    def prints_itself(self):
        """Whether the server prints its tickets (ESC/POS) rather than the kiosk's browser."""
        return self.printer != self.Printer.BROWSER

    @property
    def usb_ids(self):
        """(vendor, product) as numbers."""
        vendor, product = USB_DEVICE.match(self.usb_device).groups()
        return int(vendor, 16), int(product, 16)

    @property
    def address(self):
        """Where its printer is, as a technician would look for it."""
        if self.printer == self.Printer.NETWORK:
            return f"{self.host}:{self.port}"
        if self.printer == self.Printer.USB:
            return f"USB {self.usb_device.lower()}"
        return "browser"

    @property
    def printer_failing(self):
        """Its last attempt failed: nothing printed since the last failure."""
        return self.last_failed_at is not None and (
            self.last_printed_at is None or self.last_failed_at >= self.last_printed_at
        )

    def record_print(self, now, failure=None):
        """Keep how the printer did at ``now``: one UPDATE of these columns only, so an admin's edit of the
        kiosk meanwhile is not written over."""
        if failure is None:
            changes = {"last_printed_at": now}
        else:
            changes = {"last_failed_at": now, "last_failure": failure[:200]}
        Kiosk.objects.filter(pk=self.pk).update(**changes)
        for field, value in changes.items():
            setattr(self, field, value)

    record_print.alters_data = True

    def new_key(self, now):
        """Give the kiosk a new device key, which ends the old one, and return it (shown once: only its hash is kept)."""
        raw_key = "fk_" + secrets.token_urlsafe(32)
        self.key_hash, self.key_set_at = hash_key(raw_key), now
        Kiosk.objects.filter(pk=self.pk).update(key_hash=self.key_hash, key_set_at=now)
        return raw_key

    new_key.alters_data = True

    def get_register_url(self):
        return reverse("kiosk-register", kwargs={"slug": self.branch.slug, "kiosk": self.slug})


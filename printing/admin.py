from django.contrib import admin, messages
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_lazy as _

from .models import Kiosk
from .printer import print_test


@admin.register(Kiosk)
class KioskAdmin(admin.ModelAdmin):
    list_display = ["name", "branch", "printer", "paper_width", "printer_state", "page", "registered"]
    list_filter = ["branch", "printer"]
    search_fields = ["name", "slug", "host"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["branch", "name", "slug", "page"]}),
        (_("Printer"), {
            "fields": ["printer", "paper_width", "host", "port", "usb_device"],
            "description": _("Where the tickets of this kiosk print. A network printer needs its host (port 9100 "
                             "unless its manual says otherwise); a USB printer its vendor:product id from `lsusb`, "
                             "on the machine that runs Frontline."),
        }),
        # Written by each print, never by hand: it is what the dashboard tells the manager.
        (_("How the printer last did"), {"fields": ["last_printed_at", "last_failed_at", "last_failure"]}),
        (_("Device key"), {
            "fields": ["key_set_at"],
            "description": _("A registered kiosk has its own ticket limit (KIOSK_TICKETS_PER_MINUTE) instead of its "
                             "address's. Make a key with the action on the kiosk list, then open the registration "
                             "page it names in the kiosk's browser and type the key once."),
        }),
    ]
    readonly_fields = ["page", "last_printed_at", "last_failed_at", "last_failure", "key_set_at"]
    actions = ["print_test_page", "make_device_key"]

    @admin.action(description="Make a new device key for the selected kiosks (ends their old one)")
    def make_device_key(self, request, kiosks):
        for kiosk in kiosks.select_related("branch"):
            raw_key = kiosk.new_key(timezone.now())
            self.log_change(request, kiosk, "Made a new device key.")  # so the audit trail has it too
            self.message_user(
                request, f"{kiosk.name}: device key, shown only this once: {raw_key} — type it at "
                         f"{request.build_absolute_uri(kiosk.get_register_url())} in the kiosk's browser.",
                messages.WARNING,
            )

    @admin.display(description="Device key", boolean=True)
    def registered(self, kiosk):
        return bool(kiosk.key_hash)

    @admin.action(description=_("Print a test page on the selected kiosks' printers"))
    def print_test_page(self, request, kiosks):
        for kiosk in kiosks.select_related("branch"):
            if not kiosk.prints_itself:
                self.message_user(request, gettext("%(kiosk)s: prints through its browser; open its page to test it.")
                                  % {"kiosk": kiosk.name}, messages.WARNING)
                continue
            failure = print_test(kiosk, request.build_absolute_uri(kiosk.get_absolute_url()))
            if failure:
                self.message_user(request, gettext("%(kiosk)s: the test page did not print: %(failure)s")
                                  % {"kiosk": kiosk.name, "failure": failure}, messages.ERROR)
            else:
                self.message_user(request, gettext("%(kiosk)s: the test page went to %(address)s.")
                                  % {"kiosk": kiosk.name, "address": kiosk.address}, messages.SUCCESS)

    @admin.display(description=_("Kiosk page"))
    def page(self, kiosk):
        if not kiosk.pk:
            return gettext("/b/<branch>/kiosk/<slug>/, once saved: open it in the kiosk's browser.")
        return format_html('<a href="{0}">{0}</a>', kiosk.get_absolute_url())

    @admin.display(description=_("Printer state"))
    def printer_state(self, kiosk):
        if not kiosk.prints_itself:
            return "–"
        if kiosk.printer_failing:
            return gettext("failing: %(failure)s") % {"failure": kiosk.last_failure}
        return gettext("printing") if kiosk.last_printed_at else gettext("nothing printed yet")

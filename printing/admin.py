from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_lazy as _

from .models import Kiosk
from .printer import print_test


@admin.register(Kiosk)
class KioskAdmin(admin.ModelAdmin):
    list_display = ["name", "branch", "printer", "paper_width", "printer_state", "page"]
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
    ]
    readonly_fields = ["page", "last_printed_at", "last_failed_at", "last_failure"]
    actions = ["print_test_page"]

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

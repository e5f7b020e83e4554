"""The kiosks' printers as the manager's dashboard shows them: which print, which fail, since when, and why."""

from django.utils.formats import date_format
from django.utils.translation import gettext

from .models import Kiosk


def _when(moment, branch, today):
    """A time in the branch's zone: "10:32" today, "2 Dec 10:32" before (the month in the page's language)."""
    if moment is None:
        return None
    local = moment.astimezone(branch.zone)
    return local.strftime("%H:%M") if local.date() == today else date_format(local, "j M H:i")


def printer_states(branch, now):
    today = branch.business_day(now)
    return [
        {
            "kiosk": kiosk.name,
            "printer": gettext("%(address)s, %(width)s mm") % {"address": kiosk.address, "width": kiosk.paper_width},
            "failing": kiosk.printer_failing,
            "printed": kiosk.last_printed_at is not None,
            "last_printed": _when(kiosk.last_printed_at, branch, today),
            "last_failed": _when(kiosk.last_failed_at, branch, today),
            "failure": kiosk.last_failure if kiosk.last_failed_at else "",
        }
        for kiosk in Kiosk.objects.filter(branch=branch).printing_directly()
    ]

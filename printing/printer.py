"""Sending a ticket to a kiosk's thermal printer, after the ticket is issued, within a short deadline.

The ticket is committed before anything here runs, so a printer that is off, refuses, or is out of paper
costs the customer their paper, never their place: the kiosk shows the ticket's QR code instead, and the
printer's state is kept for the manager's dashboard (Kiosk.record_print). All of it happens within
DEADLINE seconds, so the kiosk tells the customer at once rather than after a socket's minute.
"""

import logging
import socket
import time

from django.utils import timezone
from escpos.constants import RT_MASK_NOPAPER, RT_MASK_ONLINE, RT_STATUS_ONLINE, RT_STATUS_PAPER
from escpos.exceptions import DeviceNotFoundError
from escpos.printer import Network, Usb

from .layout import job_for_test_page, ticket_job
from .models import Kiosk

logger = logging.getLogger(__name__)

# The whole attempt: connect, ask the printer's state, send the ticket. The kiosk then answers at once, so a
# customer sees either "take your ticket below" or the QR code to use instead well within 2 seconds.
DEADLINE = 1.5
# Of which the connection may take this much: a printer on the branch's network answers in milliseconds.
CONNECT_TIMEOUT = 0.8
# And each status question this much: a printer that does not answer them is simply not asked again.
STATUS_TIMEOUT = 0.25


class PrinterFailed(Exception):
    """The printer did not take the ticket; the message says why, for the manager."""


def print_ticket(kiosk, context):
    """Print the ticket of ``context`` (tickets.views.print_context) on the kiosk's printer, and keep how it
    went. True if the printer took it; False, logged and kept on the kiosk, if not. Never raises."""
    ticket = context["ticket"]
    failure = _print(kiosk, lambda: ticket_job(context, kiosk.paper_width))
    if failure:
        logger.warning("printer failed kiosk=%s ticket=%s: %s", kiosk.pk, ticket.number, failure)
    else:
        logger.info("printed kiosk=%s ticket=%s", kiosk.pk, ticket.number)
    return failure is None


def print_test(kiosk, kiosk_url):
    """Print the admin's test page (layout.job_for_test_page): None if it printed, else why not."""
    return _print(kiosk, lambda: job_for_test_page(kiosk, kiosk_url, timezone.now()))


def _print(kiosk, make_job):
    """Lay out a job, send it, and keep how it went on the kiosk: None if it printed, else why not."""
    try:
        send(kiosk, make_job())
    except Exception as error:  # whatever the printer or its driver does, the ticket already exists
        failure = str(error) if isinstance(error, PrinterFailed) else f"unexpected error: {error!r}"
    else:
        failure = None
    try:
        kiosk.record_print(timezone.now(), failure=failure)
    except Exception:  # the dashboard misses one outcome; the customer still gets their answer
        logger.exception("printer state not kept kiosk=%s", kiosk.pk)
    return failure


def send(kiosk, job):
    """Send ``job`` (ESC/POS bytes) to the kiosk's printer, or raise PrinterFailed saying why."""
    deadline = time.monotonic() + DEADLINE
    printer = _connect(kiosk)
    try:
        _check_ready(printer, kiosk, deadline)
        _set_timeout(printer, kiosk, max(deadline - time.monotonic(), 0.05))
        try:
            printer._raw(job)  # the library's way to send a job made on its Dummy printer
        except Exception as error:
            raise PrinterFailed(f"{kiosk.address} stopped taking the job: {_cause(error)}") from error
    finally:
        printer.close()


def _connect(kiosk):
    if kiosk.printer == Kiosk.Printer.NETWORK:
        printer = Network(kiosk.host, kiosk.port, timeout=CONNECT_TIMEOUT)
    elif kiosk.printer == Kiosk.Printer.USB:
        vendor, product = kiosk.usb_ids
        printer = Usb(vendor, product, timeout=int(DEADLINE * 1000))
    else:
        raise PrinterFailed("this kiosk prints through its browser")
    try:
        printer.open()
    except DeviceNotFoundError as error:
        # The library's message wraps the cause (refused, timed out, no such USB device) in lines of its own.
        if kiosk.printer == Kiosk.Printer.USB:
            raise PrinterFailed(f"no USB printer {kiosk.usb_device.lower()} found (unplugged, or no permission)") from error
        raise PrinterFailed(f"no connection to {kiosk.address}: {_cause(error)}") from error
    except Exception as error:  # e.g. pyusb without libusb on the machine
        raise PrinterFailed(f"{kiosk.address} could not be opened: {_cause(error)}") from error
    return printer


def _check_ready(printer, kiosk, deadline):
    """Ask the printer whether it has paper and is online (DLE EOT, real-time status): a printer out of paper
    takes a job without a word and prints nothing. One that does not answer is given the ticket anyway.
    Paper first: a printer without paper is offline too, and "out of paper" tells the manager what to do."""
    for question in (RT_STATUS_PAPER, RT_STATUS_ONLINE):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return
        _set_timeout(printer, kiosk, min(STATUS_TIMEOUT, remaining))
        try:
            answer = printer.query_status(question)
        except Exception:  # no answer in time: a printer that does not report its state
            return
        if not answer:
            raise PrinterFailed(f"{kiosk.address} closed the connection")
        if question == RT_STATUS_ONLINE and answer[0] & RT_MASK_ONLINE:
            raise PrinterFailed("offline (cover open, paper out, or an error on the printer)")
        if question == RT_STATUS_PAPER and answer[0] & RT_MASK_NOPAPER == RT_MASK_NOPAPER:
            raise PrinterFailed("out of paper")


def _set_timeout(printer, kiosk, seconds):
    if kiosk.printer == Kiosk.Printer.NETWORK:
        printer.device.settimeout(seconds)
    else:
        # pyusb counts in milliseconds; the library reads status with the device's default.
        printer.device.default_timeout = max(int(seconds * 1000), 1)
        printer.timeout = max(int(seconds * 1000), 1)


def _cause(error):
    """What went wrong underneath the library's wrapping, in a few words."""
    cause = error.__cause__ or error.__context__ or error
    if isinstance(cause, ConnectionRefusedError):
        return "connection refused (is the printer on, and is this its address?)"
    if isinstance(cause, (socket.timeout, TimeoutError)):
        return "no answer in time"
    return str(cause) or cause.__class__.__name__

"""The paper ticket in ESC/POS, for 80 mm and 58 mm rolls: what the browser's print page shows
(templates/tickets/print.html), from the same context (tickets.views.print_context), laid out by
python-escpos into one job of bytes.

The whole job is made first, on the library's Dummy printer, and sent to the printer in one write
(printing/printer.py): a printer that fails half way has not printed half a ticket's commands, and the
layout is tested without a printer.
"""

import textwrap

from django.utils import dateformat
from escpos.constants import QR_ECLEVEL_M
from escpos.printer import Dummy

from tickets import words

# Characters per line in the printer's standard font (12 x 24 dots): 576 dots across an 80 mm roll's
# 72 mm printable width, 384 across a 58 mm roll's 48 mm.
COLUMNS = {80: 48, 58: 32}
# The QR code's module, in dots: about 33 mm square on 80 mm paper, 25 mm on 58 mm, for a phone at arm's length.
QR_DOTS = {80: 8, 58: 6}
# The print page's time format, in the branch's zone.
TIME_FORMAT = "j M Y, H:i"


def ticket_job(context, paper_width):
    """The bytes that print the ticket of ``context`` on a roll ``paper_width`` mm wide, ending with a cut."""
    printer = Dummy()
    lay_out(printer, context, paper_width)
    return printer.output


def lay_out(printer, context, paper_width):
    ticket, state = context["ticket"], context["state"]
    columns = COLUMNS[paper_width]
    printer.hw("INIT")  # whatever the last job left set (double size, bold) is reset
    printer.set(align="center", bold=True)
    _lines(printer, ticket.branch.name, columns)
    printer.ln()
    # Double size: the number is what a customer reads across the lobby, on paper as on the screens.
    printer.set(double_width=True, double_height=True, bold=True)
    printer.textln(ticket.number)
    printer.set(normal_textsize=True, bold=False)
    _lines(printer, ticket.service.name + (words.WORDS["priority"] if ticket.priority else ""), columns)
    printer.ln()
    printer.set(align="left")
    position = state["position"]
    printer.textln(_row(words.WORDS["ticket_people_ahead"], str(position - 1) if position else _plain(words.WORDS["unknown"]), columns))
    printer.textln(_row(words.WORDS["ticket_estimated_wait"], _plain(words.span(state["quoted_range"])), columns))
    printer.ln()
    printer.set(align="center")
    _lines(printer, words.WORDS["ticket_watch"], columns)
    # Drawn by the printer itself (GS ( k): sharper than a picture of one, and a few bytes, not kilobytes.
    # Centred by the alignment above: the library centres only the codes it draws as pictures.
    printer.qr(context["phone_url"], native=True, size=QR_DOTS[paper_width], ec=QR_ECLEVEL_M)
    printer.ln()
    _lines(printer, words.WORDS["ticket_scan"], columns)
    printer.textln(dateformat.format(ticket.issued_at.astimezone(ticket.branch.zone), TIME_FORMAT))
    printer.cut()


def job_for_test_page(kiosk, kiosk_url, now):
    """A short page that proves the printer, its roll and its cutter work: what an administrator prints
    from the admin after setting a kiosk up. Its QR code is the kiosk's own page."""
    printer = Dummy()
    columns = COLUMNS[kiosk.paper_width]
    printer.hw("INIT")
    printer.set(align="center", bold=True)
    _lines(printer, kiosk.branch.name, columns)
    printer.set(double_width=True, double_height=True, bold=True)
    printer.textln("TEST")
    printer.set(normal_textsize=True, bold=False)
    _lines(printer, f"{kiosk.name}: {kiosk.address}, {kiosk.paper_width} mm", columns)
    printer.textln("-" * columns)  # the roll's full width: a shorter line means a wrong paper width
    printer.qr(kiosk_url, native=True, size=QR_DOTS[kiosk.paper_width], ec=QR_ECLEVEL_M)
    printer.ln()
    printer.textln(dateformat.format(now.astimezone(kiosk.branch.zone), TIME_FORMAT))
    printer.cut()
    return printer.output


def _lines(printer, text, columns):
    """``text`` broken between words to fit the roll, each line printed."""
    for line in textwrap.wrap(text, columns) or [""]:
        printer.textln(line)


def _row(label, value, columns):
    """A label on the left and its value on the right of one line, as the print page's <dl> shows them."""
    room = columns - len(value) - 1
    return label[:room].ljust(room) + " " + value


def _plain(text):
    # The dash the screens write for "unknown" has no place in most printers' code pages.
    return text.replace("–", "-")

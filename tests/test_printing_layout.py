"""The paper ticket in ESC/POS, laid out on python-escpos's Dummy printer for 80 mm and 58 mm rolls: what
the browser's print page says, from its context, with the QR code drawn by the printer and a cut."""

import datetime

import pytest
import time_machine
from django.test import RequestFactory

from printing.layout import COLUMNS, ticket_job
from tickets import actions, words
from tickets.views import print_context

from .escpos import decode

WIDTHS = [80, 58]
ISSUED = datetime.datetime(2026, 6, 10, 8, 5, tzinfo=datetime.UTC)  # 09:05 in Lisbon (summer time)


def printed(ticket, width, host="127.0.0.1:8000"):
    request = RequestFactory().get("/", HTTP_HOST=host)
    context = print_context(request, ticket, "/b/main/kiosk/entrance/")
    return decode(ticket_job(context, width)), context


@pytest.fixture
def ahead_of_it(deposits, counter):
    with time_machine.travel(ISSUED - datetime.timedelta(minutes=3), tick=False):
        actions.issue_ticket(deposits)
        actions.issue_ticket(deposits)


@pytest.fixture
def ticket(deposits, counter, ahead_of_it):
    with time_machine.travel(ISSUED, tick=False):
        return actions.issue_ticket(deposits)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_ticket_says_what_the_print_page_says(ticket, width):
    with time_machine.travel(ISSUED, tick=False):
        paper, context = printed(ticket, width)
    assert paper.text[0] == "Main Street"
    number = next(line for line in paper.lines if line.text == "A003")
    assert number.double and number.bold and number.align == "center"
    assert "Deposits" in paper.text
    # People ahead and the estimate, as the print page's context has them (two customers before this one).
    assert context["state"]["position"] == 3
    ahead = next(line.text for line in paper.lines if line.text.startswith("People ahead"))
    assert ahead.split()[-1] == "2"
    wait = next(line.text for line in paper.lines if line.text.startswith("Estimated wait"))
    # The range told when it was issued, as the paper of the print page says it.
    assert wait.endswith(words.span(context["state"]["quoted_range"])) and " min" in wait
    # The issue time in the branch's zone, as the print page writes it.
    assert "10 Jun 2026, 09:05" in paper.text


@pytest.mark.parametrize("width", WIDTHS)
def test_every_line_fits_the_roll(ticket, width):
    ticket.branch.name = "Main Street and Harbour Road, corner of the old market square"
    paper, _ = printed(ticket, width)
    assert all(len(line.text) * (2 if line.double else 1) <= COLUMNS[width] for line in paper.lines), paper.text
    # Long words lines are broken between words, and nothing of the name is lost.
    assert " ".join(paper.text[:3]).startswith(ticket.branch.name)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_printer_draws_the_qr_code_of_the_phone_address_then_cuts(ticket, width):
    paper, context = printed(ticket, width)
    # Exactly what the print page's QR code encodes: the ticket's own phone address.
    assert paper.qr_codes == [context["phone_url"]] == [f"http://127.0.0.1:8000/t/{ticket.token}/"]
    kinds = paper.kinds()
    assert kinds[0] == "init"
    assert kinds[-1] == "cut", "the ticket ends with a cut"
    assert kinds.index("qr") < kinds.index("cut")


def test_a_58_mm_roll_gets_a_smaller_qr_code_than_an_80_mm_one(ticket):
    modules = {
        width: next(event[1] for event in printed(ticket, width)[0].events if isinstance(event, tuple) and event[0] == "qr-module")
        for width in WIDTHS
    }
    # 8 dots a module on 80 mm (about 33 mm square for a phone's address), 6 on 58 mm.
    assert modules == {80: 8, 58: 6}


def test_a_priority_ticket_says_so_under_its_service(deposits, counter):
    ticket = actions.issue_ticket(deposits, priority=True)
    paper, _ = printed(ticket, 80)
    assert "Deposits · priority" in paper.text


def test_without_an_open_counter_no_estimate_is_made_up(deposits):
    ticket = actions.issue_ticket(deposits)
    paper, context = printed(ticket, 80)
    assert context["state"]["estimated_wait"] is None
    wait = next(line.text for line in paper.lines if line.text.startswith("Estimated wait"))
    assert wait.split()[-1] == "-"


def test_a_branch_name_with_accents_prints_as_written(ticket):
    ticket.branch.name = "São João – Agência"
    paper, _ = printed(ticket, 80)
    assert paper.text[0] == "São João – Agência"

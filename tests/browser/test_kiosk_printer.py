"""A kiosk with its own thermal printer, in a real browser: the ticket prints on the printer (no print
dialog), and when the printer refuses, the kiosk shows within 2 s that the customer should take their
ticket on their phone, with the QR code on screen, and the ticket exists."""

import re
import socket
import time

import pytest
from playwright.sync_api import expect

from printing.models import Kiosk
from tickets.models import Ticket

from ..escpos import FakePrinter, decode
from ..qrcodes import encodes
from .conftest import add_axe, shot

pytestmark = pytest.mark.django_db(transaction=True)

PORTRAIT = {"width": 1080, "height": 1920}
# Printing is never slower than this for the customer: the printer's deadline and the page.
FALLBACK_WITHIN = 2.0


def networked_kiosk(branch, port):
    return Kiosk.objects.create(branch=branch, name="Entrance", slug="entrance", printer=Kiosk.Printer.NETWORK,
                                host="127.0.0.1", port=port)


def refusing_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def opened_kiosk(open_page):
    page = open_page(PORTRAIT)
    # A print dialog would be a second ticket (or none, on a kiosk whose printer is not the browser's).
    page.add_init_script("window.print = () => { window.printed = (window.printed || 0) + 1; }")
    page.goto("/b/main/kiosk/entrance/")
    return page


def test_a_refusing_printer_makes_the_kiosk_offer_the_phone_within_2_seconds(open_page, branch, deposits):
    networked_kiosk(branch, refusing_port())
    kiosk = opened_kiosk(open_page)
    started = time.monotonic()
    kiosk.get_by_role("button", name=re.compile("Deposits")).click()
    expect(kiosk.get_by_role("alert")).to_have_text(re.compile("take your ticket on your phone instead"),
                                                    timeout=FALLBACK_WITHIN * 1000)
    elapsed = time.monotonic() - started
    assert elapsed < FALLBACK_WITHIN, f"the fallback took {elapsed:.2f} s"
    ticket = Ticket.objects.get()
    assert ticket.status == Ticket.Status.WAITING
    expect(kiosk.get_by_role("heading", level=1)).to_have_text("Your number is A001")
    # The QR code on screen is the ticket's own phone page, large enough to scan from the kiosk.
    qr = kiosk.locator(".issued .no-paper .qr svg")
    expect(qr).to_be_visible()
    assert qr.bounding_box()["width"] >= 150
    assert encodes(kiosk.content(), f"{kiosk.url.split('/t/')[0]}/t/{ticket.token}/")
    expect(kiosk.locator(".issued .take")).to_have_count(0)
    assert kiosk.evaluate("window.printed || 0") == 0
    shot(kiosk, "kiosk-printer-failed-1080x1920")


def test_the_kiosks_printer_prints_the_ticket_and_the_browser_opens_no_dialog(open_page, branch, deposits):
    with FakePrinter() as fake:
        networked_kiosk(branch, fake.port)
        kiosk = opened_kiosk(open_page)
        kiosk.get_by_role("button", name=re.compile("Deposits")).click()
        expect(kiosk.locator(".issued .take")).to_have_text("Take your ticket below")
        paper = decode(fake.wait_for_job())
    ticket = Ticket.objects.get()
    assert "A001" in paper.text
    assert paper.qr_codes == [f"{kiosk.url.split('/t/')[0]}/t/{ticket.token}/"]
    expect(kiosk.get_by_role("alert")).to_have_count(0)
    kiosk.wait_for_timeout(300)  # when the browser's print would have been called
    assert kiosk.evaluate("window.printed || 0") == 0


def test_after_the_fallback_the_kiosk_is_ready_for_the_next_customer(open_page, branch, deposits):
    networked_kiosk(branch, refusing_port())
    kiosk = open_page(PORTRAIT)
    kiosk.clock.install()
    kiosk.goto("/b/main/kiosk/entrance/")
    kiosk.get_by_role("button", name=re.compile("Deposits")).click()
    expect(kiosk.get_by_role("alert")).to_be_visible()
    # The page's script has set its timer by its load: only then may the fake clock run (under load the
    # alert was seen before print.js ran, and the clock ran past a timer not yet set).
    kiosk.wait_for_load_state("load")
    kiosk.clock.run_for(15_000)
    expect(kiosk.get_by_role("alert")).to_be_visible()  # time to scan the code
    kiosk.clock.run_for(20_000)
    kiosk.wait_for_url("**/b/main/kiosk/entrance/")
    expect(kiosk.get_by_role("button", name=re.compile("Deposits"))).to_contain_text("1 waiting")


def test_the_fallback_screen_meets_wcag_aa(open_page, branch, deposits):
    networked_kiosk(branch, refusing_port())
    kiosk = opened_kiosk(open_page)
    kiosk.get_by_role("button", name=re.compile("Deposits")).click()
    expect(kiosk.get_by_role("alert")).to_be_visible()
    add_axe(kiosk)
    results = kiosk.evaluate(
        "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    assert [violation["id"] for violation in results["violations"]] == []


@pytest.mark.parametrize("viewport", [{"width": 768, "height": 1024}, {"width": 1440, "height": 900}],
                         ids=["tablet", "desk"])
def test_the_manager_sees_the_failing_printer_on_a_dashboard_that_still_fits(open_page, branch, deposits, viewport):
    from .conftest import sign_in
    from .test_dashboard_screens import OVERFLOW

    networked_kiosk(branch, refusing_port())
    kiosk = opened_kiosk(open_page)
    kiosk.get_by_role("button", name=re.compile("Deposits")).click()
    expect(kiosk.get_by_role("alert")).to_be_visible()
    page = open_page(viewport)
    sign_in(page, "manager", "/b/main/stats/")
    printers = page.get_by_role("region", name="Kiosk printers")
    expect(printers).to_contain_text("Not printing")
    expect(printers).to_contain_text("connection refused")
    assert page.evaluate(OVERFLOW) == {"page": 0, "tables": []}
    printers.screenshot(path=f"screenshots/dashboard-printers-{viewport['width']}.png")

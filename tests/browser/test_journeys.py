"""Every journey of a customer, a teller and a manager, as they see it, in Chromium."""

import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from playwright.sync_api import expect

from tickets import actions
from tickets.models import Ticket

from .conftest import PHONE, TABLET, TV, shot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def in_another_thread(work):
    """Run ``work`` outside Playwright's event loop thread, as a plain synchronous caller."""
    def run():
        try:
            return work()
        finally:
            connection.close()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(run).result()


def waiting_count(display, code):
    return display.locator(f'#waiting [data-code="{code}"] .count')


def test_kiosk_prints_a_ticket_and_returns_to_the_start(open_page):
    kiosk = open_page(TABLET, "/b/main/kiosk/")
    shot(kiosk, "kiosk-tablet")
    kiosk.get_by_role("button", name=re.compile("Deposits")).click()
    expect(kiosk.locator(".issued-number")).to_have_text("A001")
    expect(kiosk.locator(".issued .qr svg")).to_be_visible()
    expect(kiosk.locator(".paper-ticket .number")).to_have_text("A001")
    expect(kiosk.locator(".paper-ticket")).to_contain_text("Scan to follow your turn and leave a note")
    shot(kiosk, "kiosk-your-number-tablet")
    kiosk.wait_for_url("**/b/main/kiosk/", timeout=20_000)
    expect(kiosk.get_by_role("button", name=re.compile("Deposits"))).to_contain_text("1 waiting")


def test_display_follows_the_queue_and_the_tellers_calls(open_page, floor, counter):
    display = open_page(TV, "/b/main/display/")
    expect(waiting_count(display, "A")).to_have_text("0")
    # The script keeps the clock in the 24-hour look the server drew it in, whatever the browser's language.
    display.wait_for_function("() => document.getElementById('clock').textContent.trim().length > 0")
    expect(display.locator("#clock")).to_have_text(re.compile(r"^\d{2}:\d{2}$"))
    shot(display, "display-idle-tv")
    for _ in range(3):
        floor.take("A")
    expect(waiting_count(display, "A")).to_have_text("3")

    teller = open_page(TABLET)
    sign_in(teller, "teller", f"/staff/counters/{counter.pk}/")
    teller.get_by_role("button", name=re.compile("Call next")).click()
    expect(teller.get_by_role("status")).to_contain_text("A001 called to counter 1")
    expect(display.locator("#called-number")).to_have_text("A001", timeout=1_000)
    expect(display.locator("#called-counter")).to_have_text("Counter 1")
    shot(display, "display-calling-tv")
    shot(teller, "staff-console-tablet")

    teller.keyboard.press("n")
    expect(teller.get_by_role("status")).to_contain_text("A001 served · A002 called to counter 1")
    expect(display.locator("#called-number")).to_have_text("A002", timeout=1_000)
    # A001 was served when the teller called the next: only A002 is at a counter.
    expect(display.locator("#at-counters li")).to_have_count(1)
    expect(display.locator("#at-counters")).to_contain_text("A002")
    expect(waiting_count(display, "A")).to_have_text("1")


def largest_text(page):
    """The text drawn in the largest type on the page, as someone across the lobby reads it."""
    return page.evaluate("""() => {
        let best = null, size = 0;
        for (const el of document.querySelectorAll("body *")) {
            if (!el.offsetParent || ![...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
            const px = parseFloat(getComputedStyle(el).fontSize);
            if (px > size) { size = px; best = el.textContent.trim(); }
        }
        return best;
    }""")


def test_a_recall_shows_the_recalled_ticket_in_the_largest_type(open_page, floor, counter, counter2):
    display = open_page(TV, "/b/main/display/")
    for _ in range(2):
        floor.take("A")
    floor.counter(counter, "call-next")
    floor.counter(counter2, "call-next")
    expect(display.locator("#called-number")).to_have_text("A002")
    floor.counter(counter, "recall")
    expect(display.locator("#called-number")).to_have_text("A001")
    expect(display.locator("#called-counter")).to_have_text("Counter 1")
    assert largest_text(display) == "A001"
    display.reload()  # a screen that loads now shows the same call
    expect(display.locator("#called-number")).to_have_text("A001")
    expect(display.locator("#called-counter")).to_have_text("Counter 1")
    shot(display, "display-recall-tv")


def test_the_tv_never_names_a_ticket_that_has_ended(open_page, floor, counter, counter2):
    display = open_page(TV, "/b/main/display/")
    expect(display.locator("#called-number")).to_have_text("Welcome")
    expect(display.locator("#called-counter")).to_have_text("Please take a ticket")
    for _ in range(3):
        floor.take("A")
    expect(display.locator("#called-counter")).to_have_text("Please wait for your number")
    floor.counter(counter, "call-next")
    floor.counter(counter2, "call-next")
    expect(display.locator("#at-counters li")).to_have_count(2)
    floor.counter(counter2, "no-show")  # A002 never came: not shown as if at counter 2
    expect(display.locator("#called-number")).to_have_text("A001")
    expect(display.locator("#at-counters li")).to_have_count(1)
    floor.counter(counter, "transfer", {"service": "B"})  # A001 now waits for loans
    expect(display.locator("#called-number")).to_have_text("Welcome")
    expect(display.locator("#at-counters li")).to_have_count(0)
    floor.counter(counter2, "call-next")  # the transferred A001, at counter 2
    expect(display.locator("#called-number")).to_have_text("A001")
    expect(display.locator("#called-counter")).to_have_text("Counter 2")
    floor.counter(counter2, "serve")
    floor.counter(counter, "pause")
    display.reload()
    expect(display.locator("#called-number")).to_have_text("Welcome")
    expect(display.locator("#called-counter")).to_have_text("Please wait for your number")
    expect(display.locator("#at-counters li")).to_have_count(0)
    shot(display, "display-nobody-called-tv")


def second_in_line(open_page, floor):
    """Two customers of deposits; the phone of the second, showing its place."""
    floor.take("A")
    mine = floor.take("A")
    phone = open_page(PHONE, mine["url"])
    status = phone.locator("#ticket-status")
    expect(status).to_contain_text("You are number 2 in line")
    return phone, status


def test_phone_follows_its_ticket_to_the_counter_and_sends_feedback(open_page, floor, counter):
    phone, status = second_in_line(open_page, floor)
    shot(phone, "phone-waiting")

    floor.counter(counter, "call-next")
    expect(status).to_contain_text("You are number 1 in line")
    floor.counter(counter, "call-next")
    expect(status).to_contain_text("It's your turn")
    expect(status).to_contain_text("Counter 1")
    expect(phone).to_have_title(re.compile("Your turn: counter 1|A002"))
    shot(phone, "phone-called")

    floor.counter(counter, "serve")
    expect(status).to_contain_text("You have been served")
    feedback = phone.locator("#feedback")
    expect(feedback).to_be_visible()
    shot(phone, "phone-served-feedback")
    feedback.get_by_label("2 - poor").check()
    feedback.get_by_label(re.compile("A note for the branch")).fill("so slow! <b>really</b>")
    feedback.get_by_role("button", name="Send").click()
    expect(phone.get_by_text("Thank you for your feedback.").first).to_be_visible()
    shot(phone, "phone-thanks")

    manager = open_page(TABLET)
    sign_in(manager, "manager", "/b/main/stats/")
    row = manager.locator("table.notes tbody tr", has_text="so slow! <b>really</b>")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("A002")
    # The visit's real wait, beside the note (seconds here, so "under 1 min").
    expect(row.locator("td").nth(3)).to_have_text("under 1 min")
    shot(manager, "dashboard-tablet")


def test_cancelling_from_the_phone_drops_the_display_count(open_page, floor):
    ticket = floor.take("A")
    display = open_page(TV, "/b/main/display/")
    expect(waiting_count(display, "A")).to_have_text("1")
    phone = open_page(PHONE, ticket["url"])
    phone.get_by_role("button", name="I'm leaving").click()
    phone.get_by_role("button", name="Yes, cancel my ticket").click()
    expect(phone.locator("#ticket-status")).to_contain_text("This ticket is cancelled")
    expect(waiting_count(display, "A")).to_have_text("0")
    shot(phone, "phone-cancelled")


def test_a_transferred_ticket_waits_at_the_front_of_the_other_service(open_page, floor, counter, counter2):
    for service in "ABB":
        floor.take(service)
    first = open_page(TABLET)
    sign_in(first, "teller", f"/staff/counters/{counter.pk}/")
    first.keyboard.press("n")
    expect(first.get_by_role("status")).to_contain_text("A001 called to counter 1")
    first.get_by_label("Transfer to").select_option("B")
    first.get_by_role("button", name=re.compile("Transfer")).click()
    expect(first.get_by_role("status")).to_contain_text("A001 transferred")

    second = open_page(TABLET)
    sign_in(second, "colleague", f"/staff/counters/{counter2.pk}/")
    expect(second.locator(".queue li").first).to_contain_text("A001")
    expect(second.locator(".queue li").first).to_contain_text("transferred")
    second.get_by_role("button", name=re.compile("Call next")).click()
    expect(second.locator(".current .number")).to_have_text("A001")


def test_the_display_recovers_by_itself_when_the_server_restarts(open_page, server, deposits):
    # Tickets taken while the server is down cannot go through it: they are written straight to the
    # database, as a second server process would, and the display must find them on re-sync.
    display = open_page(TV, "/b/main/display/")
    expect(waiting_count(display, "A")).to_have_text("0")
    # The script keeps the clock in the 24-hour look the server drew it in, whatever the browser's language.
    display.wait_for_function("() => document.getElementById('clock').textContent.trim().length > 0")
    expect(display.locator("#clock")).to_have_text(re.compile(r"^\d{2}:\d{2}$"))
    display.evaluate("window.__sameDocument = true")

    server.stop()
    expect(display.locator(".offline-mark")).to_be_visible(timeout=60_000)
    shot(display, "display-reconnecting-tv")
    in_another_thread(lambda: [actions.issue_ticket(deposits) for _ in range(2)])
    server.start()

    expect(waiting_count(display, "A")).to_have_text("2", timeout=30_000)
    expect(display.locator(".offline-mark")).to_be_hidden()
    assert display.evaluate("window.__sameDocument") is True  # recovered without a reload


def test_the_console_refuses_call_next_on_a_paused_counter(open_page, floor, counter):
    floor.take("A")
    teller = open_page(TABLET)
    sign_in(teller, "teller", f"/staff/counters/{counter.pk}/")
    teller.keyboard.press("p")
    expect(teller.get_by_role("status")).to_contain_text("Counter paused")
    teller.get_by_role("button", name=re.compile("Call next")).click()
    expect(teller.get_by_role("status")).to_contain_text("Counter 1 is paused")
    assert Ticket.objects.get().status == Ticket.Status.WAITING
    shot(teller, "staff-console-paused")
    # P now presses Resume, the button shown, not the hidden Pause drawn before it.
    teller.keyboard.press("p")
    expect(teller.get_by_role("status")).to_contain_text("Counter open")


def test_the_managers_now_section_follows_the_floor_live(open_page, floor, counter):
    floor.take("A")
    floor.take("A")
    manager = open_page(TABLET)
    sign_in(manager, "manager", "/b/main/stats/")
    now = manager.locator("#now")
    queues = now.locator("table", has_text="Queues")
    expect(queues.locator("tbody tr").first).to_contain_text("2")
    counters = now.locator("table", has_text="Counters")
    expect(counters.locator("tbody tr", has_text="1").first).to_contain_text("–")

    floor.counter(counter, "call-next")  # through a real request to the server, as a teller would
    expect(counters.locator("tbody tr").first).to_contain_text("A001", timeout=2_000)
    expect(queues.locator("tbody tr").first.locator("td").first).to_have_text("1")
    shot(manager, "dashboard-live-tablet")
    # The range's figures and charts are drawn when the page loads: now there is a wait to chart.
    manager.reload()
    expect(manager.locator("figure.chart svg")).to_have_count(4)


def test_a_phone_that_missed_a_message_catches_up_within_a_heartbeat(open_page, floor, counter):
    phone, status = second_in_line(open_page, floor)
    # A call the phone never hears of: made by this test process, whose in-memory channel layer
    # reaches no screen of the live server (as a message lost on the way would be).
    in_another_thread(lambda: actions.call_next(counter))
    # Something else happens in the branch; the next heartbeat shows the phone it has fallen behind.
    floor.take("B")
    expect(status).to_contain_text("You are number 1 in line", timeout=6_000)


@pytest.mark.parametrize("viewport", [TV, {"width": 1280, "height": 720}], ids=["1080p", "720p"])
def test_the_display_shows_every_service_however_long_the_list_of_calls(open_page, floor, branch, counter, viewport):
    from tickets.models import Service

    for code, name in [("C", "Customer care and complaints"), ("D", "Mortgages, insurance and pensions")]:
        Service.objects.create(branch=branch, code=code, name=name, position=ord(code))
    for _ in range(9):
        floor.take("A")
    in_another_thread(lambda: [actions.call_next(counter) for _ in range(8)])

    display = open_page(viewport, "/b/main/display/")
    rows = display.locator("#waiting li")
    expect(rows).to_have_count(4)
    # Measured in one go in the page: the live snapshot may redraw the rows at any moment.
    rows_and_qr = display.evaluate("""() => [
        [...document.querySelectorAll('#waiting li')].map(li => [li.textContent, li.getBoundingClientRect().bottom]),
        document.querySelector('.join').getBoundingClientRect().top]""")
    bottoms, qr_top = rows_and_qr
    for text, bottom in bottoms:
        assert bottom <= min(qr_top, viewport["height"]), text
    shot(display, f"display-four-services-{viewport['height']}")


def test_a_counter_without_a_teller_is_not_counted_in_the_tvs_estimates(open_page, floor, counter, counter2):
    display = open_page(TV, "/b/main/display/")
    loans = display.locator('#waiting [data-code="B"] .estimate')
    expect(loans).not_to_have_text("–")
    floor.counter(counter2, "leave")  # the only counter for loans: nobody can say when they are served
    expect(loans).to_have_text("–")


def test_the_teller_can_take_back_a_call_next_for_a_few_seconds(open_page, floor, counter):
    for _ in range(2):
        floor.take("A")
    teller = open_page(TABLET)
    sign_in(teller, "teller", f"/staff/counters/{counter.pk}/")
    teller.keyboard.press("n")
    expect(teller.get_by_role("status")).to_contain_text("A001 called to counter 1")
    teller.keyboard.press("n")
    expect(teller.get_by_role("status")).to_contain_text("A001 served · A002 called to counter 1")
    undo = teller.locator("#undo")
    expect(undo).to_be_visible()
    shot(teller, "staff-console-undo-tablet")
    teller.keyboard.press("u")
    expect(teller.get_by_role("status")).to_contain_text("Undone: A001 served · A002 called to counter 1.")
    expect(teller.locator(".current .number")).to_have_text("A001")
    expect(teller.locator("#undo")).to_have_count(0)
    teller.keyboard.press("n")
    expect(teller.locator("#undo")).to_be_hidden(timeout=15_000)  # offered for 10 seconds only

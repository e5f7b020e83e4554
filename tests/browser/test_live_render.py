"""A screen redrawn from a websocket message shows what a fresh load of its page shows, word for word.

The phone, the staff console and the dashboard's Now part draw their first paint on the server and every
later change from the message itself (ticket.js, console.js, dashboard.js), never by fetching HTML. Each
test moves the queue through the server's API, waits until the live page shows the change, and compares
its live parts (their visible text, which variants, buttons and options show, their classes) with the same
page loaded fresh without JavaScript: exactly what the server renders.
"""

import datetime as dt
import difflib
import json
import re
from urllib.parse import urlparse

import pytest
import time_machine
from playwright.sync_api import expect

from tickets import actions

from .conftest import PHONE, TABLET, sign_in
from .test_journeys import in_another_thread

pytestmark = pytest.mark.django_db(transaction=True)

# What a person sees of a live part: only what is rendered (no hidden variant, no <template>).
SEEN = """(selector) => {
  const root = document.querySelector(selector);
  const seen = (node) => node.checkVisibility();
  const all = (query) => [...root.querySelectorAll(query)].filter(seen);
  return {
    text: root.innerText,
    variants: all("[data-when]").map((node) => node.dataset.when),
    buttons: all("button").map((node) => node.innerText),
    forms: all("form").map((node) => new URL(node.action).pathname),
    classes: all("[class]").map((node) => node.tagName + "." + node.className),
    options: [...root.querySelectorAll("option")].filter((node) => !node.disabled).map((node) => node.value),
  };
}"""


def showing(part, text):
    """Wait until ``part`` visibly says ``text`` (a hidden variant says every state's words)."""
    expect(part.get_by_text(text).filter(visible=True).first).to_be_visible()


def seen(page, selector):
    return page.evaluate(SEEN, selector)


def html_requests(page):
    """Every request for a page or by script the page makes from now on (a websocket is neither)."""
    made = []
    page.on("request", lambda request: made.append(request.url)
            if request.resource_type in ("document", "fetch", "xhr") else None)
    return made


def heard(page):
    """The websocket messages the page has received so far, in order: each one's event, or its type."""
    events = []

    def on_socket(socket):
        def on_frame(frame):
            message = json.loads(frame)
            events.append(message.get("event") or message.get("type"))

        socket.on("framereceived", on_frame)

    page.on("websocket", on_socket)
    return events


def fresh_load(open_page, path, username=None):
    """The page as the server draws it now, no script run."""
    page = open_page(PHONE if username is None else TABLET, javascript=False)
    if username:
        sign_in(page, username, path)
    else:
        page.goto(path)
    return page


def assert_live_matches_a_fresh_load(live, open_page, selector, username=None):
    path = urlparse(live.url).path
    fresh = fresh_load(open_page, path, username)
    shown, drawn = (json.dumps(seen(page, selector), indent=1, ensure_ascii=False) for page in (live, fresh))
    assert shown == drawn, "\n".join(difflib.unified_diff(drawn.splitlines(), shown.splitlines(), "fresh", "live"))
    fresh.context.close()


def follow_phone(open_page, ticket):
    phone = open_page(PHONE)
    # A phone's buzz, counted: the page calls it on every call and recall.
    phone.add_init_script("window.__buzzes = 0; navigator.vibrate = () => { window.__buzzes += 1; return true; };")
    events = heard(phone)
    phone.goto(ticket["url"])
    showing(phone.locator("#ticket-status"), ticket["number"])
    phone.wait_for_function("() => document.documentElement.classList.contains('offline') === false && window.Frontline")
    return phone, events, html_requests(phone)


def test_the_phone_shows_live_what_a_fresh_load_shows_from_waiting_to_served(open_page, floor, counter, counter2):
    floor.take("A")
    mine = floor.take("A")
    phone, events, requests = follow_phone(open_page, mine)
    status = phone.locator("#ticket-status")

    def same():
        assert_live_matches_a_fresh_load(phone, open_page, "#ticket-page")

    floor.take("A")  # behind it: a branch message that changes nothing this phone shows
    showing(status, "You are number 2 in line")
    same()
    floor.counter(counter, "call-next")
    showing(status, "You are number 1 in line")
    expect(phone.locator('[data-slot="ahead"]')).to_have_text("0")
    same()
    floor.counter(counter, "serve")
    floor.counter(counter, "call-next")
    showing(status, "It's your turn")
    showing(status, "Counter 1")
    expect(phone.locator("#ticket-status")).to_have_class(re.compile("status-called"))
    same()
    assert phone.evaluate("window.__buzzes") == 1

    floor.counter(counter, "recall")
    phone.wait_for_function("() => window.__buzzes === 2")  # a recall alerts again
    same()

    floor.counter(counter, "transfer", {"service": "B"})
    showing(status, "Loans")
    showing(status, "You are number 1 in line")
    same()

    floor.counter(counter2, "call-next")
    showing(status, "Counter 2")
    floor.counter(counter2, "serve")
    showing(status, "You have been served at counter 2")
    expect(phone.locator("#feedback")).to_be_visible()
    expect(phone.get_by_role("button", name="I'm leaving")).to_be_hidden()
    same()

    assert "recalled" in events and "transferred" in events
    assert requests == [], "the phone asked the server for a page on an update"
    live = seen(phone, "#ticket-page")
    phone.reload()
    showing(status, "You have been served at counter 2")
    assert seen(phone, "#ticket-page") == live


def test_the_phone_of_a_no_show_shows_live_what_a_fresh_load_shows(open_page, floor, counter):
    phone, _, requests = follow_phone(open_page, floor.take("A"))
    floor.counter(counter, "call-next")
    showing(phone.locator("#ticket-status"), "It's your turn")
    floor.counter(counter, "no-show")
    showing(phone.locator("#ticket-status"), "we missed you")
    expect(phone.locator("#feedback")).to_be_visible()
    assert_live_matches_a_fresh_load(phone, open_page, "#ticket-page")
    assert requests == []


def test_the_phone_of_a_cancelled_ticket_shows_live_what_a_fresh_load_shows(open_page, floor):
    ticket = floor.take("A")
    phone, _, requests = follow_phone(open_page, ticket)
    # Cancelled elsewhere (the API, another tab): this page hears it and shows no position any more.
    status, _ = floor.post_json(f"/api/v1/tickets/{ticket['token']}/cancel/")
    assert status == 200
    showing(phone.locator("#ticket-status"), "This ticket is cancelled")
    expect(phone.locator('[data-slot="position"]')).to_be_hidden()
    expect(phone.locator("#feedback")).to_be_hidden()  # who left had no visit to rate
    assert_live_matches_a_fresh_load(phone, open_page, "#ticket-page")
    assert requests == []


def test_the_phone_shows_live_what_a_fresh_load_shows_of_the_people_behind_and_almost_your_turn(
    open_page, floor, counter
):
    for _ in range(2):
        floor.take("A")
    phone, _, requests = follow_phone(open_page, floor.take("A"))
    status = phone.locator("#ticket-status")

    def same():
        assert_live_matches_a_fresh_load(phone, open_page, "#ticket-page")

    showing(status, "Nobody behind you yet")
    expect(phone.locator(".almost")).to_be_hidden()
    same()
    floor.take("A")
    showing(status, "1 person behind you")
    same()
    leaving = floor.take("A")
    floor.take("B")  # another queue: nobody more behind
    showing(status, "2 people behind you")
    floor.counter(counter, "call-next")
    showing(status, "Almost your turn")
    showing(status, "You are number 2 in line")
    same()
    floor.post_json(f"/api/v1/tickets/{leaving['token']}/cancel/")
    showing(status, "1 person behind you")
    same()
    floor.counter(counter, "call-next")
    showing(status, "You are number 1 in line")
    expect(phone.locator(".almost")).to_be_visible()
    same()
    assert requests == []


def test_the_phone_asks_before_leaving_as_the_server_asks_without_javascript(open_page, floor):
    ticket = floor.take("A")
    phone, _, requests = follow_phone(open_page, ticket)
    phone.get_by_role("button", name="I'm leaving").click()
    showing(phone.locator("#ticket-actions"), "Leave the queue?")
    fresh = fresh_load(open_page, ticket["url"])
    fresh.get_by_role("button", name="I'm leaving").click()
    showing(fresh.locator("#ticket-actions"), "Leave the queue?")
    assert seen(phone, "#ticket-page") == seen(fresh, "#ticket-page")
    assert requests == [], "asking sent nothing"


def test_the_console_shows_live_what_a_fresh_load_shows(open_page, floor, counter, counter2):
    path = f"/staff/counters/{counter.pk}/"
    teller = open_page(TABLET)
    sign_in(teller, "teller", path)
    teller.wait_for_function("() => document.documentElement.classList.contains('offline') === false && window.Frontline")
    requests = html_requests(teller)
    queue = teller.locator(".console-queue")

    def same():
        assert_live_matches_a_fresh_load(teller, open_page, "#console", "teller")

    floor.take("B")  # not for this counter: its list stays empty
    showing(teller.locator(".current"), "Nobody at the counter")
    showing(queue, "Nobody is waiting.")
    same()

    floor.counter(counter2, "call-next")  # B001 at counter 2
    floor.take("A", priority=True)
    floor.take("A")
    floor.counter(counter, "call-next")  # the priority customer first
    floor.counter(counter2, "transfer", {"service": "A"})  # B001 now waits at the front of deposits
    expect(teller.locator(".current .number")).to_have_text("A001")
    showing(teller.locator(".current"), "Deposits · priority · at the counter for under 1 min")
    expect(queue.locator("li")).to_have_count(2)
    expect(queue.locator("li").first).to_contain_text("B001 Deposits · transferred")
    expect(queue.locator("h2")).to_have_text("Waiting for this counter (2)")
    expect(teller.get_by_role("button", name=re.compile("Recall"))).to_be_visible()
    same()

    floor.counter(counter, "recall")
    floor.counter(counter, "recall")  # a customer who does not come: the teller sees how often they were called
    showing(teller.locator(".current"), "Deposits · priority · called again 2 times · at the counter for")
    same()

    # A pause asked for while serving waits for the visit's end, and then is made by itself.
    teller.get_by_role("button", name=re.compile("Pause after this customer")).click()
    showing(teller.locator(".actions"), "Pausing after this customer.")
    teller.wait_for_function("() => document.documentElement.classList.contains('offline') === false && window.Frontline")
    requests.clear()  # the teller's own press, and the page it answers; the updates after it fetch nothing
    same()
    floor.counter(counter, "serve")
    expect(teller.locator(".pill")).to_have_text("paused")
    expect(teller.get_by_role("button", name=re.compile("Resume"))).to_be_visible()
    expect(teller.locator("strong")).to_have_text("1")  # served today
    same()

    floor.counter(counter, "close")
    expect(teller.locator(".pill")).to_have_text("closed")
    expect(teller.get_by_role("button", name=re.compile("Open counter"))).to_be_visible()
    same()

    assert requests == [], "the console asked the server for a page on an update"


def test_the_dashboards_now_part_shows_live_what_a_fresh_load_shows(open_page, floor, counter, counter2):
    manager = open_page(TABLET)
    sign_in(manager, "manager", "/b/main/stats/")
    manager.wait_for_function("() => document.documentElement.classList.contains('offline') === false && window.Frontline")
    requests = html_requests(manager)
    now = manager.locator("#now")

    def same():
        assert_live_matches_a_fresh_load(manager, open_page, "#now", "manager")

    same()  # an empty day
    for service in "AAAB":
        floor.take(service)
    cancelled = floor.take("B")
    floor.post_json(f"/api/v1/tickets/{cancelled['token']}/cancel/")
    floor.counter(counter, "call-next")
    floor.counter(counter, "serve")
    floor.counter(counter, "call-next")
    floor.counter(counter, "no-show")
    floor.counter(counter2, "call-next")
    floor.counter(counter, "pause")
    expect(now.locator(".tile").nth(3)).to_contain_text("1")  # cancelled
    expect(now.locator("table", has_text="Counters").locator("tbody tr").nth(1)).to_contain_text("A003")
    expect(now.locator(".pill").first).to_have_text("paused")
    expect(now.locator(".tile").first).to_contain_text("1")
    same()
    assert requests == [], "the dashboard asked the server for a page on an update"


def test_the_phone_of_a_ticket_from_a_past_day_shows_live_what_a_fresh_load_shows(open_page, deposits):
    # Taken yesterday, never called: its queue has closed, so the snapshot says expired.
    with time_machine.travel(dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=1), tick=True):
        ticket = in_another_thread(lambda: actions.issue_ticket(deposits))
    phone, events, requests = follow_phone(open_page, {"url": f"/t/{ticket.token}/", "number": ticket.number})
    # Drawn again from the snapshot, which says expired: compare once that has happened.
    for _ in range(50):
        if "snapshot" in events:
            break
        phone.wait_for_timeout(100)
    assert "snapshot" in events
    showing(phone.locator("#ticket-status"), "that day's queue has closed")
    expect(phone.locator("#feedback")).to_be_visible()
    expect(phone.get_by_role("button", name="I'm leaving")).to_be_hidden()
    assert_live_matches_a_fresh_load(phone, open_page, "#ticket-page")
    assert requests == []

"""The manager's dashboard in Chromium at a desk's 1440x900 and a 768 px tablet: it fits, and it warns live.

The alerts are judged twice, by tickets/alerts.py for the first paint and by dashboard.js for the live part
(alerts.py says why): here both judge the same states and must agree, and a live page must show the alerts
a fresh load shows.
"""

import datetime as dt
import json

import pytest
from playwright.sync_api import expect

from tickets import alerts

from ..test_alerts import CASES, NOW
from .conftest import shot, sign_in
from .test_journeys import in_another_thread
from .test_live_render import assert_live_matches_a_fresh_load, html_requests

pytestmark = pytest.mark.django_db(transaction=True)

DESK = {"width": 1440, "height": 900}
TABLET_PORTRAIT = {"width": 768, "height": 1024}

# What sticks out sideways: the page itself, and any table wider than what holds it.
OVERFLOW = """() => {
  const page = document.documentElement;
  const tables = [...document.querySelectorAll("main table")]
    .filter((table) => table.getBoundingClientRect().right > table.parentElement.getBoundingClientRect().right + 0.5)
    .map((table) => table.querySelector("caption").innerText);
  return {page: page.scrollWidth - page.clientWidth, tables};
}"""


def dashboard(open_page, viewport):
    page = open_page(viewport)
    sign_in(page, "manager", "/b/main/stats/")
    page.wait_for_function("() => document.documentElement.classList.contains('offline') === false && window.Frontline")
    return page


def busy_day(floor, counter, counter2, colleague):
    colleague.first_name, colleague.last_name = "Maria Fernanda", "Albuquerque Sousa"
    in_another_thread(colleague.save)
    first = floor.take("A")
    for service in "ABAB":
        floor.take(service)
    floor.counter(counter, "call-next")
    floor.counter(counter, "serve")
    note = "The queue was long but the teller was very kind and explained every step of the loan application."
    assert floor.post_json(f"/api/v1/tickets/{first['token']}/feedback/", {"rating": 4, "note": note})[0] == 201
    floor.counter(counter, "call-next")
    floor.counter(counter, "no-show")
    floor.counter(counter2, "call-next")
    floor.counter(counter2, "transfer", {"service": "A"})


@pytest.mark.parametrize("name, viewport", [("desk", DESK), ("tablet", TABLET_PORTRAIT)])
def test_the_dashboard_fits_the_screen_without_scrolling_sideways(
    open_page, floor, counter, counter2, colleague, name, viewport
):
    busy_day(floor, counter, counter2, colleague)
    page = dashboard(open_page, viewport)
    expect(page.locator("#now-alerts li").first).to_be_visible()
    expect(page.locator("#now-counters")).to_contain_text("Maria Fernanda Albuquerque Sousa")
    for path in ["/b/main/stats/", "/b/main/stats/?from=2026-01-01&to=2026-12-31"]:
        page.goto(path)
        assert page.evaluate(OVERFLOW) == {"page": 0, "tables": []}, path
    page.goto("/b/main/stats/")
    shot(page, f"dashboard-{name}")
    page.locator('section[aria-labelledby="range-title"] .tiles').screenshot(path=f"screenshots/dashboard-{name}-figures.png")
    page.locator(".figures-pair").first.screenshot(path=f"screenshots/dashboard-{name}-by-service.png")
    page.locator("#feedback table").screenshot(path=f"screenshots/dashboard-{name}-notes.png")


def test_alerts_appear_live_as_a_fresh_load_shows_them(open_page, floor, counter, counter2):
    page = dashboard(open_page, TABLET_PORTRAIT)
    requests = html_requests(page)
    shown = page.locator("#now-alerts")

    def same():
        assert_live_matches_a_fresh_load(page, open_page, "#now", "manager")

    expect(shown.locator("li")).to_have_count(0)
    same()
    floor.take("A")
    expect(shown).to_have_text("Deposits: 1 waiting while counters 1, 2 stand idle")
    same()
    floor.counter(counter, "call-next")
    expect(shown.locator("li")).to_have_count(0)
    floor.take("B")
    expect(shown).to_have_text("Loans: 1 waiting while counter 2 stands idle")
    same()
    floor.counter(counter2, "call-next")
    floor.counter(counter2, "leave")  # with a customer still there: open, and nobody signed in
    expect(shown).to_have_text("Counter 2 is open with nobody signed in")
    expect(page.locator("#now-counters tr").nth(1)).to_contain_text("nobody signed in")
    same()
    assert requests == [], "the dashboard asked the server for a page on an update"


def test_a_queue_passing_its_target_is_an_alert_with_no_message_from_the_server(open_page, floor, counter, counter2):
    floor.counter(counter, "pause")
    floor.counter(counter2, "pause")  # paused counters stand idle without an alert
    page = open_page(DESK)
    page.clock.install()
    sign_in(page, "manager", "/b/main/stats/")
    page.wait_for_function("() => document.documentElement.classList.contains('offline') === false && window.Frontline")
    floor.take("A")
    expect(page.locator("#now-services tr").first).to_contain_text("1")
    expect(page.locator("#now-alerts li")).to_have_count(0)
    page.clock.fast_forward("11:00")  # Deposits' target is 10 min; the page redraws on its own every 15 s
    expect(page.locator("#now-alerts")).to_contain_text("Deposits: the longest wait is 11 min, over the 10 min target")
    expect(page.locator("#now-services tr.over-target")).to_have_count(1)


def test_the_script_judges_alerts_as_alerts_py_does(open_page, floor):
    page = dashboard(open_page, DESK)
    now_ms = NOW.timestamp() * 1000
    for services, counters in CASES:
        state = {"services": services, "counters": counters}
        judged = page.evaluate("([state, now]) => Frontline.dashboardAlerts(state, now)", [state, now_ms])
        assert judged == alerts.alerts(state, NOW), json.dumps(state)
    later = NOW + dt.timedelta(minutes=95)  # an hour and more: "1 h 35 min" in both
    state = {"services": CASES[-1][0], "counters": CASES[-1][1]}
    assert page.evaluate("([s, now]) => Frontline.dashboardAlerts(s, now)", [state, later.timestamp() * 1000]) == (
        alerts.alerts(state, later))

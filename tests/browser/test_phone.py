"""The phone page at the sizes people hold (390x844, and 320x568 for the smallest phones still in hands):
leaving asks once, with or without JavaScript; "almost your turn" is seen and announced; the rating faces
are drawn without an emoji font; nothing wraps awkwardly. Every state is saved to screenshots/."""

import json
import re
import urllib.request

import pytest
from playwright.sync_api import expect

from .conftest import PHONE, add_axe, shot
from .test_live_render import showing

pytestmark = pytest.mark.django_db(transaction=True)

SMALL = {"width": 320, "height": 568}
SIZES = {"390": PHONE, "320": SMALL}

# Parts of the phone page that must each stay on one line: the number, the counter, the figures, buttons.
ONE_LINE = [".number", '[data-slot="position"]', ".counter", ".facts dt", ".facts dd", ".behind", "button", "a.button", ".scale span"]

LINES = """(selectors) => {
  const lines = (node) => {
    const range = document.createRange();
    range.selectNodeContents(node);
    return new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top))).size;
  };
  const wrapped = [];
  for (const selector of selectors) {
    for (const node of document.querySelectorAll("#ticket-page " + selector)) {
      if (node.checkVisibility() && lines(node) > 1) wrapped.push(selector + ": " + node.innerText);
    }
  }
  return {wrapped, overflow: document.documentElement.scrollWidth - window.innerWidth};
}"""


def assert_fits(page):
    fit = page.evaluate(LINES, ONE_LINE)
    assert fit["wrapped"] == [], f"wraps at {page.viewport_size['width']} px: {fit['wrapped']}"
    assert fit["overflow"] <= 0, "the page scrolls sideways"


def axe_problems(page):
    add_axe(page)
    results = page.evaluate(
        "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    return [f"{v['id']}: {v['help']}" for v in results["violations"]]


def status_of(floor, ticket):
    with urllib.request.urlopen(f"{floor.base_url}/api/v1/tickets/{ticket['token']}/") as answer:
        return json.loads(answer.read())["status"]


def live(page):
    page.wait_for_function("() => document.documentElement.classList.contains('offline') === false && window.Frontline")
    return page


@pytest.mark.parametrize("size", SIZES)
def test_the_phone_fits_its_screen_in_every_state(open_page, floor, counter, size):
    viewport = SIZES[size]
    floor.take("A")
    mine = floor.take("A")
    for _ in range(3):
        floor.take("A")
    phone = live(open_page(viewport, mine["url"]))
    status = phone.locator("#ticket-status")
    showing(status, "3 people behind you")
    expect(phone.locator(".almost")).to_be_visible()
    assert_fits(phone)
    shot(phone, f"phone-{size}-waiting-almost")

    phone.get_by_role("button", name="I'm leaving").click()
    expect(phone.get_by_text("Leave the queue?")).to_be_visible()
    assert_fits(phone)
    shot(phone, f"phone-{size}-leaving")
    phone.get_by_role("link", name="No, keep my place").click()

    floor.counter(counter, "call-next")
    floor.counter(counter, "call-next")
    showing(status, "It's your turn")
    assert_fits(phone)
    shot(phone, f"phone-{size}-called")

    floor.counter(counter, "serve")
    feedback = phone.locator("#feedback")
    expect(feedback).to_be_visible()
    assert_fits(phone)
    shot(phone, f"phone-{size}-served")
    phone.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    shot(phone, f"phone-{size}-feedback")
    feedback.get_by_label("4 - good").check()
    feedback.get_by_role("button", name="Send").click()
    expect(phone.get_by_text("Thank you for your feedback.")).to_be_visible()
    assert_fits(phone)
    shot(phone, f"phone-{size}-thanked")

    other = floor.take("A")
    third = live(open_page(viewport, other["url"]))
    showing(third.locator("#ticket-status"), "You are number 4 in line")
    expect(third.locator(".almost")).to_be_hidden()
    assert_fits(third)
    shot(third, f"phone-{size}-waiting")
    floor.counter(counter, "call-next")
    floor.counter(counter, "no-show")
    floor.counter(counter, "call-next")
    floor.counter(counter, "no-show")
    showing(third.locator("#ticket-status"), "You are number 2 in line")
    floor.counter(counter, "call-next")
    floor.counter(counter, "call-next")
    floor.counter(counter, "no-show")
    showing(third.locator("#ticket-status"), "we missed you")
    assert_fits(third)
    shot(third, f"phone-{size}-no-show")

    leaver = floor.take("A")
    gone = live(open_page(viewport, leaver["url"]))
    gone.get_by_role("button", name="I'm leaving").click()
    gone.get_by_role("button", name="Yes, cancel my ticket").click()
    showing(gone.locator("#ticket-status"), "This ticket is cancelled")
    assert_fits(gone)
    shot(gone, f"phone-{size}-cancelled")


@pytest.mark.parametrize("size", SIZES)
def test_im_leaving_asks_inline_and_keeping_the_place_changes_nothing(open_page, floor, size):
    ticket = floor.take("A")
    phone = live(open_page(SIZES[size], ticket["url"]))
    dialogs = []
    phone.on("dialog", lambda dialog: dialogs.append(dialog.message))
    requests = []
    phone.on("request", lambda request: requests.append(request.url) if request.method == "POST" else None)
    phone.get_by_role("button", name="I'm leaving").click()
    question = phone.get_by_text("Leave the queue?")
    expect(question).to_be_visible()
    expect(question).to_be_focused()  # read out at once by a screen reader
    expect(phone.get_by_role("button", name="Yes, cancel my ticket")).to_be_in_viewport()
    expect(phone.get_by_role("link", name="No, keep my place")).to_be_in_viewport()
    expect(phone.get_by_role("button", name="I'm leaving")).to_be_hidden()
    assert axe_problems(phone) == []
    phone.get_by_role("link", name="No, keep my place").click()
    expect(phone.get_by_role("button", name="I'm leaving")).to_be_focused()
    expect(question).to_be_hidden()
    assert requests == [] and dialogs == [], "asking sent nothing and opened no native dialog"
    assert status_of(floor, ticket) == "waiting"


def test_im_leaving_cancels_once_confirmed(open_page, floor):
    ticket = floor.take("A")
    phone = live(open_page(PHONE, ticket["url"]))
    phone.get_by_role("button", name="I'm leaving").click()
    phone.get_by_role("button", name="Yes, cancel my ticket").click()
    status = phone.locator("#ticket-status")
    showing(status, "This ticket is cancelled")
    expect(phone.locator("#feedback")).to_be_hidden()
    expect(phone.get_by_text("How was your visit?")).to_be_hidden()
    assert status_of(floor, ticket) == "cancelled"


def test_im_leaving_asks_once_without_javascript_too(open_page, floor):
    ticket = floor.take("A")
    phone = open_page(PHONE, ticket["url"], javascript=False)
    phone.get_by_role("button", name="I'm leaving").click()
    expect(phone.get_by_text("Leave the queue?")).to_be_visible()
    assert status_of(floor, ticket) == "waiting"
    phone.get_by_role("button", name="Yes, cancel my ticket").click()
    showing(phone.locator("#ticket-status"), "This ticket is cancelled")
    assert status_of(floor, ticket) == "cancelled"


def test_almost_your_turn_is_shown_announced_and_buzzed_when_one_person_is_ahead(open_page, floor, counter):
    for _ in range(2):
        floor.take("A")
    mine = floor.take("A")
    phone = open_page(PHONE)
    phone.add_init_script("window.__buzzes = []; navigator.vibrate = (p) => { window.__buzzes.push(p); return true; };")
    phone.goto(mine["url"])
    live(phone)
    alert = phone.locator(".almost")
    expect(alert).to_be_hidden()
    floor.counter(counter, "call-next")
    expect(alert).to_be_visible()
    expect(alert).to_have_text("Almost your turn: please stay near the counters.")
    # Inside the page's live region, so a screen reader says it as it appears.
    assert alert.evaluate("(node) => node.closest('[aria-live]').getAttribute('aria-live')") == "assertive"
    assert phone.evaluate("window.__buzzes") == [200]
    floor.counter(counter, "call-next")  # still almost (nobody ahead now): no second buzz
    showing(phone.locator("#ticket-status"), "You are number 1 in line")
    expect(alert).to_be_visible()
    assert phone.evaluate("window.__buzzes") == [200]


def test_the_rating_faces_render_without_an_emoji_font(open_page, floor, counter):
    ticket = floor.take("A")
    floor.counter(counter, "call-next")
    floor.counter(counter, "serve")
    phone = open_page(SMALL, ticket["url"])
    faces = phone.locator("#feedback .rating label svg")
    expect(faces).to_have_count(5)
    for index in range(5):
        box = faces.nth(index).bounding_box()
        assert box["width"] >= 40 and box["height"] >= 40, box
    # Drawn, not typed: each face's pixels differ from the others' and from an empty box.
    pictures = {faces.nth(index).screenshot() for index in range(5)}
    assert len(pictures) == 5
    names = [phone.get_by_role("radio").nth(index).evaluate("(n) => n.labels[0].innerText") for index in range(5)]
    assert [re.sub(r"\s+", " ", name).strip() for name in names] == [
        "1 - very poor", "2 - poor", "3 - fair", "4 - good", "5 - excellent"]
    phone.get_by_role("radio", name="5 - excellent").check()
    shot(phone.locator("#feedback"), "phone-320-faces")

"""Every page, checked in the browser with axe-core (vendored, no network) against WCAG 2 A and AA:
titles, landmarks, labels, alternative text, colour contrast. Plus what axe cannot know: the phone's
status is announced as it changes."""


import pytest

from .conftest import PHONE, TABLET, TV, add_axe, shot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)



def ticket_in(floor, counter, status):
    """A ticket brought to ``status`` through the server; returns its phone page address."""
    ticket = floor.take("A")
    if status in ("called", "served", "no_show"):
        floor.counter(counter, "call-next")
    if status == "served":
        floor.counter(counter, "serve")
    if status == "no_show":
        floor.counter(counter, "no-show")
    if status == "cancelled":
        floor.post_json(f"/api/v1/tickets/{ticket['token']}/cancel/")
    return ticket["url"]


def thanked(floor, url):
    """The phone page after its feedback was sent."""
    token = url.strip("/").split("/")[-1]
    status, _ = floor.post_json(f"/api/v1/tickets/{token}/feedback/", {"rating": 4, "note": ""})
    assert status == 201
    return url


PAGES = {
    "branches": (TABLET, None, lambda floor, counter: "/"),
    "kiosk": (TABLET, None, lambda floor, counter: "/b/main/kiosk/"),
    "kiosk-portrait": ({"width": 1080, "height": 1920}, None, lambda floor, counter: "/b/main/kiosk/"),
    "join": (PHONE, None, lambda floor, counter: "/b/main/join/"),
    "print": (TABLET, None, lambda floor, counter: floor.take("A")["url"] + "print/"),
    "print-portrait": ({"width": 1080, "height": 1920}, None, lambda floor, counter: floor.take("A")["url"] + "print/"),
    "display": (TV, None, lambda floor, counter: ticket_in(floor, counter, "called") and "/b/main/display/"),
    "phone-waiting": (PHONE, None, lambda floor, counter: ticket_in(floor, counter, "waiting")),
    "phone-called": (PHONE, None, lambda floor, counter: ticket_in(floor, counter, "called")),
    "phone-served": (PHONE, None, lambda floor, counter: ticket_in(floor, counter, "served")),
    "phone-no-show": (PHONE, None, lambda floor, counter: ticket_in(floor, counter, "no_show")),
    "phone-cancelled": (PHONE, None, lambda floor, counter: ticket_in(floor, counter, "cancelled")),
    "phone-almost": (PHONE, None, lambda floor, counter: floor.take("A") and ticket_in(floor, counter, "waiting")),
    "phone-thanked": (PHONE, None, lambda floor, counter: thanked(floor, ticket_in(floor, counter, "served"))),
    "login": (TABLET, None, lambda floor, counter: "/accounts/login/"),
    "staff-counters": (TABLET, "teller", lambda floor, counter: "/staff/"),
    "staff-console": (TABLET, "teller", lambda floor, counter: ticket_in(floor, counter, "called") and f"/staff/counters/{counter.pk}/"),
    "dashboard": (TABLET, "manager", lambda floor, counter: ticket_in(floor, counter, "served") and "/b/main/stats/"),
}


@pytest.mark.parametrize("name", PAGES)
def test_page_meets_wcag_aa(name, open_page, floor, counter):
    viewport, user, make_path = PAGES[name]
    path = make_path(floor, counter)
    page = open_page(viewport)
    if user:
        sign_in(page, user, path)
    else:
        page.goto(path)
    shot(page, f"page-{name}")
    assert page.title().strip(), "every page has a title"
    assert page.locator("main").count() == 1, "every page has one main landmark"
    add_axe(page)
    results = page.evaluate(
        "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    problems = [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        for violation in results["violations"]
    ]
    assert problems == []


def test_phone_status_is_a_live_region(open_page, floor, counter):
    page = open_page(PHONE, ticket_in(floor, counter, "waiting"))
    assert page.locator("#ticket-status").get_attribute("aria-live") in ("polite", "assertive")

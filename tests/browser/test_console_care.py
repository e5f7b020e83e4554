"""Issue 16 at the counter, in Chromium: the console shows the teller's thanks and offers a pause after a long service."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tickets import actions, shield

from .conftest import TABLET, shot, sign_in
from .test_journeys import in_another_thread

pytestmark = pytest.mark.django_db(transaction=True)


def served(counter, service, teller, start, minutes):
    """A customer called at ``start`` and served ``minutes`` later, by ``teller`` (in the test's own process)."""
    actions.issue_ticket(service, now=start)
    ticket = actions.call_next(counter, by=teller, now=start)
    actions.mark_served(counter, by=teller, now=start + dt.timedelta(minutes=minutes))
    return ticket


def test_the_console_shows_the_tellers_thanks_but_never_a_held_back_note(open_page, counter, deposits, teller):
    def morning():
        shield.add_default_words()
        start = timezone.now() - dt.timedelta(minutes=10)
        thanked = served(counter, deposits, teller, start, 1)
        rude = served(counter, deposits, teller, start + dt.timedelta(minutes=2), 1)
        faces = served(counter, deposits, teller, start + dt.timedelta(minutes=4), 1)
        actions.record_feedback(thanked, note="Thank you, that was so helpful!")
        actions.record_feedback(rude, rating=1, note="Thanks for nothing, idiots")
        actions.record_feedback(faces, rating=5)

    in_another_thread(morning)
    page = open_page(TABLET)
    sign_in(page, "teller", f"/staff/counters/{counter.pk}/")
    thanks = page.locator("#thanks")
    expect(thanks.get_by_role("heading")).to_have_text("2 customers thanked you today")
    expect(thanks).to_contain_text("Thank you, that was so helpful!")
    expect(page.locator("body")).not_to_contain_text("idiots")
    shot(page, "staff-console-thanks-tablet")


def a_long_service(counter, deposits, teller):
    start = timezone.now() - dt.timedelta(minutes=15)
    for n in range(5):  # the usual: two minutes
        served(counter, deposits, teller, start + dt.timedelta(minutes=n), 2)
    # The last one took fourteen minutes, and ended now.
    actions.issue_ticket(deposits, now=timezone.now() - dt.timedelta(minutes=14))
    actions.call_next(counter, by=teller, now=timezone.now() - dt.timedelta(minutes=14))
    actions.mark_served(counter, by=teller)


def test_the_console_offers_a_pause_after_an_unusually_long_service(open_page, counter, deposits, teller):
    in_another_thread(lambda: a_long_service(counter, deposits, teller))
    page = open_page(TABLET)
    sign_in(page, "teller", f"/staff/counters/{counter.pk}/")
    offer = page.locator("#pause-offer")
    expect(offer).to_be_visible()
    expect(offer).to_contain_text("A006 took 14 min, where 2 min is usual")
    shot(page, "staff-console-pause-offer-tablet")
    page.get_by_role("button", name=re.compile("Take a short break")).click()
    expect(page.get_by_role("status")).to_contain_text("Counter paused")
    expect(page.locator("#pause-offer")).to_have_count(0)


def test_the_pause_offer_lapses_live_once_the_counter_calls_again(open_page, floor, counter, deposits, teller):
    in_another_thread(lambda: a_long_service(counter, deposits, teller))
    page = open_page(TABLET)
    sign_in(page, "teller", f"/staff/counters/{counter.pk}/")
    expect(page.locator("#pause-offer")).to_be_visible()
    floor.take("A")
    floor.counter(counter, "call-next")  # from elsewhere (the API): the console hears it live
    expect(page.locator(".current .number")).to_have_text("A007", timeout=3_000)
    expect(page.locator("#pause-offer")).to_have_count(0)
    floor.counter(counter, "serve")
    expect(page.locator(".current [data-when=idle]")).to_be_visible(timeout=3_000)
    expect(page.locator("#pause-offer")).to_have_count(0)

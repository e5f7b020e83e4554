"""The phone tells the truth of the wait, live: a range, how the queue moved, why someone went ahead (only
to those they passed), and that a service is behind its target; the lobby says the last too."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tickets.models import Ticket

from .conftest import PHONE, TV, shot
from .test_live_render import showing
from .test_phone import live

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_phone_shows_a_range_and_how_the_queue_moved(open_page, floor, counter):
    for _ in range(3):  # two go to the idle counters at once: the third waits a range
        floor.take("A")
    mine = floor.take("A")
    phone = live(open_page(PHONE, mine["url"]))
    status = phone.locator("#ticket-status")
    expect(phone.locator('[data-slot="estimate"]')).to_have_text(re.compile(r"^(\d+-\d+ min|up to \d+ min)$"))
    showing(status, "Nobody called in the last 10 minutes")
    floor.counter(counter, "call-next")
    showing(status, "1 person called in the last 10 minutes")
    shot(phone, "phone-390-range-and-progress")


def test_only_the_phones_a_priority_customer_passed_say_why(open_page, floor):
    first = floor.take("A")
    second = floor.take("A")
    loans = floor.take("B")
    phones = {name: live(open_page(PHONE, ticket["url"])) for name, ticket in
              [("first", first), ("second", second), ("loans", loans)]}
    for phone in phones.values():
        showing(phone.locator("#ticket-status"), "Nobody called in the last 10 minutes")
    floor.take("A", priority=True)
    for name in ("first", "second"):
        showing(phones[name].locator("#ticket-status"), "A priority customer went ahead of you.")
    showing(phones["first"].locator("#ticket-status"), "You are number 2 in line")
    shot(phones["first"], "phone-390-passed")
    later = live(open_page(PHONE, floor.take("A")["url"]))
    showing(later.locator("#ticket-status"), "You are number 4 in line")
    floor.take("A")  # one more behind everyone: it passes nobody
    showing(later.locator("#ticket-status"), "1 person behind you")
    for phone in (later, phones["loans"]):
        expect(phone.locator(".passed")).to_be_hidden()


def test_the_phone_and_the_lobby_say_a_service_is_behind_its_target(open_page, floor):
    mine = floor.take("A")
    display = live(open_page(TV, "/b/main/display/"))
    phone = live(open_page(PHONE, mine["url"]))
    busier = "Deposits is busier than usual: the manager has been told."
    expect(phone.locator(".busier")).to_be_hidden()
    # The ticket has waited 11 minutes of Deposits' 10-minute target; the next move brings the news.
    Ticket.objects.filter(number=mine["number"]).update(queued_at=timezone.now() - dt.timedelta(minutes=11))
    floor.take("B")
    showing(phone.locator("#ticket-status"), busier)
    expect(display.locator("#busier")).to_have_text(busier)
    shot(phone, "phone-390-busier")
    shot(display, "display-1080-busier")


def test_the_phone_apologises_when_the_wait_passes_the_range_told(open_page, floor):
    mine = floor.take("A")
    # Told at most a minute, an hour ago: the top of the range has passed.
    Ticket.objects.filter(number=mine["number"]).update(
        issued_at=timezone.now() - dt.timedelta(hours=1), quoted_low=0, quoted_high=60)
    phone = live(open_page(PHONE, mine["url"]))
    apology = phone.locator(".past-quote")
    expect(apology).to_be_visible()
    expect(apology).to_have_text(re.compile(r"^We're sorry: this is taking longer than the under 1 min we told you\. "
                                            r"New estimate: .+\.$"))
    floor.take("A")  # the queue moves: still one apology, with the estimate of now
    expect(apology).to_have_count(1)
    shot(phone, "phone-390-past-quote")

"""Optional texts: "you are next" when the ticket becomes the first of its queue, "your turn" with the
counter when it is called; the number is kept while the ticket is open and deleted when it ends."""

import datetime
import json

import pytest
import time_machine
from django.core.checks import run_checks
from django.utils import timezone

from texts import actions as texts, errors
from texts.backends import ConsoleBackend
from texts.models import Mobile, TextMessage
from texts.sending import forget_ended, send_due
from tickets import actions

from .receivers import Receiver

NUMBER = "+351912345678"


@pytest.fixture(autouse=True)
def console(settings):
    settings.TEXTS_BACKEND = "console"
    ConsoleBackend.sent.clear()
    yield ConsoleBackend.sent
    ConsoleBackend.sent.clear()


def sent_now():
    send_due()
    return [text for _, text in ConsoleBackend.sent]


def number_anywhere(number=NUMBER):
    return Mobile.objects.filter(number=number).exists() or TextMessage.objects.filter(number=number).exists()


def test_you_are_next_comes_when_the_ticket_becomes_first_in_line(console, deposits, counter):
    actions.issue_ticket(deposits)
    second = actions.issue_ticket(deposits)
    texts.leave_number(second, "+351 912 345 678")
    assert sent_now() == []  # one person ahead still
    actions.call_next(counter)
    assert sent_now() == ["Main Street: A002, you are next. Please stay close to the counters."]
    assert console[0][0] == NUMBER


def test_your_turn_names_the_counter(console, deposits, counter):
    actions.issue_ticket(deposits)
    second = actions.issue_ticket(deposits)
    texts.leave_number(second, NUMBER)
    actions.call_next(counter)
    actions.call_next(counter)
    assert sent_now() == ["Main Street: A002, you are next. Please stay close to the counters.",
                          "Main Street: A002, it's your turn: please go to counter 1."]


def test_texts_speak_the_tickets_language_not_the_tellers(client, branch, deposits, counter, teller):
    branch.languages = "en,pt"
    branch.save()
    actions.issue_ticket(deposits)
    second = actions.issue_ticket(deposits, language="pt")
    client.post(f"/t/{second.token}/texts/", {"number": NUMBER}, HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(teller)
    client.post(f"/staff/counters/{counter.pk}/call-next/", HTTP_ACCEPT_LANGUAGE="en")
    client.post(f"/staff/counters/{counter.pk}/call-next/", HTTP_ACCEPT_LANGUAGE="en")
    assert sent_now() == ["Main Street: A002, é o próximo. Fique perto dos balcões, por favor.",
                          "Main Street: A002, é a sua vez: dirija-se ao balcão 1, por favor."]


def test_a_number_left_by_the_first_in_line_is_told_at_once_and_only_once(deposits, counter):
    ticket = actions.issue_ticket(deposits)
    texts.leave_number(ticket, NUMBER)
    texts.leave_number(ticket, "+351 912 345 679")  # a typo mended: the texts go to the new number only
    actions.issue_ticket(deposits)
    send_due()
    assert ConsoleBackend.sent == [("+351912345679", "Main Street: A001, you are next. Please stay close to the counters.")]


def test_a_transferred_ticket_is_told_again_when_first_of_its_new_queue(deposits, loans, counter):
    ticket = actions.issue_ticket(deposits)
    texts.leave_number(ticket, NUMBER)
    actions.call_next(counter)
    actions.transfer(counter, loans)
    assert list(TextMessage.objects.order_by("pk").values_list("kind", flat=True)) == ["next", "called", "next"]


@pytest.mark.parametrize("ending", ["served", "no_show", "cancelled"])
def test_the_number_is_deleted_when_the_ticket_ends(ending, deposits, counter):
    ticket = actions.issue_ticket(deposits)
    texts.leave_number(ticket, NUMBER)  # first in line: its "you are next" waits for the worker
    if ending == "cancelled":
        actions.cancel(ticket)
    else:
        actions.call_next(counter)
        (actions.mark_served if ending == "served" else actions.mark_no_show)(counter)
    assert not number_anywhere()
    assert sent_now() == []  # a text about a visit that is over is of no use


def test_a_sent_text_keeps_its_words_and_not_the_number(deposits):
    ticket = actions.issue_ticket(deposits)
    texts.leave_number(ticket, NUMBER)
    send_due()
    assert TextMessage.objects.get().status == TextMessage.Status.SENT
    assert not TextMessage.objects.filter(number=NUMBER).exists()


def test_the_number_is_deleted_when_the_day_closes(deposits):
    ticket = actions.issue_ticket(deposits)
    texts.leave_number(ticket, NUMBER)
    forget_ended()
    assert Mobile.objects.filter(ticket=ticket).exists()  # still today: still waiting
    with time_machine.travel(timezone.now() + datetime.timedelta(days=1)):
        assert forget_ended() == 1
    assert not number_anywhere()


def test_a_bad_number_is_refused_with_a_message_and_nothing_changes(client, deposits):
    ticket = actions.issue_ticket(deposits)
    page = client.post(f"/t/{ticket.token}/texts/", {"number": "call me maybe"}, follow=True)
    assert "does not look like a mobile number" in page.content.decode()
    assert not Mobile.objects.exists() and not TextMessage.objects.exists()


@pytest.mark.parametrize("typed", ["", "12345", "+0123456789", "+1234567890123456", "+351 91x 345 678"])
def test_numbers_that_are_not_mobile_numbers_are_refused(typed, deposits):
    with pytest.raises(errors.InvalidNumber):
        texts.leave_number(actions.issue_ticket(deposits), typed)
    assert not Mobile.objects.exists()


def test_a_national_number_takes_the_country_code_when_one_is_set(settings, deposits):
    settings.TEXTS_COUNTRY_CODE = "+351"
    assert texts.leave_number(actions.issue_ticket(deposits), "0912 345 678").number == NUMBER


def test_a_ticket_that_ended_takes_no_number(deposits):
    ticket = actions.cancel(actions.issue_ticket(deposits))
    with pytest.raises(errors.TicketClosed):
        texts.leave_number(ticket, NUMBER)


def test_the_phone_page_offers_texts_then_shows_the_number_masked_and_deletes_it_on_request(client, deposits):
    ticket = actions.issue_ticket(deposits)
    page = client.get(f"/t/{ticket.token}/").content.decode()
    assert 'name="number"' in page and f'action="/t/{ticket.token}/texts/"' in page
    page = client.post(f"/t/{ticket.token}/texts/", {"number": "+351 912 345 678"}, follow=True).content.decode()
    assert "We will text ••••••••••678" in page and NUMBER not in page
    page = client.post(f"/t/{ticket.token}/texts/", {"remove": "yes"}, follow=True).content.decode()
    assert "Your number is deleted" in page and 'name="number"' in page
    assert not number_anywhere()


def test_texts_off_asks_for_no_number(settings, client, deposits):
    settings.TEXTS_BACKEND = "off"
    ticket = actions.issue_ticket(deposits)
    assert 'name="number"' not in client.get(f"/t/{ticket.token}/").content.decode()
    assert client.post(f"/t/{ticket.token}/texts/", {"number": NUMBER}).status_code == 404


def test_the_gateway_backend_posts_the_providers_request(settings, deposits):
    with Receiver() as gateway:
        settings.TEXTS_BACKEND, settings.TEXTS_GATEWAY_URL = "http", gateway.url
        settings.TEXTS_GATEWAY_TOKEN, settings.TEXTS_GATEWAY_SENDER = "gw-key", "MainSt"
        texts.leave_number(actions.issue_ticket(deposits), NUMBER)
        send_due()
        headers, body = gateway.requests[0]
        assert headers["authorization"] == "Bearer gw-key"
        assert json.loads(body) == {"from": "MainSt", "to": NUMBER,
                                    "text": "Main Street: A001, you are next. Please stay close to the counters."}
        assert TextMessage.objects.get().status == TextMessage.Status.SENT


def test_a_failing_gateway_never_fails_a_tellers_call_and_gives_up_after_minutes(settings, deposits, counter):
    with Receiver() as gone:
        url = gone.url
    settings.TEXTS_BACKEND, settings.TEXTS_GATEWAY_URL = "http", url  # nothing listens there any more
    ticket = actions.issue_ticket(deposits)
    texts.leave_number(ticket, NUMBER)
    assert actions.call_next(counter).status == "called"
    now = timezone.now()
    while send_due(now):
        now += datetime.timedelta(minutes=3)
    assert set(TextMessage.objects.values_list("status", "number")) == {(TextMessage.Status.FAILED, "")}


def test_the_console_backend_in_production_is_a_warning(settings):
    settings.DEBUG = False
    assert "texts.W001" in {check.id for check in run_checks()}
    settings.TEXTS_BACKEND = "off"
    assert "texts.W001" not in {check.id for check in run_checks()}

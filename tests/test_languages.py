"""Each customer's language: chosen at the kiosk or by the phone, kept by the ticket, spoken by the TV."""

import json
import re

import pytest
from django.core.exceptions import ValidationError

from tickets import actions, words
from tickets.models import Ticket


@pytest.fixture
def lisbon(branch):
    branch.languages = "pt,en"
    branch.save()
    return branch


def _words_given(page):
    return json.loads(re.search(r'<script id="words" type="application/json">(.*?)</script>', page, re.S).group(1))


def test_the_kiosk_speaks_the_branch_default_and_offers_the_others_by_their_own_names(client, lisbon, deposits):
    page = client.get("/b/main/kiosk/").content.decode()
    assert '<html lang="pt" dir="ltr"' in page
    assert "Toque no serviço de que precisa" in page
    assert '<button name="lang" value="en" lang="en" aria-pressed="false">English</button>' in page
    assert 'value="pt" lang="pt" class="current" aria-pressed="true">Português</button>' in page


def test_a_ticket_keeps_the_language_chosen_at_the_kiosk_and_its_paper_says_it(client, lisbon, deposits):
    client.get("/b/main/kiosk/?lang=en")
    answer = client.post("/b/main/kiosk/", {"service": "A", "lang": "en"})
    ticket = Ticket.objects.get()
    assert ticket.language == "en"
    paper = client.get(answer.url).content.decode()
    assert "Your number is" in paper and "People ahead" in paper


def test_a_language_the_branch_does_not_offer_is_not_used(client, branch, deposits):
    # The branch offers English only: ?lang=pt changes nothing.
    page = client.get("/b/main/kiosk/?lang=pt").content.decode()
    assert '<html lang="en"' in page and "Tap the service you need" in page
    assert "language-switch" not in page  # one language: no switch at all


def test_the_join_page_starts_in_the_phones_own_language_when_the_branch_offers_it(client, branch, deposits):
    branch.languages = "en,zh-hant"
    branch.save()
    page = client.get("/b/main/join/", HTTP_ACCEPT_LANGUAGE="zh-TW,zh;q=0.9,en;q=0.5").content.decode()
    assert '<html lang="zh-hant"' in page and "請選擇服務。號碼牌存在這支手機上" in page
    client.post("/b/main/join/", {"service": "A", "lang": "zh-hant"}, HTTP_ACCEPT_LANGUAGE="zh-TW")
    assert Ticket.objects.get().language == "zh-hant"


def test_the_phone_page_follows_its_ticket_and_can_change_it(client, lisbon, deposits):
    ticket = actions.issue_ticket(deposits, language="pt")
    page = client.get(f"/t/{ticket.token}/").content.decode()
    assert "É o número 1 na fila" in page and "Vou-me embora" in page
    client.post(f"/t/{ticket.token}/language/", {"lang": "en"})
    ticket.refresh_from_db()
    assert ticket.language == "en"
    assert "You are number 1 in line" in client.get(f"/t/{ticket.token}/").content.decode()


def test_a_ticket_cannot_take_a_language_its_branch_does_not_offer(client, lisbon, deposits):
    ticket = actions.issue_ticket(deposits, language="pt")
    answer = client.post(f"/t/{ticket.token}/language/", {"lang": "ar"}, follow=True)
    ticket.refresh_from_db()
    assert ticket.language == "pt"
    assert "oferece: Português, English" in answer.content.decode()


def test_the_lobby_display_says_each_label_in_each_branch_language_in_its_order(client, lisbon, deposits):
    page = client.get("/b/main/display/").content.decode()
    assert ('<span class="in-language" lang="pt" dir="ltr">A chamar</span>'
            '<span class="in-language" lang="en" dir="ltr">Now calling</span>') in page
    given = _words_given(page)
    assert given["languages"] == ["pt", "en"]
    assert given["pt"]["spoken_call"] == "Senha {number}, balcão {counter}"
    assert given["en"]["digits"].split() [7] == "seven"


def test_arabic_screens_are_right_to_left(client, branch, deposits):
    branch.languages = "ar,en"
    branch.save()
    page = client.get("/b/main/kiosk/").content.decode()
    assert '<html lang="ar" dir="rtl"' in page
    assert _words_given(client.get("/b/main/display/").content.decode())["directions"] == {"ar": "rtl", "en": "ltr"}


@pytest.mark.parametrize("language, one, two, five", [
    ("en", "1 person behind you", "2 people behind you", "5 people behind you"),
    ("pt", "1 pessoa atrás de si", "2 pessoas atrás de si", "5 pessoas atrás de si"),
    ("zh-hant", "您後面有 1 人", "您後面有 2 人", "您後面有 5 人"),
])
def test_counts_take_their_languages_plural_form_on_the_server_and_in_the_script(language, one, two, five):
    from django.utils import translation

    with translation.override(language):
        assert [words.behind(n) for n in (1, 2, 5)] == [one, two, five]
        told = words.WORDS["behind"].for_script()
    # The script's rule (live.js: say): the form of n, or of 100 + n % 100 past the table.
    form = lambda n: told["forms"][int(told["of"][n if n < len(told["of"]) else 100 + n % 100])].format(n=n)
    assert [form(n) for n in (1, 2, 5)] == [one, two, five]
    with translation.override(language):
        assert form(1001) == words.behind(1001) and form(321) == words.behind(321)


def test_a_branch_refuses_languages_frontline_does_not_speak(branch):
    branch.languages = "en,klingon"
    with pytest.raises(ValidationError, match="klingon is not a language Frontline speaks"):
        branch.full_clean()
    branch.languages = "en,en"
    with pytest.raises(ValidationError, match="Each language once"):
        branch.full_clean()


def test_staff_pages_follow_the_browser_and_the_language_a_teller_picks(client, teller, counter):
    client.force_login(teller)
    page = client.get("/staff/", HTTP_ACCEPT_LANGUAGE="pt-PT,pt;q=0.9").content.decode()
    assert '<html lang="pt"' in page
    client.post("/i18n/setlang/", {"language": "zh-hant", "next": "/staff/"})
    assert '<html lang="zh-hant"' in client.get("/staff/", HTTP_ACCEPT_LANGUAGE="pt-PT").content.decode()


def test_the_demo_offers_english_and_portuguese_in_lisbon_and_filipino_in_manila(db):
    from tickets.management.commands.demo import make_demo
    from tickets.models import Branch

    make_demo("x")
    assert Branch.objects.get(slug="demo").language_codes == ["en", "pt"]
    manila = Branch.objects.get(slug="manila")
    assert (manila.time_zone, manila.language_codes) == ("Asia/Manila", ["en", "fil"])


def test_the_paper_ticket_and_staff_pages_tell_time_on_the_24_hour_clock(client, branch, deposits):
    import datetime as dt

    ticket = actions.issue_ticket(deposits, now=dt.datetime(2026, 6, 10, 13, 56, tzinfo=dt.UTC))
    paper = client.get(f"/t/{ticket.token}/print/").content.decode()
    assert "10 Jun 2026, 14:56" in paper  # Lisbon, summer: UTC+1
    assert "p.m." not in paper


def test_the_admin_is_titled_for_the_product(client, superuser):
    client.force_login(superuser)
    page = client.get("/admin/").content.decode()
    assert "Frontline administration" in page and "Django administration" not in page


def test_the_api_takes_a_ticket_in_an_offered_language_and_refuses_another(client, lisbon, deposits):
    taken = client.post("/api/v1/branches/main/tickets/", {"service": "A", "language": "pt"},
                        content_type="application/json")
    assert taken.status_code == 201 and taken.json()["language"] == "pt"
    refused = client.post("/api/v1/branches/main/tickets/", {"service": "A", "language": "ar"},
                          content_type="application/json")
    assert refused.status_code == 400 and refused.json()["code"] == "LanguageNotOffered"
    assert Ticket.objects.count() == 1

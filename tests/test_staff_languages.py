"""The console, the dashboard and the sign-in page follow the member of staff's language (issue 14, item 5),
whatever the branch's customers read: every phrase fills its placeholders in every language."""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.utils.translation import check_for_language

from tickets import actions

LANGUAGES = [code for code, _name in settings.LANGUAGES]


def drawn_in(language):
    """Django activates only a language with a catalog: every one of settings.LANGUAGES has ours (locale/),
    Filipino included, which Django has none of."""
    assert check_for_language(language)
    return language


def at(minutes):
    return dt.datetime(2026, 6, 10, 9, 0, tzinfo=dt.UTC) + dt.timedelta(minutes=minutes)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_console_is_drawn_in_the_tellers_language(client, deposits, counter, teller, language):
    thanked = actions.issue_ticket(deposits)
    actions.call_next(counter)
    actions.mark_served(counter)
    actions.record_feedback(thanked, rating=5, note="thank you")  # the thanks panel, a count in words
    actions.issue_ticket(deposits)
    actions.issue_ticket(deposits)
    actions.call_next(counter)  # one at the counter, one waiting
    client.force_login(teller)
    response = client.get(f"/staff/counters/{counter.pk}/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    assert f'<html lang="{drawn_in(language)}"' in response.content.decode()


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("days", [1, 7])
def test_the_dashboard_is_drawn_in_the_managers_language(client, deposits, counter, manager, language, days):
    ticket = actions.issue_ticket(deposits, now=at(0))
    actions.call_next(counter, now=at(12))
    actions.mark_served(counter, now=at(20))
    actions.record_feedback(ticket, rating=1, note="so slow!", perceived_wait="15_30_min", now=at(21))
    client.force_login(manager)
    first = (at(0) - dt.timedelta(days=days - 1)).date()
    response = client.get(f"/b/main/stats/?from={first}&to=2026-06-10", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    assert f'<html lang="{drawn_in(language)}"' in response.content.decode()


def test_the_dashboards_charts_name_weekdays_and_numbers_in_the_managers_language(client, deposits, counter, manager):
    # Django's own catalog says the weekdays: proof that the dashboard's words follow the manager's language.
    actions.issue_ticket(deposits, now=at(0))
    client.force_login(manager)
    page = client.get("/b/main/stats/?from=2026-06-10&to=2026-06-10", HTTP_ACCEPT_LANGUAGE="pt").content.decode()
    # 09:00 UTC is 10:00 in Lisbon; Portuguese writes a decimal comma.
    assert "Qua 10:00: 1,0 chegadas por dia" in page and "Wed 10:00" not in page


def test_the_charts_coordinates_are_svg_numbers_in_every_language(client, deposits, counter, manager):
    # Portuguese writes 190,0 where SVG reads only 190.0: a localized coordinate would draw nothing.
    actions.issue_ticket(deposits, now=at(0))
    client.force_login(manager)
    page = client.get("/b/main/stats/?from=2026-06-10&to=2026-06-10", HTTP_ACCEPT_LANGUAGE="pt").content.decode()
    assert re.search(r'<rect class="heat" x="[0-9.]+" y="[0-9.]+" width="[0-9.]+"', page)
    assert not re.search(r'(x|y|x1|x2|y1|y2|width|height|fill-opacity)="[0-9]+,[0-9]', page)


def test_the_sign_in_page_follows_the_browser(client, db):
    assert '<html lang="pt"' in client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="pt").content.decode()


def test_a_staff_members_language_is_theirs_not_the_branchs(client, branch, deposits, counter, teller):
    branch.languages = "fil,en"
    branch.save()
    client.force_login(teller)
    page = client.get(f"/staff/counters/{counter.pk}/", HTTP_ACCEPT_LANGUAGE="pt").content.decode()
    assert '<html lang="pt"' in page

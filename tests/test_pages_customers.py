"""The customers' pages, rendered by the server and usable without JavaScript."""

import pytest

from tickets import actions
from tickets.models import Feedback, Ticket

from .qrcodes import encodes
from .visible import visible_text


def test_home_lists_branches_with_kiosk_and_display(client, branch):
    page = client.get("/").content.decode()
    assert "Main Street" in page and "/b/main/kiosk/" in page and "/b/main/display/" in page


def test_kiosk_offers_each_active_service_with_its_queue(client, deposits, loans, counter):
    actions.issue_ticket(deposits)
    loans.active = False
    loans.save()
    page = client.get("/b/main/kiosk/").content.decode()
    assert 'value="A"' in page and "1 waiting" in page
    assert 'value="B"' not in page
    assert "Priority" in page


def test_kiosk_takes_a_ticket_and_shows_its_print_page(client, deposits):
    response = client.post("/b/main/kiosk/", {"service": "A", "priority": "on"})
    ticket = Ticket.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/t/{ticket.token}/print/"
    assert ticket.priority is True


def test_phone_kiosk_lands_on_the_tickets_phone_page(client, deposits):
    response = client.post("/b/main/join/", {"service": "A"})
    assert response["Location"] == f"/t/{Ticket.objects.get().token}/"


@pytest.mark.parametrize("path", ["/b/main/kiosk/", "/b/main/join/"])
def test_kiosk_refuses_an_unknown_service_and_issues_nothing(client, deposits, path):
    response = client.post(path, {"service": "Z"})
    assert response.status_code == 400 and "Choose a service" in response.content.decode()
    assert not Ticket.objects.exists()


def test_unknown_branch_pages_are_404(client, db):
    for path in ["/b/nowhere/kiosk/", "/b/nowhere/join/", "/b/nowhere/display/", "/t/nope/", "/t/nope/print/"]:
        assert client.get(path).status_code == 404, path


def test_print_page_has_everything_a_paper_ticket_needs(client, deposits, counter):
    actions.issue_ticket(deposits)
    ticket = actions.issue_ticket(deposits)
    page = client.get(f"/t/{ticket.token}/print/").content.decode()
    for words in ["Main Street", "A002", "Deposits", "People ahead", "Estimated wait",
                  "Watch the screen or follow on your phone", "Scan to follow your turn and leave a note",
                  'data-return-url="/b/main/kiosk/"']:
        assert words in page, words
    assert "<dd>1</dd>" in page  # one person ahead


def test_the_kiosk_says_the_number_and_the_wait_on_its_screen(client, deposits, counter):
    actions.issue_ticket(deposits)
    ticket = actions.issue_ticket(deposits)
    page = visible_text(client.get(f"/t/{ticket.token}/print/").content.decode())
    assert "Your number is A002" in page and "Take your ticket below" in page
    assert "1 ahead of you · " in page


def test_a_ticket_no_longer_waiting_shows_no_place_in_line_on_the_kiosk(client, deposits, counter):
    ticket = actions.issue_ticket(deposits)
    actions.call_next(counter)
    page = visible_text(client.get(f"/t/{ticket.token}/print/").content.decode())
    assert "Your number is A001" in page
    assert "ahead of you" not in page and "You are next" not in page and "– · –" not in page


def test_without_javascript_the_kiosk_goes_back_to_its_start_by_itself(client, deposits):
    from tickets.views import KIOSK_RETURN_SECONDS

    ticket = actions.issue_ticket(deposits)
    page = client.get(f"/t/{ticket.token}/print/").content.decode()
    refresh = f'<noscript><meta http-equiv="refresh" content="{KIOSK_RETURN_SECONDS};url=/b/main/kiosk/"></noscript>'
    assert refresh in page
    assert 'data-return-after="%d"' % KIOSK_RETURN_SECONDS in page


def test_the_print_page_has_no_inline_script_or_style(client, deposits):
    import re

    ticket = actions.issue_ticket(deposits)
    page = client.get(f"/t/{ticket.token}/print/").content.decode()
    assert "<style" not in page and " style=" not in page and not re.search(r"\son\w+=", page)
    # The only script elements: files, and the vocabulary as JSON data.
    for script in re.findall(r"<script[^>]*>", page):
        assert " src=" in script or 'type="application/json"' in script, script


def test_print_page_qr_code_leads_to_the_phone_page(client, deposits):
    ticket = actions.issue_ticket(deposits)
    page = client.get(f"/t/{ticket.token}/print/").content.decode()
    assert encodes(page, f"http://testserver/t/{ticket.token}/")
    assert not encodes(page, "http://testserver/t/another/")


def test_display_qr_code_leads_to_the_phone_kiosk(client, branch, deposits):
    page = client.get("/b/main/display/").content.decode()
    assert encodes(page, "http://testserver/b/main/join/")


def test_display_renders_the_current_state_before_any_socket(client, deposits, counter):
    actions.issue_ticket(deposits)
    actions.issue_ticket(deposits)
    actions.call_next(counter)
    page = client.get("/b/main/display/").content.decode()
    assert 'id="called-number">A001<' in page and "Counter 1" in page
    assert '<span class="count">1</span>' in page


def drive(ticket, counter, status):
    if status in ("called", "served", "no_show"):
        actions.call_next(counter)
    if status == "served":
        actions.mark_served(counter)
    elif status == "no_show":
        actions.mark_no_show(counter)
    elif status == "cancelled":
        actions.cancel(ticket)


@pytest.mark.parametrize(
    "status, words, absent",
    [
        ("waiting", ["You are number 1 in line", "I'm leaving"], ["How was your visit?"]),
        ("called", ["It's your turn", "Counter 1"], ["I'm leaving", "How was your visit?"]),
        ("served", ["You have been served at counter 1", "How was your visit?"], ["I'm leaving"]),
        ("no_show", ["we missed you", "How was your visit?"], ["I'm leaving"]),
        ("cancelled", ["This ticket is cancelled"], ["I'm leaving", "How was your visit?"]),
    ],
)
def test_phone_page_says_the_right_words_in_every_state(client, deposits, counter, status, words, absent):
    ticket = actions.issue_ticket(deposits)
    drive(ticket, counter, status)
    page = client.get(f"/t/{ticket.token}/").content.decode()
    assert f'class="ticket-status status-{status}"' in page
    page = visible_text(page)
    for text in words:
        assert text in page, text
    for text in absent:
        assert text not in page, text


def test_phone_cancel_cancels_a_waiting_ticket(client, deposits):
    ticket = actions.issue_ticket(deposits)
    response = client.post(f"/t/{ticket.token}/cancel/", {"confirm": "yes"}, follow=True)
    assert "This ticket is cancelled" in visible_text(response.content.decode())
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.CANCELLED


def test_phone_cancel_once_called_is_refused_with_a_message(client, deposits, counter):
    ticket = actions.issue_ticket(deposits)
    actions.call_next(counter)
    response = client.post(f"/t/{ticket.token}/cancel/", {"confirm": "yes"}, follow=True)
    assert "cannot be cancelled" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.CALLED


def test_feedback_is_kept_as_typed_and_shown_escaped(client, deposits, counter, manager):
    ticket = actions.issue_ticket(deposits)
    drive(ticket, counter, "served")
    note = "  so slow! <script>alert(1)</script>  "
    response = client.post(f"/t/{ticket.token}/feedback/", {"rating": "2", "note": note}, follow=True)
    assert "Thank you for your feedback." in response.content.decode()
    assert Feedback.objects.get().note == note and Feedback.objects.get().rating == 2
    client.force_login(manager)
    dashboard = client.get("/b/main/stats/").content.decode()
    assert "so slow! &lt;script&gt;alert(1)&lt;/script&gt;" in dashboard
    assert "<script>alert(1)</script>" not in dashboard


def test_empty_feedback_is_400_and_keeps_nothing(client, deposits, counter):
    ticket = actions.issue_ticket(deposits)
    drive(ticket, counter, "served")
    response = client.post(f"/t/{ticket.token}/feedback/", {"rating": "", "note": "   "})
    assert response.status_code == 400 and "Choose a rating or write a note" in response.content.decode()
    assert not Feedback.objects.exists()


def test_too_long_feedback_is_400_and_the_typed_note_is_shown_again(client, deposits, counter):
    ticket = actions.issue_ticket(deposits)
    drive(ticket, counter, "served")
    note = "waited forever " * 40  # 600 characters
    response = client.post(f"/t/{ticket.token}/feedback/", {"rating": "1", "note": note})
    assert response.status_code == 400
    assert note.strip() in response.content.decode()
    assert not Feedback.objects.exists()


def test_second_feedback_is_refused(client, deposits, counter):
    ticket = actions.issue_ticket(deposits)
    drive(ticket, counter, "served")
    client.post(f"/t/{ticket.token}/feedback/", {"rating": "5"})
    response = client.post(f"/t/{ticket.token}/feedback/", {"rating": "1", "note": "changed my mind"})
    assert response.status_code == 400 and "already has feedback" in response.content.decode()
    assert Feedback.objects.get().rating == 5


def test_estimates_read_naturally(client, deposits, counter):
    from tickets.templatetags.frontline import about

    assert (about(None), about(30), about(600), about(4500)) == ("–", "under 1 min", "about 10 min", "about 1 h 15 min")
    actions.issue_ticket(deposits)
    page = client.get("/b/main/kiosk/").content.decode()
    # 5 minutes told as a range: without a graded history, a quarter below to a half above (predictors.py).
    assert "1 waiting · 3-8 min" in page


def test_a_ticket_left_waiting_from_a_past_day_says_its_queue_has_closed(client, deposits):
    import datetime as dt

    import time_machine

    with time_machine.travel(dt.datetime(2026, 5, 4, 17, 0, tzinfo=dt.timezone.utc), tick=False):
        ticket = actions.issue_ticket(deposits)
    with time_machine.travel(dt.datetime(2026, 5, 5, 9, 0, tzinfo=dt.timezone.utc), tick=False):
        page = client.get(f"/t/{ticket.token}/").content.decode()
        answer = client.get(f"/api/v1/tickets/{ticket.token}/").json()
    assert "that day's queue has closed" in visible_text(page)
    assert "I'm leaving" not in visible_text(page)
    assert (answer["status"], answer["expired"], answer["position"], answer["estimated_wait"]) == (
        "waiting", True, None, None)


def test_the_kiosk_page_has_the_same_rate_limit_as_the_api(client, deposits, settings, one_minute):
    from django.core.cache import cache

    settings.TICKETS_PER_MINUTE_PER_ADDRESS = 2
    cache.clear()
    try:
        statuses = [client.post("/b/main/kiosk/", {"service": "A"}).status_code for _ in range(2)]
        statuses.append(client.post("/api/v1/branches/main/tickets/", {"service": "A"},
                                    content_type="application/json").status_code)
        refused = client.post("/b/main/join/", {"service": "A"})
    finally:
        cache.clear()
    assert statuses == [302, 302, 429]
    assert refused.status_code == 429 and "Too many tickets" in refused.content.decode()
    assert Ticket.objects.count() == 2

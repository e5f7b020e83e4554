"""The phone page as its holder uses it without JavaScript: leaving asks once, one thank-you, the people
behind and "almost your turn", faces drawn rather than typed."""

import re

from tickets import actions
from tickets.models import Ticket
from tickets.state import ticket_state

from .visible import visible_text


def page_of(client, ticket):
    return visible_text(client.get(f"/t/{ticket.token}/").content.decode())


def test_im_leaving_asks_first_and_changes_nothing(client, deposits):
    ticket = actions.issue_ticket(deposits)
    response = client.post(f"/t/{ticket.token}/cancel/")
    page = visible_text(response.content.decode())
    assert response.status_code == 200
    assert "Leave the queue?" in page and "Yes, cancel my ticket" in page and "No, keep my place" in page
    assert "I'm leaving" not in page and "You are number 1 in line" in page
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.WAITING


def test_im_leaving_cancels_once_confirmed(client, deposits):
    ticket = actions.issue_ticket(deposits)
    response = client.post(f"/t/{ticket.token}/cancel/", {"confirm": "yes"})
    assert response.status_code == 302 and response["Location"] == f"/t/{ticket.token}/"
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.CANCELLED


def test_a_confirmation_that_is_not_yes_only_asks_again(client, deposits):
    ticket = actions.issue_ticket(deposits)
    response = client.post(f"/t/{ticket.token}/cancel/", {"confirm": "no"})
    assert response.status_code == 200 and "Leave the queue?" in visible_text(response.content.decode())
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.WAITING


def test_leaving_a_ticket_already_called_is_refused_without_asking(client, deposits, counter):
    ticket = actions.issue_ticket(deposits)
    actions.call_next(counter)
    response = client.post(f"/t/{ticket.token}/cancel/", follow=True)
    page = visible_text(response.content.decode())
    assert "no longer waiting" in page and "Leave the queue?" not in page
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.CALLED


def test_after_leaving_the_page_says_cancelled_once_and_asks_for_no_rating(client, deposits):
    ticket = actions.issue_ticket(deposits)
    page = visible_text(client.post(f"/t/{ticket.token}/cancel/", {"confirm": "yes"}, follow=True).content.decode())
    assert page.count("cancelled") == 1, page
    assert "How was your visit?" not in page and "I'm leaving" not in page


def test_feedback_is_thanked_once(client, deposits, counter):
    ticket = actions.issue_ticket(deposits)
    actions.call_next(counter)
    actions.mark_served(counter)
    response = client.post(f"/t/{ticket.token}/feedback/", {"rating": "4"}, follow=True)
    page = visible_text(response.content.decode())
    assert len(re.findall(r"thank", page, re.IGNORECASE)) == 1, page
    assert "Thank you for your feedback." in page and "How was your visit?" not in page


def test_almost_your_turn_shows_with_one_person_ahead_or_none(client, deposits, counter):
    tickets = [actions.issue_ticket(deposits) for _ in range(3)]
    assert "Almost your turn" not in page_of(client, tickets[2])
    assert "Almost your turn" in page_of(client, tickets[1])
    actions.call_next(counter)
    assert "Almost your turn" in page_of(client, tickets[2])
    assert "Almost your turn" in page_of(client, tickets[1])


def test_the_people_behind_are_those_of_its_service_after_it(client, deposits, loans, counter):
    first = actions.issue_ticket(deposits)
    mine = actions.issue_ticket(deposits)
    actions.issue_ticket(loans)  # another queue: not behind it
    for _ in range(3):
        actions.issue_ticket(deposits)
    actions.issue_ticket(deposits, priority=True)  # goes before it: ahead, not behind
    state = ticket_state(Ticket.objects.get(pk=mine.pk))
    assert (state["position"], state["behind"]) == (3, 3)
    assert "3 people behind you" in page_of(client, mine)
    assert client.get(f"/api/v1/tickets/{mine.token}/").json()["behind"] == 3
    actions.cancel(first)
    assert ticket_state(Ticket.objects.get(pk=mine.pk))["behind"] == 3


def test_the_people_behind_are_said_naturally(client, deposits):
    mine = actions.issue_ticket(deposits)
    assert "Nobody behind you yet" in page_of(client, mine)
    actions.issue_ticket(deposits)
    assert "1 person behind you" in page_of(client, mine)


def test_nobody_is_behind_a_ticket_no_longer_waiting(deposits, counter):
    ticket = actions.issue_ticket(deposits)
    actions.issue_ticket(deposits)
    actions.call_next(counter)
    assert ticket_state(Ticket.objects.get(pk=ticket.pk))["behind"] is None


def test_the_rating_faces_are_drawn_and_each_is_a_labelled_radio_button(client, deposits, counter):
    ticket = actions.issue_ticket(deposits)
    actions.call_next(counter)
    actions.mark_served(counter)
    html = client.get(f"/t/{ticket.token}/").content.decode()
    form = html[html.index('id="feedback"'):html.index("</form>", html.index('id="feedback"'))]
    assert not re.search("[\U0001F300-\U0001FAFF\u2600-\u27BF]", form), "no emoji: many phones cannot draw them"
    for rating in range(1, 6):
        radio = re.search(rf'<input type="radio" name="rating" value="{rating}"[^>]*id="([^"]+)"', form)
        label = re.search(rf'<label for="{radio.group(1)}">(.*?)</label>', form, re.DOTALL).group(1)
        assert "<svg" in label and re.search(r'<span class="word">\d - \w', label)
    mouths = re.findall(r'<path class="mouth[^"]*" d="([^"]+)"', form)
    assert len(set(mouths)) == 5, "five different faces"

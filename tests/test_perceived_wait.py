"""Issue 16, item 5: "How long did your wait feel?" on the feedback form, set against the real wait."""

import pytest

from tickets import actions, errors, perceived
from tickets.models import Feedback

from .care_floor import at, clock, serve  # noqa: F401 - fixtures

pytestmark = pytest.mark.usefixtures("clock")
FELT = Feedback.Felt


@pytest.fixture
def visits(clock, branch, deposits, loans, counter, counter2, teller, colleague):
    """Five visits with known waits and what each customer said the wait felt like."""
    answers = [
        # (service, counter, wait minutes, felt)
        (deposits, counter, 3, FELT.FROM_5_TO_15),   # under 5 min, felt longer
        (deposits, counter, 4, FELT.UNDER_5),        # under 5 min, felt right
        (deposits, counter, 10, FELT.FROM_15_TO_30),  # 5-15 min, felt longer
        (loans, counter2, 20, FELT.FROM_5_TO_15),    # 15-30 min, felt shorter
        (loans, counter2, 40, ""),                   # over 30 min, did not say
    ]
    tickets = []
    for number, (service, desk, wait, felt) in enumerate(answers):
        ticket = serve(desk, service, arrive=number * 60, wait=wait, service_minutes=5)
        actions.record_feedback(ticket, rating=3, perceived_wait=felt, now=at(number * 60 + wait + 6))
        tickets.append(ticket)
    return tickets


def test_the_phone_asks_how_long_the_wait_felt_with_a_few_choices(client, deposits, counter):
    ticket = actions.issue_ticket(deposits)
    actions.call_next(counter)
    actions.mark_served(counter)
    page = client.get(f"/t/{ticket.token}/").content.decode()
    assert "How long did your wait feel? (optional)" in page
    for choice in FELT:
        assert f'value="{choice.value}"' in page and str(choice.label) in page


def test_the_answer_is_kept_with_the_feedback_and_may_be_the_only_answer(client, deposits, counter):
    ticket = actions.issue_ticket(deposits)
    actions.call_next(counter)
    actions.mark_served(counter)
    response = client.post(f"/t/{ticket.token}/feedback/", {"perceived_wait": FELT.FROM_15_TO_30})
    assert response.status_code == 302
    feedback = Feedback.objects.get(ticket=ticket)
    assert feedback.perceived_wait == FELT.FROM_15_TO_30 and feedback.rating is None and feedback.note == ""


def test_the_question_is_optional(deposits, counter):
    ticket = actions.issue_ticket(deposits)
    actions.call_next(counter)
    actions.mark_served(counter)
    assert actions.record_feedback(ticket, rating=4).perceived_wait == ""


def test_an_answer_that_is_not_a_choice_is_refused_and_nothing_is_kept(deposits, counter):
    ticket = actions.issue_ticket(deposits)
    actions.call_next(counter)
    actions.mark_served(counter)
    with pytest.raises(errors.InvalidFeedback):
        actions.record_feedback(ticket, rating=4, perceived_wait="ages")
    assert not Feedback.objects.exists()


def test_the_api_takes_the_answer_and_refuses_another_value(client, deposits, counter):
    ticket = actions.issue_ticket(deposits)
    actions.call_next(counter)
    actions.mark_served(counter)
    url = f"/api/v1/tickets/{ticket.token}/feedback/"
    bad = client.post(url, {"rating": 4, "perceived_wait": "forever"}, content_type="application/json")
    assert bad.status_code == 400 and not Feedback.objects.exists()
    good = client.post(url, {"rating": 4, "perceived_wait": "over_30_min"}, content_type="application/json")
    assert good.status_code == 201 and good.json()["perceived_wait"] == "over_30_min"


def test_perceived_against_actual_wait_per_wait_band(branch, visits):
    summary = perceived.perceived_summary(branch, at(0).date(), at(0).date())
    assert summary["answered"] == 4
    assert summary["felt_longer"] == 0.5 and summary["felt_right"] == 0.25 and summary["felt_shorter"] == 0.25
    under_5, five_15, fifteen_30, over_30 = summary["by_wait_band"]
    assert under_5["band"] == "under 5 min" and under_5["answered"] == 2
    assert under_5["felt"] == {"under_5_min": 1, "5_15_min": 1, "15_30_min": 0, "over_30_min": 0}
    assert under_5["felt_longer"] == 0.5 and under_5["felt_right"] == 0.5
    assert five_15["answered"] == 1 and five_15["felt_longer"] == 1
    assert fifteen_30["felt_shorter"] == 1
    assert over_30["answered"] == 0 and over_30["felt_longer"] is None  # the one who waited 40 min did not say


def test_perceived_against_actual_wait_per_service(branch, visits):
    deposits, loans = perceived.perceived_summary(branch, at(0).date(), at(0).date())["by_service"]
    assert deposits["code"] == "A" and deposits["answered"] == 3
    assert deposits["waited"] == {"under_5_min": 2, "5_15_min": 1, "15_30_min": 0, "over_30_min": 0}
    assert deposits["felt"] == {"under_5_min": 1, "5_15_min": 1, "15_30_min": 1, "over_30_min": 0}
    assert deposits["felt_longer"] == pytest.approx(2 / 3)
    assert loans["code"] == "B" and loans["answered"] == 1 and loans["felt_shorter"] == 1


def test_someone_who_left_before_being_called_has_no_real_wait_to_compare(branch, deposits):
    ticket = actions.cancel(actions.issue_ticket(deposits, now=at(0)), now=at(5))
    actions.record_feedback(ticket, perceived_wait=FELT.OVER_30, now=at(6))
    assert perceived.perceived_summary(branch, at(0).date(), at(0).date())["answered"] == 0


def test_the_dashboard_and_the_api_set_perceived_against_actual(client, clock, branch, manager, visits):
    clock.move_to(at(300))
    client.force_login(manager)
    page = client.get("/b/main/stats/").content.decode()
    assert "How long the wait felt, by how long it was (4 answers: 50% felt it longer than it was)" in page
    assert "How long the wait felt, by service" in page
    figures = client.get("/api/v1/branches/main/stats/").json()["perceived_wait"]
    assert figures["answered"] == 4 and [row["code"] for row in figures["by_service"]] == ["A", "B"]

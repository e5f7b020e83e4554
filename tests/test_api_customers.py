"""The customer side of the API: take a ticket, follow it, cancel it, leave feedback."""

import datetime as dt
import json

import pytest
from django.core.cache import cache

from tickets import actions
from tickets.models import Feedback, Ticket

from .conftest import walked_out


def post(client, url, body=None, **extra):
    return client.post(url, json.dumps(body) if body is not None else "", content_type="application/json", **extra)


def test_take_a_ticket(client, deposits, counter):
    response = post(client, "/api/v1/branches/main/tickets/", {"service": "A", "priority": False})
    assert response.status_code == 201
    answer = response.json()
    ticket = Ticket.objects.get()
    assert answer["number"] == "A001" and answer["token"] == ticket.token
    assert (answer["service"], answer["status"], answer["position"]) == ("A", "waiting", 1)
    assert answer["estimated_wait"] == 0 and answer["url"] == f"/t/{ticket.token}/"  # the counter is free
    assert dt.datetime.fromisoformat(answer["issued_at"]).utcoffset() is not None


def test_take_a_priority_ticket_with_a_lowercase_code(client, deposits):
    response = post(client, "/api/v1/branches/main/tickets/", {"service": "a", "priority": True})
    assert response.status_code == 201
    assert Ticket.objects.get().priority is True


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"service": ""},
        {"service": "AB"},
        {"service": "Z"},
        {"service": "A", "priority": "yes"},
        {"service": "A", "priority": 1},
        {"service": 7},
        {"service": "A", "colour": "blue"},
        ["A"],
    ],
)
def test_bad_ticket_requests_are_400_and_issue_nothing(client, deposits, body):
    response = post(client, "/api/v1/branches/main/tickets/", body)
    assert response.status_code == 400
    assert "error" in response.json()
    assert not Ticket.objects.exists()


def test_malformed_json_is_400(client, deposits):
    response = client.post("/api/v1/branches/main/tickets/", "{not json", content_type="application/json")
    assert response.status_code == 400 and "error" in response.json()
    assert not Ticket.objects.exists()


def test_inactive_service_is_400(client, deposits):
    deposits.active = False
    deposits.save()
    response = post(client, "/api/v1/branches/main/tickets/", {"service": "A"})
    assert response.status_code == 400 and "not taking tickets" in response.json()["error"]


def test_unknown_branch_is_404(client, deposits):
    assert post(client, "/api/v1/branches/nowhere/tickets/", {"service": "A"}).status_code == 404
    assert client.get("/api/v1/branches/nowhere/").json() == {"error": "Not found."}


def test_too_many_tickets_from_one_address_is_429(client, deposits, settings, one_minute):
    settings.TICKETS_PER_MINUTE_PER_ADDRESS = 3
    cache.clear()
    try:
        statuses = [post(client, "/api/v1/branches/main/tickets/", {"service": "A"}).status_code for _ in range(4)]
    finally:
        cache.clear()
    assert statuses == [201, 201, 201, 429]
    assert Ticket.objects.count() == 3


def test_branch_answer(client, branch, deposits, loans, counter, counter2, teller):
    actions.issue_ticket(deposits)
    actions.issue_ticket(loans)
    actions.call_next(counter, by=teller)
    answer = client.get("/api/v1/branches/main/").json()
    services = {s["code"]: s for s in answer["services"]}
    assert (services["A"]["waiting"], services["B"]["waiting"]) == (0, 1)
    assert services["A"]["name"] == "Deposits" and "estimated_wait" in services["B"]
    counters = {c["name"]: c for c in answer["counters"]}
    assert counters["1"] == {
        "id": counter.pk, "name": "1", "status": "open", "staffed": True, "services": ["A"], "served_today": 0, "pause_after": False,
        "serving": {"number": "A001", "service": "A", "priority": False, "called_at": counters["1"]["serving"]["called_at"],
                    "recall_count": 0},
    }
    assert answer["calling"] == {"number": "A001", "counter": "1", "recall": False,
                                 "called_at": counters["1"]["serving"]["called_at"]}
    assert counters["2"]["serving"] is None and counters["2"]["services"] == ["A", "B"]
    assert [(c["number"], c["counter"]) for c in answer["recent_calls"]] == [("A001", "1")]
    assert dt.datetime.fromisoformat(answer["recent_calls"][0]["called_at"]).utcoffset() is not None


def test_follow_a_ticket(client, deposits, counter):
    actions.issue_ticket(deposits)
    ticket = actions.issue_ticket(deposits)
    answer = client.get(f"/api/v1/tickets/{ticket.token}/").json()
    assert (answer["number"], answer["status"], answer["position"], answer["counter"]) == ("A002", "waiting", 2, None)
    actions.call_next(counter)
    actions.call_next(counter)
    answer = client.get(f"/api/v1/tickets/{ticket.token}/").json()
    assert (answer["status"], answer["position"], answer["counter"]) == ("called", None, "1")


def test_unknown_token_is_404(client, db):
    assert client.get("/api/v1/tickets/nope/").status_code == 404
    assert post(client, "/api/v1/tickets/nope/cancel/").status_code == 404
    assert post(client, "/api/v1/tickets/nope/feedback/", {"rating": 5}).status_code == 404


def test_cancel_while_waiting_then_409(client, deposits):
    ticket = actions.issue_ticket(deposits)
    response = post(client, f"/api/v1/tickets/{ticket.token}/cancel/")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    again = post(client, f"/api/v1/tickets/{ticket.token}/cancel/")
    assert again.status_code == 409 and "cannot be cancelled" in again.json()["error"]


def test_cancel_once_called_is_409(client, deposits, counter):
    ticket = actions.issue_ticket(deposits)
    actions.call_next(counter)
    assert post(client, f"/api/v1/tickets/{ticket.token}/cancel/").status_code == 409
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.CALLED


def test_feedback_201_then_409(client, deposits):
    ticket = walked_out(deposits)
    note = "  <b>so slow!</b>  "
    response = post(client, f"/api/v1/tickets/{ticket.token}/feedback/", {"rating": 2, "note": note})
    assert response.status_code == 201
    assert response.json()["note"] == note and Feedback.objects.get().note == note
    again = post(client, f"/api/v1/tickets/{ticket.token}/feedback/", {"rating": 5})
    assert again.status_code == 409
    assert Feedback.objects.get().rating == 2


@pytest.mark.parametrize(
    "body",
    [{}, {"rating": None, "note": ""}, {"note": "   "}, {"rating": 0}, {"rating": 6}, {"rating": "5"},
     {"rating": True}, {"rating": 4.5}, {"note": "x" * 501}, {"rating": 3, "mood": "meh"}],
)
def test_bad_feedback_is_400_and_keeps_nothing(client, deposits, body):
    ticket = walked_out(deposits)
    response = post(client, f"/api/v1/tickets/{ticket.token}/feedback/", body)
    assert response.status_code == 400 and "error" in response.json()
    assert not Feedback.objects.exists()


def test_openapi_lists_every_call(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in [
        "/api/v1/branches/{slug}/", "/api/v1/branches/{slug}/tickets/", "/api/v1/tickets/{token}/",
        "/api/v1/tickets/{token}/cancel/", "/api/v1/tickets/{token}/feedback/",
        "/api/v1/counters/{counter_id}/call-next/", "/api/v1/counters/{counter_id}/recall/",
        "/api/v1/counters/{counter_id}/serve/", "/api/v1/counters/{counter_id}/no-show/",
        "/api/v1/counters/{counter_id}/transfer/", "/api/v1/counters/{counter_id}/pause/",
        "/api/v1/counters/{counter_id}/resume/", "/api/v1/branches/{slug}/stats/",
    ]:
        assert path in paths, path


@pytest.mark.parametrize("token", ["%00", "a%00b", "x" * 200, "has space", "%F0%9F%98%80"])
def test_impossible_tokens_are_404_never_a_database_error(client, deposits, token):
    assert client.get(f"/api/v1/tickets/{token}/").status_code == 404
    assert post(client, f"/api/v1/tickets/{token}/cancel/").status_code == 404
    assert client.get(f"/t/{token}/").status_code == 404


def test_feedback_before_the_visit_is_over_is_409_and_keeps_nothing(client, deposits):
    ticket = actions.issue_ticket(deposits)
    response = post(client, f"/api/v1/tickets/{ticket.token}/feedback/", {"rating": 5, "note": "great"})
    assert response.status_code == 409 and "when the visit is over" in response.json()["error"]
    assert not Feedback.objects.exists()


def test_a_transferred_call_stays_among_the_recent_calls(client, deposits, loans, counter, counter2):
    first = actions.issue_ticket(deposits)
    actions.call_next(counter)  # A001 to counter 1
    actions.transfer(counter, loans)  # ... who is sent on to loans
    actions.issue_ticket(deposits)
    actions.call_next(counter2)  # A001 again, first in loans' queue, to counter 2
    actions.call_next(counter)  # A002 to counter 1
    calls = client.get("/api/v1/branches/main/").json()["recent_calls"]
    assert [(c["number"], c["counter"]) for c in calls] == [("A002", "1"), ("A001", "2"), ("A001", "1")]
    assert first.number == "A001"


def test_an_invalid_field_is_named_as_the_caller_wrote_it(client, deposits):
    response = post(client, "/api/v1/branches/main/tickets/", {"service": "A", "priority": "maybe"})
    assert response.status_code == 400
    assert [detail["field"] for detail in response.json()["details"]] == ["priority"]


def test_unknown_addresses_and_wrong_methods_answer_json(client, db):
    missing = client.get("/api/v1/nope/")
    assert (missing.status_code, missing.json()) == (404, {"error": "Not found."})
    wrong = client.get("/api/v1/counters/2/call-next/")
    assert wrong.status_code == 405 and wrong["Allow"] == "POST"
    assert wrong.json() == {"error": "Method not allowed: use POST."}


def test_the_branch_answer_is_what_every_screen_is_sent(client, branch, deposits, loans, counter, counter2, teller):
    """The websocket's snapshot and every live message carry branch_state: the API gives all of it."""
    from tickets.state import branch_state

    for service, priority in [(deposits, False), (loans, False), (deposits, True)]:
        actions.issue_ticket(service, priority=priority)
    actions.call_next(counter2, by=teller)
    actions.transfer(counter2, loans, by=teller)  # the priority customer, A002, goes to loans
    answer = client.get("/api/v1/branches/main/").json()
    assert answer == json.loads(json.dumps(branch_state(branch)))
    assert [(entry["number"], entry["service"], entry["transferred"], entry["priority"]) for entry in answer["queue"]] == [
        ("A002", "B", True, True), ("A001", "A", False, False), ("B001", "B", False, False)
    ]
    assert answer["today"]["waiting"] == 3

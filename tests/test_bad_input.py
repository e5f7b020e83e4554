"""Input the database itself would refuse (NUL bytes, impossible ids) is a 4xx that writes nothing, on
SQLite and on PostgreSQL alike, never a 500."""

import json

import pytest

from tickets import actions
from tickets.models import Feedback, Ticket, Transfer


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


@pytest.mark.parametrize("body", [{"service": "\u0000"}, {"service": "é"}, {"service": "A\u0000"}])
def test_strange_service_codes(client, deposits, body):
    response = post(client, "/api/v1/branches/main/tickets/", body)
    assert response.status_code == 400 and "error" in response.json()
    assert not Ticket.objects.exists()


def test_nul_in_a_branch_slug(client, deposits):
    assert post(client, "/api/v1/branches/ma%00in/tickets/", {"service": "A"}).status_code in (400, 404)
    assert client.get("/api/v1/branches/a%00b/").status_code in (400, 404)
    assert client.get("/b/a%00b/kiosk/").status_code in (400, 404)
    assert not Ticket.objects.exists()


def test_nul_in_a_feedback_note(client, deposits):
    ticket = actions.issue_ticket(deposits)
    response = post(client, f"/api/v1/tickets/{ticket.token}/feedback/", {"note": "so\u0000slow"})
    assert response.status_code == 400
    assert not Feedback.objects.exists()


def test_nul_in_a_transfer(client, deposits, counter, teller):
    actions.issue_ticket(deposits)
    actions.call_next(counter)
    client.force_login(teller)
    response = post(client, f"/api/v1/counters/{counter.pk}/transfer/", {"service": "\u0000"})
    assert response.status_code == 400
    assert not Transfer.objects.exists() and Ticket.objects.get().status == Ticket.Status.CALLED


@pytest.mark.parametrize("counter_id", ["99999999999999999999999", "-1", "abc"])
def test_impossible_counter_ids(client, superuser, counter_id):
    client.force_login(superuser)
    assert client.post(f"/api/v1/counters/{counter_id}/call-next/").status_code in (400, 404)
    assert client.post(f"/staff/counters/{counter_id}/call-next/").status_code in (400, 404)


@pytest.mark.parametrize("query", ["from=0001-01-01&to=0001-01-02", "from=9999-12-31"])
def test_far_away_dates(client, branch, manager, query):
    client.force_login(manager)
    assert client.get(f"/api/v1/branches/main/stats/?{query}").status_code in (200, 400)
    assert client.get(f"/b/main/stats/?{query}").status_code in (200, 400)

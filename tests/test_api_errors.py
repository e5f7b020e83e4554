"""Every error under /api/ is JSON, whoever answers it: the API, Django, or a crash."""

import json

import pytest
from django.test import Client

from tickets.models import Ticket


def test_a_body_over_the_size_limit_is_a_json_413_and_issues_nothing(client, deposits, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"service": "A", "priority": False, "padding": "x" * 2000})
    response = client.post("/api/v1/branches/main/tickets/", body, content_type="application/json")
    assert response.status_code == 413
    assert response.json() == {"error": "Request body too large: at most 1000 bytes."}
    assert not Ticket.objects.exists()


def test_a_staff_call_with_a_body_over_the_limit_is_a_json_413_and_changes_nothing(
        client, deposits, loans, counter, teller, settings):
    from tickets import actions

    actions.issue_ticket(deposits)
    actions.call_next(counter, by=teller)
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client.force_login(teller)
    body = json.dumps({"service": "B" + " " * 2000})
    response = client.post(f"/api/v1/counters/{counter.pk}/transfer/", body, content_type="application/json")
    assert response.status_code == 413 and "error" in response.json()
    assert Ticket.objects.called().get().service.code == "A"


@pytest.mark.parametrize("debug", [False, True])
def test_a_server_error_is_a_json_500_with_its_traceback_in_the_log(db, deposits, settings, monkeypatch, caplog, debug):
    settings.DEBUG = debug

    def broken(branch):
        raise RuntimeError("a bug")

    monkeypatch.setattr("tickets.api.branch_state", broken)
    response = Client(raise_request_exception=False).get("/api/v1/branches/main/")
    assert response.status_code == 500 and response["Content-Type"] == "application/json"
    assert response.json() == {"error": "Server error."}
    assert any(record.exc_info and "a bug" in str(record.exc_info[1]) for record in caplog.records)


def test_pages_keep_their_html_error_pages(client, db):
    response = client.get("/no/such/page/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")

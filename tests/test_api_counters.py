"""The tellers' and managers' side of the API: who may act, and what each call answers."""

import json

import pytest
from django.test import Client

from tickets import actions
from tickets.models import ApiToken, Counter, Ticket


def post(client, url, body=None, **extra):
    return client.post(url, json.dumps(body or {}), content_type="application/json", **extra)


def bearer(key):
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


@pytest.fixture
def waiting(deposits):
    return [actions.issue_ticket(deposits) for _ in range(2)]


def test_anonymous_calls_are_401(client, counter, waiting):
    response = post(client, f"/api/v1/counters/{counter.pk}/call-next/")
    assert response.status_code == 401 and "error" in response.json()
    assert not Ticket.objects.called().exists()


def test_staff_of_another_branch_is_403(client, counter, waiting, other_teller):
    client.force_login(other_teller)
    response = post(client, f"/api/v1/counters/{counter.pk}/call-next/")
    assert response.status_code == 403 and "error" in response.json()
    assert not Ticket.objects.called().exists()


@pytest.mark.parametrize("who", ["teller", "manager", "superuser"])
def test_staff_managers_and_superusers_call_next(client, counter, waiting, who, request):
    actions.leave_counter(counter)
    actions.resume_counter(counter)  # open, with nobody at it yet
    client.force_login(request.getfixturevalue(who))
    response = post(client, f"/api/v1/counters/{counter.pk}/call-next/")
    assert response.status_code == 200
    assert (response.json()["number"], response.json()["status"], response.json()["counter"]) == ("A001", "called", "1")


def test_session_calls_need_the_csrf_header(counter, waiting, teller):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(teller)
    assert post(browser, f"/api/v1/counters/{counter.pk}/call-next/").status_code == 403
    assert not Ticket.objects.called().exists()
    browser.get("/accounts/login/")  # sets the CSRF cookie, as any page with a form does
    token = browser.cookies["csrftoken"].value
    assert post(browser, f"/api/v1/counters/{counter.pk}/call-next/", HTTP_X_CSRFTOKEN=token).status_code == 200


def test_bearer_token_acts_as_its_user_without_csrf(counter, waiting, api_key, teller):
    browser = Client(enforce_csrf_checks=True)
    response = post(browser, f"/api/v1/counters/{counter.pk}/call-next/", **bearer(api_key))
    assert response.status_code == 200
    assert Ticket.objects.called().get().called_by == teller
    assert ApiToken.objects.get().last_used_at is not None


def test_wrong_or_inactive_bearer_token_is_401(client, counter, waiting, api_key, teller):
    assert post(client, f"/api/v1/counters/{counter.pk}/call-next/", **bearer("fl_wrong")).status_code == 401
    teller.is_active = False
    teller.save()
    assert post(client, f"/api/v1/counters/{counter.pk}/call-next/", **bearer(api_key)).status_code == 401
    assert not Ticket.objects.called().exists()


def test_bearer_token_of_another_branch_is_403(client, counter, waiting, other_teller):
    _, key = ApiToken.objects.create_token(other_teller, "elsewhere")
    assert post(client, f"/api/v1/counters/{counter.pk}/call-next/", **bearer(key)).status_code == 403


def test_call_next_with_nobody_waiting_is_204(client, counter, teller):
    client.force_login(teller)
    response = post(client, f"/api/v1/counters/{counter.pk}/call-next/")
    assert response.status_code == 204 and response.content == b""


def test_call_next_on_a_paused_counter_is_409(client, counter, waiting, teller):
    actions.pause_counter(counter)
    client.force_login(teller)
    response = post(client, f"/api/v1/counters/{counter.pk}/call-next/")
    assert response.status_code == 409 and "paused" in response.json()["error"]


def test_unknown_counter_is_404(client, teller):
    client.force_login(teller)
    assert post(client, "/api/v1/counters/999/call-next/").status_code == 404


@pytest.mark.parametrize("operation", ["recall", "serve", "no-show"])
def test_operations_without_a_called_ticket_are_409(client, counter, teller, operation):
    client.force_login(teller)
    response = post(client, f"/api/v1/counters/{counter.pk}/{operation}/")
    assert response.status_code == 409 and "no called ticket" in response.json()["error"]


@pytest.mark.parametrize(
    "operation, status, recalls", [("recall", "called", 1), ("serve", "served", 0), ("no-show", "no_show", 0)]
)
def test_operations_on_the_called_ticket(client, counter, waiting, teller, operation, status, recalls):
    client.force_login(teller)
    post(client, f"/api/v1/counters/{counter.pk}/call-next/")
    response = post(client, f"/api/v1/counters/{counter.pk}/{operation}/")
    assert response.status_code == 200
    assert (response.json()["number"], response.json()["status"], response.json()["recall_count"]) == (
        "A001", status, recalls)


def test_transfer_puts_the_ticket_first_in_the_other_service(client, counter, counter2, waiting, loans, teller):
    actions.issue_ticket(loans)
    client.force_login(teller)
    post(client, f"/api/v1/counters/{counter.pk}/call-next/")
    response = post(client, f"/api/v1/counters/{counter.pk}/transfer/", {"service": "B"})
    assert response.status_code == 200
    assert (response.json()["service"], response.json()["status"], response.json()["position"]) == ("B", "waiting", 1)


@pytest.mark.parametrize("body", [{}, {"service": "Z"}, {"service": "A"}, {"service": "BB"}, {"service": 2}])
def test_bad_transfers_are_400_and_change_nothing(client, counter, waiting, teller, body):
    client.force_login(teller)
    post(client, f"/api/v1/counters/{counter.pk}/call-next/")
    response = post(client, f"/api/v1/counters/{counter.pk}/transfer/", body)
    assert response.status_code == 400 and "error" in response.json()
    assert Ticket.objects.called().get().service.code == "A"


def test_pause_resume_and_close(client, counter, teller):
    client.force_login(teller)
    assert post(client, f"/api/v1/counters/{counter.pk}/pause/").json()["status"] == "paused"
    assert post(client, f"/api/v1/counters/{counter.pk}/pause/").status_code == 409
    assert post(client, f"/api/v1/counters/{counter.pk}/resume/").json()["status"] == "open"
    assert post(client, f"/api/v1/counters/{counter.pk}/close/").json()["status"] == "closed"
    counter.refresh_from_db()
    assert counter.status == Counter.Status.CLOSED


def test_staff_calls_only_accept_post(client, counter, teller):
    client.force_login(teller)
    assert client.get(f"/api/v1/counters/{counter.pk}/call-next/").status_code == 405


# --- statistics -----------------------------------------------------------------------------------


@pytest.mark.parametrize("who, status", [
    (None, 401), ("teller", 403), ("other_manager", 403), ("other_teller", 403), ("manager", 200), ("superuser", 200),
])
def test_only_managers_of_the_branch_see_its_statistics(client, branch, who, status, request):
    if who:
        client.force_login(request.getfixturevalue(who))
    response = client.get("/api/v1/branches/main/stats/")
    assert response.status_code == status
    assert "error" in response.json() if status != 200 else "wait" in response.json()


def test_statistics_answer_shape(client, deposits, counter, manager):
    actions.issue_ticket(deposits)
    actions.call_next(counter)
    actions.mark_served(counter)
    client.force_login(manager)
    answer = client.get("/api/v1/branches/main/stats/").json()
    for key in ["from", "to", "issued", "served", "no_show", "cancelled", "wait", "service_time", "service_level",
                "by_service", "by_counter", "by_staff", "by_hour", "quoted_vs_actual", "feedback"]:
        assert key in answer, key
    assert set(answer["wait"]) == {"median", "p90", "max"} and set(answer["service_time"]) == {"median", "p90"}
    assert answer["by_service"][0]["code"] == "A" and answer["by_counter"][0]["counter"] == "1"
    assert (answer["issued"], answer["served"]) == (1, 1)


@pytest.mark.parametrize("query, error", [
    ("from=yesterday", "from must be a date written YYYY-MM-DD."),
    ("from=20261120", "from must be a date written YYYY-MM-DD."),
    ("from=2026-W47-1", "from must be a date written YYYY-MM-DD."),
    ("from=2026-02-29", "from: 2026-02-29 is not a day of the calendar."),
    ("to=2026-13-01", "to: 2026-13-01 is not a day of the calendar."),
    ("from=2026-05-02&to=2026-05-01", "from must not be after to."),
    ("from=2024-01-01&to=2026-01-01", "A range can cover at most 366 days."),
])
def test_bad_statistics_ranges_are_400(client, branch, manager, query, error):
    client.force_login(manager)
    response = client.get(f"/api/v1/branches/main/stats/?{query}")
    assert response.status_code == 400 and response.json()["error"] == error


@pytest.mark.parametrize("query", ["from=2026-05-02", "to=2026-05-02"])
def test_one_end_of_a_range_alone_is_that_day(client, branch, manager, query):
    client.force_login(manager)
    answer = client.get(f"/api/v1/branches/main/stats/?{query}").json()
    assert (answer["from"], answer["to"]) == ("2026-05-02", "2026-05-02")


def test_statistics_of_an_unknown_branch_is_404(client, manager):
    client.force_login(manager)
    assert client.get("/api/v1/branches/nowhere/stats/").status_code == 404


@pytest.mark.parametrize("operation, body", [
    ("call-next", None), ("recall", None), ("serve", None), ("no-show", None), ("transfer", {"service": "B"}),
])
def test_staff_answers_never_carry_the_holders_token(client, counter, counter2, loans, waiting, teller, operation, body):
    client.force_login(teller)
    called = post(client, f"/api/v1/counters/{counter.pk}/call-next/")
    response = called if operation == "call-next" else post(client, f"/api/v1/counters/{counter.pk}/{operation}/", body)
    assert response.status_code == 200 and response.json()["number"] == "A001"
    assert "token" not in response.json() and "url" not in response.json()
    assert waiting[0].token.encode() not in response.content


def test_the_schema_gives_the_token_to_the_holder_only(client, db):
    schema = client.get("/api/v1/openapi.json").json()

    def answer_fields(path):
        reference = schema["paths"][path]["post" if "counters" in path or path.endswith("tickets/") else "get"]
        for status in ("200", "201"):
            if status in reference["responses"]:
                name = reference["responses"][status]["content"]["application/json"]["schema"]["$ref"].split("/")[-1]
                return schema["components"]["schemas"][name]["properties"]

    for operation in ["call-next", "recall", "serve", "no-show", "transfer"]:
        assert "token" not in answer_fields(f"/api/v1/counters/{{counter_id}}/{operation}/"), operation
    assert "token" in answer_fields("/api/v1/branches/{slug}/tickets/")
    assert "token" in answer_fields("/api/v1/tickets/{token}/")

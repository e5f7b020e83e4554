"""The API's description and its behaviour agree (issue 13, item 9): every status it answers is declared for
that operation in /api/v1/openapi.json, and what the schema allows is taken or refused with a declared status."""

import re

import pytest
from django.core.cache import cache

from tests.conftest import walked_out
from tickets.api import api
from tickets.models import Feedback

SPEC = None


def declared(method, path):
    """The statuses the description declares for the operation that ``path`` reaches."""
    global SPEC
    SPEC = SPEC or api.get_openapi_schema()
    path = path.split("?")[0]
    for template, operations in SPEC["paths"].items():
        if re.fullmatch(re.sub(r"\{[^}]+\}", "[^/]+", template), path) and method in operations:
            return {int(code) for code in operations[method]["responses"]}
    raise AssertionError(f"no operation for {method.upper()} {path}")


def asked(client, method, path, body=None, key=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
    if method == "get":
        return client.get(path, **headers)
    return client.post(path, body or {}, content_type="application/json", **headers)


def check(client, method, path, status, body=None, key=None):
    response = asked(client, method, path, body, key)
    assert response.status_code == status, (method, path, response.status_code, response.content[:200])
    assert status in declared(method, path), f"{method.upper()} {path} answers {status}, undeclared"
    assert response["Content-Type"].startswith("application/json") or status == 204


COUNTER_OPERATIONS = ["call-next", "recall", "serve", "no-show", "transfer", "pause", "resume", "close", "undo",
                      "sign-in", "leave"]
BODIES = {"transfer": {"service": "B"}, "sign-in": {}}


def test_an_unknown_branch_is_a_declared_404(client, deposits, manager):
    from tickets.models import ApiToken

    key = ApiToken.objects.create_token(manager, "m")[1]
    check(client, "get", "/api/v1/branches/nowhere/", 404)
    check(client, "post", "/api/v1/branches/nowhere/tickets/", 404, {"service": "A"})
    check(client, "get", "/api/v1/branches/nowhere/stats/", 404, key=key)
    check(client, "get", "/api/v1/branches/nowhere/tellers/", 404, key=key)


@pytest.mark.parametrize("operation", COUNTER_OPERATIONS)
@pytest.mark.parametrize("counter_id", ["abc", "0", "-1", "1.5", str(2**63), "99999999999999999999999"])
def test_a_bad_counter_id_is_a_declared_400(client, counter, api_key, operation, counter_id):
    check(client, "post", f"/api/v1/counters/{counter_id}/{operation}/", 400, BODIES.get(operation), api_key)


@pytest.mark.parametrize("operation", COUNTER_OPERATIONS)
def test_an_unknown_counter_is_a_declared_404(client, counter, api_key, operation):
    check(client, "post", f"/api/v1/counters/{2**63 - 1}/{operation}/", 404, BODIES.get(operation), api_key)


@pytest.mark.parametrize("operation", COUNTER_OPERATIONS)
def test_staff_refusals_are_declared(client, counter, operation):
    check(client, "post", f"/api/v1/counters/{counter.pk}/{operation}/", 401, BODIES.get(operation))


def test_an_unknown_ticket_is_a_declared_404(client, db):
    for path in ["/api/v1/tickets/nothing/", "/api/v1/tickets/%00/"]:
        check(client, "get", path, 404)
    check(client, "post", "/api/v1/tickets/nothing/cancel/", 404)
    check(client, "post", "/api/v1/tickets/nothing/feedback/", 404, {"rating": 5})


def test_refusals_of_customers_calls_are_declared(client, deposits, settings):
    check(client, "post", "/api/v1/branches/main/tickets/", 400, {"service": "Z"})
    check(client, "post", "/api/v1/branches/main/tickets/", 400, {"service": "A", "name": "Ana"})
    ticket = walked_out(deposits)
    check(client, "post", f"/api/v1/tickets/{ticket.token}/cancel/", 409)
    check(client, "post", f"/api/v1/tickets/{ticket.token}/feedback/", 400, {"note": "\x1b[2J"})
    check(client, "post", f"/api/v1/tickets/{ticket.token}/feedback/", 201, {"rating": 3})
    check(client, "post", f"/api/v1/tickets/{ticket.token}/feedback/", 409, {"rating": 3})
    settings.TICKETS_PER_MINUTE_PER_ADDRESS = 0
    cache.clear()
    check(client, "post", "/api/v1/branches/main/tickets/", 429, {"service": "A"})
    cache.clear()


def test_a_bad_range_is_a_declared_400(client, branch, manager):
    from tickets.models import ApiToken

    key = ApiToken.objects.create_token(manager, "m")[1]
    check(client, "get", "/api/v1/branches/main/stats/?from=yesterday", 400, key=key)


def test_a_refusal_of_the_queue_is_a_declared_409(client, counter, api_key):
    check(client, "post", f"/api/v1/counters/{counter.pk}/recall/", 409, key=api_key)  # nobody at the counter


# --- what a note may hold -----------------------------------------------------------------------------


@pytest.fixture
def over(deposits):
    return walked_out(deposits)


def feedback(client, ticket, **body):
    return client.post(f"/api/v1/tickets/{ticket.token}/feedback/", body, content_type="application/json")


@pytest.mark.parametrize("note", [" ", "\u200b", "\u200b\u200c\u200d\u2060\ufeff", "\u3164\u2800", "\n\t\u00a0",
                                  "\u0301", "\u202e\u2066"])
def test_a_note_of_only_invisible_characters_counts_as_empty(client, over, note):
    response = feedback(client, over, note=note)
    assert response.status_code == 400 and "Give a rating or write a note" in response.json()["error"]
    assert feedback(client, over, note=note, rating=4).status_code == 201
    assert Feedback.objects.get().note == ""


@pytest.mark.parametrize("note", ["\x00", "\x07bell", "red \x1b[31m", "\x7f", "a\x85b", "\x0b", "\x0c"])
def test_control_characters_are_refused_in_words(client, over, note):
    response = feedback(client, over, note=note, rating=3)
    assert response.status_code == 400
    assert "control character" in response.json()["error"] and "U+" in response.json()["error"]
    assert not Feedback.objects.exists()


def test_tabs_and_new_lines_are_kept_and_crlf_is_one_new_line(client, over):
    assert feedback(client, over, note="Line one\r\nLine\ttwo\n", rating=5).status_code == 201
    assert Feedback.objects.get().note == "Line one\nLine\ttwo\n"


def test_the_phone_page_says_the_same_of_a_note_of_invisible_characters(client, over):
    response = client.post(f"/t/{over.token}/feedback/", {"note": "\u200b\u200b"})
    assert response.status_code == 400 and not Feedback.objects.exists()


def test_the_phone_page_refuses_control_characters(client, over):
    client.post(f"/t/{over.token}/feedback/", {"note": "hi\x1b", "rating": "4"})
    assert not Feedback.objects.exists()


def test_a_note_with_letters_among_invisible_ones_is_kept_as_typed(client, over):
    assert feedback(client, over, note="\u200bok\u200b").status_code == 201
    assert Feedback.objects.get().note == "\u200bok\u200b"

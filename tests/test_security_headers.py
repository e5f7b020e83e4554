"""Browser protections: the Content-Security-Policy on every answer, no-store on every private one, and
the API's docs page from our own static files (queuesite/middleware.py)."""

import pytest

from tickets import actions


@pytest.fixture
def ticket(deposits):
    return actions.issue_ticket(deposits)


def test_every_page_carries_the_content_security_policy(client, branch, ticket):
    for path in ["/", "/b/main/kiosk/", "/b/main/display/", f"/t/{ticket.token}/", "/accounts/login/", "/healthz"]:
        policy = client.get(path)["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "style-src 'self'" in policy and "unsafe-inline" not in policy


def test_the_ticket_page_and_its_api_are_never_stored(client, ticket):
    for path in [f"/t/{ticket.token}/", f"/t/{ticket.token}/print/", f"/api/v1/tickets/{ticket.token}/"]:
        assert "no-store" in client.get(path)["Cache-Control"], path


def test_the_dashboard_its_exports_and_the_console_are_never_stored(client, branch, counter, manager, teller):
    client.force_login(manager)
    for path in ["/b/main/stats/", "/b/main/stats/tickets.csv", "/b/main/stats/summary.csv"]:
        response = client.get(path)
        assert response.status_code == 200 and "no-store" in response["Cache-Control"], path
    client.force_login(teller)
    response = client.get(f"/staff/counters/{counter.pk}/")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]


def test_public_screens_may_be_cached_by_nobody_in_particular(client, branch):
    # The lobby's page holds nothing private: no rule against keeping it (it re-syncs on connect anyway).
    assert "Cache-Control" not in client.get("/b/main/display/")


def test_the_api_docs_load_no_script_from_elsewhere(client):
    page = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page and "cdn." not in page


def test_the_suite_hashes_passwords_with_a_fast_hasher(teller):
    # Test settings only (tests/settings.py): production keeps Django's default, PBKDF2.
    assert teller.password.startswith("md5$")

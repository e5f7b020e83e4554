"""Issue limits (tickets/ratelimit.py, printing's device key): a registered kiosk has its own generous limit, not
its address's; phones have their address's limit and a cap on waiting phone tickets per branch; only accepted
tickets count; every 429 says when to come back."""

import pytest
from django.core.cache import cache

from printing.models import KEY_COOKIE, Kiosk
from tickets import actions, errors
from tickets.models import Operation, Ticket

API = "/api/v1/branches/main/tickets/"


@pytest.fixture(autouse=True)
def fresh_counts():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def limits(settings, one_minute):
    settings.TICKETS_PER_MINUTE_PER_ADDRESS = 2
    settings.KIOSK_TICKETS_PER_MINUTE = 5
    return settings


@pytest.fixture
def registered(client, kiosk):
    """The entrance kiosk's browser, registered with its device key."""
    key = kiosk.new_key(now=None)
    response = client.post("/b/main/kiosk/entrance/register/", {"key": key})
    assert response.status_code == 302 and response["Location"] == "/b/main/kiosk/entrance/"
    assert response.cookies[KEY_COOKIE]["httponly"] and response.cookies[KEY_COOKIE]["max-age"] > 365 * 24 * 3600
    return client


def take_at_kiosk(client):
    return client.post("/b/main/kiosk/entrance/", {"service": "A"}).status_code


def test_a_registered_kiosk_has_its_own_limit_not_its_addresss(registered, deposits, limits):
    phone = registered.__class__()  # a phone behind the same address
    assert [phone.post("/b/main/join/", {"service": "A"}).status_code for _ in range(3)] == [302, 302, 429]
    assert [take_at_kiosk(registered) for _ in range(6)] == [302] * 5 + [429]
    assert Ticket.objects.filter(channel="kiosk").count() == 5
    assert Ticket.objects.filter(channel="phone").count() == 2


def test_a_wrong_key_registers_nothing(client, kiosk, deposits, limits):
    kiosk.new_key(now=None)
    response = client.post("/b/main/kiosk/entrance/register/", {"key": "fk_guess"})
    assert response.status_code == 400 and KEY_COOKIE not in response.cookies
    client.cookies[KEY_COOKIE] = "fk_guess"
    assert [take_at_kiosk(client) for _ in range(3)] == [302, 302, 429]  # the address's limit


def test_a_new_key_ends_the_old_one(registered, kiosk, deposits, limits):
    kiosk.new_key(now=None)
    assert [take_at_kiosk(registered) for _ in range(3)] == [302, 302, 429]


def test_a_kiosks_key_counts_only_at_its_own_branch(registered, other_branch, limits):
    from tickets.models import Service

    Service.objects.create(branch=other_branch, name="Deposits", code="A")
    statuses = [registered.post("/api/v1/branches/harbour/tickets/", {"service": "A"},
                                content_type="application/json").status_code for _ in range(3)]
    assert statuses == [201, 201, 429]


def test_the_api_knows_a_registered_kiosk_by_its_cookie(registered, deposits, limits):
    statuses = [registered.post(API, {"service": "A"}, content_type="application/json").status_code
                for _ in range(3)]
    assert statuses == [201, 201, 201]
    assert set(Ticket.objects.values_list("channel", flat=True)) == {"kiosk"}


def test_refused_requests_do_not_use_up_the_limit(client, deposits, limits):
    for _ in range(5):
        assert client.post(API, {"service": "Z"}, content_type="application/json").status_code == 400
        assert client.post("/b/main/join/", {"service": "Z"}).status_code == 400
    assert [client.post(API, {"service": "A"}, content_type="application/json").status_code
            for _ in range(3)] == [201, 201, 429]


@pytest.mark.parametrize("path", [API, "/b/main/join/", "/b/main/kiosk/"])
def test_every_429_says_when_to_come_back(client, deposits, limits, path):
    body = {"service": "A"}
    post = (lambda: client.post(path, body, content_type="application/json")) if path == API else (
        lambda: client.post(path, body))
    post(), post()
    refused = post()
    assert refused.status_code == 429 and 1 <= int(refused["Retry-After"]) <= 60


def test_phone_tickets_have_a_cap_per_branch(client, deposits, settings):
    settings.PHONE_TICKETS_WAITING_PER_BRANCH = 2
    settings.TICKETS_PER_MINUTE_PER_ADDRESS = 100
    assert [client.post("/b/main/join/", {"service": "A"}).status_code for _ in range(2)] == [302, 302]
    full = client.post(API, {"service": "A"}, content_type="application/json")
    assert full.status_code == 429 and full["Retry-After"] == "60" and "phone tickets" in full.json()["error"]
    page = client.post("/b/main/join/", {"service": "A"})
    assert page.status_code == 429 and page["Retry-After"] == "60"
    assert Ticket.objects.count() == 2


def test_the_cap_counts_only_waiting_phone_tickets(deposits, counter, teller, kiosk, settings):
    settings.PHONE_TICKETS_WAITING_PER_BRANCH = 1
    actions.issue_ticket(deposits, channel="phone")
    with pytest.raises(errors.TooManyWaiting):
        actions.issue_ticket(deposits, channel="phone")
    actions.issue_ticket(deposits, channel="kiosk")  # the kiosk is never capped
    actions.call_next(counter, by=teller)  # the phone ticket is called: room for another
    actions.issue_ticket(deposits, channel="phone")


def test_the_admin_makes_a_device_key_shown_once_and_audited(client, superuser, kiosk):
    client.force_login(superuser)
    response = client.post("/admin/printing/kiosk/", {"action": "make_device_key", "_selected_action": [kiosk.pk]},
                           follow=True)
    page = response.content.decode()
    assert "device key, shown only this once: fk_" in page and "/b/main/kiosk/entrance/register/" in page
    kiosk.refresh_from_db()
    assert kiosk.key_hash and kiosk.key_set_at
    assert Operation.objects.filter(kind="settings", summary__contains="device key").exists()


def test_only_a_hash_of_the_key_is_kept(kiosk):
    key = kiosk.new_key(now=None)
    kiosk.refresh_from_db()
    assert key not in kiosk.key_hash and Kiosk.objects.filter(key_hash=kiosk.key_hash).count() == 1


def test_the_registration_page_is_never_stored(client, kiosk):
    response = client.get("/b/main/kiosk/entrance/register/")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert 'type="password"' in response.content.decode()

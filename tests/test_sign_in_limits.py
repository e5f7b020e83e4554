"""Sign-in that guessing cannot wear down (queuesite/signin.py), and staff sessions that end when left idle."""

import secrets

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import get_user_model

from tickets.models import StaffMembership

LOGIN = "/accounts/login/"


@pytest.fixture
def address():
    """An address of this test's own: the counts live in a cache that outlives a test (Redis, in CI)."""
    return f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}.{secrets.randbelow(250)}"


@pytest.fixture
def teller(branch, address):
    """A teller of this test's own, for the same reason."""
    user = get_user_model().objects.create_user(f"teller-{secrets.token_hex(4)}", password="pw-teller")
    StaffMembership.objects.create(user=user, branch=branch, role=StaffMembership.Role.TELLER)
    return user


def attempt(client, username, password, address, path=LOGIN):
    return client.post(path, {"username": username, "password": password}, REMOTE_ADDR=address)


def test_five_failures_lock_the_account_with_a_clear_message_even_for_the_right_password(client, teller, address):
    for _ in range(5):
        assert "Please enter a correct username" in attempt(client, teller.username, "wrong", address).content.decode()
    answer = attempt(client, teller.username, "pw-teller", address)
    assert answer.status_code == 200 and "Too many failed sign-ins for this account" in answer.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_lock_lifts_when_its_fifteen_minutes_end(client, teller, address):
    with time_machine.travel("2026-06-10 09:00:00Z"):
        for _ in range(5):
            attempt(client, teller.username, "wrong", address)
        assert "Too many failed" in attempt(client, teller.username, "pw-teller", address).content.decode()
    with time_machine.travel("2026-06-10 09:15:01Z"):
        assert attempt(client, teller.username, "pw-teller", address).status_code == 302


def test_a_success_clears_the_accounts_failures(client, teller, address):
    for _ in range(4):
        attempt(client, teller.username, "wrong", address)
    assert attempt(client, teller.username, "pw-teller", address).status_code == 302
    client.logout()
    for _ in range(4):
        attempt(client, teller.username, "wrong", address)
    assert attempt(client, teller.username, "pw-teller", address).status_code == 302


def test_one_address_guessing_many_accounts_is_locked_out_too(client, teller, address):
    for i in range(20):
        attempt(client, f"nobody{i}-{teller.username}", "guess", address)
    answer = attempt(client, teller.username, "pw-teller", address)
    assert "Too many failed sign-ins from this device" in answer.content.decode()
    # Another device signs in as usual.
    assert attempt(client, teller.username, "pw-teller", "192.0.2.1").status_code == 302


def test_the_admins_sign_in_is_limited_the_same_way(client, db, address):
    root = get_user_model().objects.create_superuser(f"root-{secrets.token_hex(4)}", password="pw-root")
    for _ in range(5):
        attempt(client, root.username, "wrong", address, path="/admin/login/")
    answer = attempt(client, root.username, "pw-root", address, path="/admin/login/")
    assert "Too many failed sign-ins for this account" in answer.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_staff_session_ends_after_its_idle_time_and_with_the_browser(client, teller, address):
    assert (settings.SESSION_COOKIE_AGE, settings.SESSION_EXPIRE_AT_BROWSER_CLOSE) == (30 * 60, True)
    with time_machine.travel("2026-06-10 09:00:00Z"):
        attempt(client, teller.username, "pw-teller", address)
    with time_machine.travel("2026-06-10 09:29:00Z"):
        assert client.get("/staff/").status_code == 200  # in use: each request keeps it alive
    with time_machine.travel("2026-06-10 09:58:00Z"):
        assert client.get("/staff/").status_code == 200
    with time_machine.travel("2026-06-10 10:28:01Z"):
        answer = client.get("/staff/")
    assert answer.status_code == 302 and answer["Location"].startswith(LOGIN)

import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from tickets import actions
from tickets.models import ApiToken, Branch, Counter, Service, StaffMembership


def test_demo_makes_a_working_branch_and_is_safe_to_run_twice(db, capsys):
    call_command("demo")
    call_command("demo")
    branch = Branch.objects.get(slug="demo")
    assert list(Service.objects.filter(branch=branch).values_list("code", flat=True)) == ["A", "B", "C"]
    assert Counter.objects.filter(branch=branch, status=Counter.Status.OPEN).count() == 4
    assert StaffMembership.objects.filter(branch=branch, role="manager").count() == 1
    assert StaffMembership.objects.filter(branch=branch, role="teller").count() == 4
    teller = get_user_model().objects.get(username="teller1")
    assert teller.check_password("frontline-demo")
    out = capsys.readouterr().out
    assert "manager" in out and "frontline-demo" in out
    # The demo branch works: a ticket can be taken and called.
    ticket = actions.issue_ticket(Service.objects.get(branch=branch, code="A"))
    assert actions.call_next(Counter.objects.get(branch=branch, name="1")).pk == ticket.pk


def test_create_api_token_prints_the_key_once_and_stores_its_hash(teller, capsys):
    call_command("create_api_token", "teller", "--name", "board")
    key = capsys.readouterr().out.strip().splitlines()[-1]
    token = ApiToken.objects.get()
    assert key.startswith("fl_") and key not in token.key_hash
    assert token.key_hash == ApiToken.hash_key(key) and token.user == teller


def test_create_api_token_for_unknown_user_fails_clearly(db):
    with pytest.raises(CommandError, match="No user named"):
        call_command("create_api_token", "nobody", "--name", "x")
    assert not ApiToken.objects.exists()


def run_settings(env):
    """Import the settings in a fresh interpreter with only ``env`` set; return the process result."""
    return subprocess.run(
        [sys.executable, "-c", "import queuesite.settings as s; print(s.DEBUG, s.SECRET_KEY[:4])"],
        env={"PATH": "/usr/bin:/bin", **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )


def test_settings_refuse_to_start_without_secret_key_when_debug_is_off():
    result = run_settings({})
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_settings_start_in_debug_without_secret_key():
    result = run_settings({"DEBUG": "1"})
    assert result.returncode == 0 and result.stdout.startswith("True")


def test_settings_refuse_a_misspelled_boolean():
    result = run_settings({"DEBUG": "maybe"})
    assert result.returncode != 0 and "DEBUG must be 1/0" in result.stderr

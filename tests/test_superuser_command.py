"""The README's way to an administrator's account works as written: `make superuser` runs createsuperuser
with the virtual environment's Python and DEBUG, which a bare `python manage.py createsuperuser` lacks."""

import re
import sqlite3
import subprocess

from django.conf import settings

ROOT = settings.BASE_DIR


def test_the_readme_gives_the_admin_step_that_works():
    readme = (ROOT / "README.md").read_text()
    assert "| administrator | http://127.0.0.1:8000/admin/ | the account `make superuser` creates |" in readme
    assert "DEBUG=1 .venv/bin/python manage.py createsuperuser" in readme


def test_make_superuser_creates_a_superuser_in_a_fresh_database(tmp_path):
    # What make would run (migrations first, then createsuperuser), run as it would, without DEBUG in the
    # caller's environment; --noinput and DJANGO_SUPERUSER_* stand for the person answering its questions.
    commands = subprocess.run(["make", "-s", "-n", "superuser"], cwd=ROOT, capture_output=True, text=True, check=True)
    lines = [line for line in commands.stdout.splitlines() if "manage.py" in line]
    assert re.fullmatch(r"DEBUG=1 \.venv/bin/python manage\.py createsuperuser", lines[-1])
    database = tmp_path / "admin.sqlite3"
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": f"sqlite:///{database}", "DJANGO_SUPERUSER_USERNAME": "admin",
           "DJANGO_SUPERUSER_PASSWORD": "a-long-admin-password", "DJANGO_SUPERUSER_EMAIL": "admin@example.com"}
    for line in lines[:-1] + [lines[-1] + " --noinput"]:
        result = subprocess.run(line, shell=True, cwd=ROOT, env=env, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
    assert "Superuser created successfully." in result.stdout
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT username, is_superuser FROM auth_user").fetchall() == [("admin", 1)]


def test_a_bare_createsuperuser_fails_as_the_readme_warns(tmp_path):
    result = subprocess.run(
        [".venv/bin/python", "manage.py", "createsuperuser", "--noinput"], cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}"},
        capture_output=True, text=True,
    )
    assert result.returncode != 0 and "SECRET_KEY must be set when DEBUG is off" in result.stderr

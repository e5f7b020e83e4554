"""What operators rely on: health endpoints for load balancers and system checks for risky settings."""

import copy

import pytest
from django.core.checks import run_checks
from django.test import override_settings

from queuesite.checks import production_settings


def test_healthz_answers_json(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


@pytest.mark.django_db(transaction=True)
def test_readyz_checks_the_database_the_cache_and_the_channel_layer(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok", "channel_layer": "ok"}}


@pytest.mark.django_db(transaction=True)
def test_readyz_is_503_when_the_channel_layer_is_unreachable(client):
    from channels.layers import channel_layers

    unreachable = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer",
                               "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]}}}
    with override_settings(CHANNEL_LAYERS=unreachable):
        channel_layers.backends.clear()
        try:
            response = client.get("/readyz")
        finally:
            channel_layers.backends.clear()
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "cache": "ok", "channel_layer": "failed"}


def ids(**overrides):
    with override_settings(**overrides):
        return sorted(message.id for message in production_settings(None))


IN_MEMORY = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
REDIS_LAYER = {"default": {"BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer"}}
LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REDIS_CACHE = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://x"}}


def test_in_memory_layer_and_local_cache_warn_in_production():
    assert ids(DEBUG=False, CHANNEL_LAYERS=IN_MEMORY, CACHES=LOCMEM, REDIS_URL="") == ["frontline.W001", "frontline.W002"]


def test_nothing_to_warn_about_in_development():
    assert ids(DEBUG=True, CHANNEL_LAYERS=IN_MEMORY, CACHES=LOCMEM, REDIS_URL="") == []


@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
def test_sqlite_with_redis_warns(settings):
    sqlite = {"default": {**settings.DATABASES["default"], "ENGINE": "django.db.backends.sqlite3"}}
    found = ids(DEBUG=False, CHANNEL_LAYERS=REDIS_LAYER, CACHES=REDIS_CACHE, REDIS_URL="redis://x", DATABASES=sqlite)
    assert found == ["frontline.W003"]


def test_development_secret_key_in_production_is_an_error(settings):
    found = ids(DEBUG=False, CHANNEL_LAYERS=REDIS_LAYER, CACHES=REDIS_CACHE, REDIS_URL="",
                SECRET_KEY=settings.DEVELOPMENT_SECRET_KEY)
    assert found == ["frontline.E001"]


def test_production_checks_run_with_every_system_check():
    with override_settings(DEBUG=False, CHANNEL_LAYERS=IN_MEMORY, CACHES=LOCMEM, REDIS_URL=""):
        assert "frontline.W001" in {message.id for message in run_checks()}


def test_each_operation_logs_one_line_without_what_customers_typed(deposits, counter, caplog, django_capture_on_commit_callbacks):
    from tickets import actions

    with caplog.at_level("INFO", logger="frontline.queue"):
        with django_capture_on_commit_callbacks(execute=True):
            ticket = actions.issue_ticket(deposits)
            actions.call_next(counter)
            actions.mark_served(counter)
            actions.record_feedback(ticket, rating=1, note="my name is Ana, so slow")
    lines = [record.getMessage() for record in caplog.records if record.name == "frontline.queue"]
    assert lines == [
        f"issued branch={deposits.branch_id} counter=- tickets=A001",
        f"called branch={deposits.branch_id} counter={counter.pk} tickets=A001",
        f"served branch={deposits.branch_id} counter={counter.pk} tickets=A001",
        f"feedback branch={deposits.branch_id} counter=- tickets=A001",
    ]
    assert not any("Ana" in record.getMessage() for record in caplog.records)


@pytest.fixture
def database_down(db):
    """Point the connection at a database that cannot be reached, for real; yields how to bring it back."""
    from django.db import connection

    saved = copy.deepcopy(connection.settings_dict)

    def reconnect():
        # A pool (PostgreSQL) keeps the address it was made with: make a new one for the new address.
        connection.close()
        if getattr(connection, "pool", None):
            connection.close_pool()

    def bring_back():
        reconnect()
        connection.settings_dict.clear()
        connection.settings_dict.update(copy.deepcopy(saved))

    reconnect()
    if connection.vendor == "sqlite":
        connection.settings_dict["NAME"] = "/nonexistent-folder/db.sqlite3"
    else:
        connection.settings_dict["PORT"] = 1
        if connection.settings_dict["OPTIONS"].get("pool"):
            connection.settings_dict["OPTIONS"]["pool"]["timeout"] = 0.5  # the test need not wait 5 s
    yield bring_back
    bring_back()


@pytest.mark.django_db(transaction=True)
def test_api_answers_503_json_while_the_database_is_down(client, deposits, database_down):
    response = client.post("/api/v1/branches/main/tickets/", {"service": "A"}, content_type="application/json")
    assert response.status_code == 503
    assert response.json()["error"].startswith("The queue is briefly unavailable")
    assert response["Retry-After"] == "10"


@pytest.mark.django_db(transaction=True)
def test_pages_answer_a_friendly_503_while_the_database_is_down(client, deposits, database_down):
    response = client.get("/b/main/kiosk/")
    assert response.status_code == 503
    assert "One moment, please" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_service_recovers_by_itself_when_the_database_is_back(client, deposits, database_down):
    assert client.get("/api/v1/branches/main/").status_code == 503
    database_down()
    assert client.get("/api/v1/branches/main/").status_code == 200
    response = client.post("/api/v1/branches/main/tickets/", {"service": "A"}, content_type="application/json")
    assert response.status_code == 201 and response.json()["number"] == "A001"


def test_check_deploy_is_clean_with_the_documented_production_variables():
    import subprocess
    import sys

    from django.conf import settings

    production = {
        "PATH": "/usr/bin:/bin", "DEBUG": "0", "SECRET_KEY": "k" * 30 + "Qz8#x!vR2@mL5^pT7&wN4*yB6(cH9)jF",
        "DATABASE_URL": "postgres://frontline:secret@127.0.0.1:5432/frontline",
        "REDIS_URL": "redis://127.0.0.1:6379/0", "ALLOWED_HOSTS": "queue.example-bank.com",
        "CSRF_TRUSTED_ORIGINS": "https://queue.example-bank.com", "BEHIND_HTTPS_PROXY": "1",
        "SECURE_HSTS_SECONDS": "31536000", "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1", "SECURE_HSTS_PRELOAD": "1",
        "TEXTS_BACKEND": "off",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR, env=production, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_request_log_lines_hide_ticket_tokens(client, deposits, caplog):
    from tickets import actions

    ticket = actions.issue_ticket(deposits)
    with caplog.at_level("INFO", logger="frontline.requests"):
        client.get(f"/t/{ticket.token}/?from=qr")
        client.get(f"/api/v1/tickets/{ticket.token}/")
        client.get("/b/main/kiosk/")
    lines = [record.getMessage() for record in caplog.records if record.name == "frontline.requests"]
    assert [line.rsplit(" ", 1)[0] for line in lines] == [
        "GET /t/…/ 200", "GET /api/v1/tickets/…/ 200", "GET /b/main/kiosk/ 200",
    ]
    assert not any(ticket.token in line for line in lines)


def database_settings(**env):
    """The DATABASES['default'] that queuesite.settings makes of these variables, in a fresh process."""
    import json
    import subprocess
    import sys

    from django.conf import settings

    script = "from queuesite import settings; import json; print(json.dumps(settings.DATABASES['default'], default=str))"
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=settings.BASE_DIR, capture_output=True, text=True, check=True,
        env={"PATH": "/usr/bin:/bin", "DEBUG": "1", **env},
    )
    return json.loads(result.stdout)


def test_postgresql_connections_come_from_a_pool_per_process():
    database = database_settings(DATABASE_URL="postgres://frontline:secret@127.0.0.1:5432/frontline")
    assert database["OPTIONS"]["pool"] == {"min_size": 2, "max_size": 10, "timeout": 5}
    assert database["CONN_MAX_AGE"] == 0  # Django refuses persistent connections beside a pool


def test_the_pool_can_be_sized_or_turned_off():
    url = "postgres://frontline:secret@127.0.0.1:5432/frontline"
    assert database_settings(DATABASE_URL=url, DATABASE_POOL_SIZE="30")["OPTIONS"]["pool"]["max_size"] == 30
    unpooled = database_settings(DATABASE_URL=url, DATABASE_POOL_SIZE="0", DATABASE_CONN_MAX_AGE="60")
    assert "pool" not in unpooled.get("OPTIONS", {}) and unpooled["CONN_MAX_AGE"] == 60
    assert "pool" not in database_settings()["OPTIONS"]  # SQLite: one file, no server to connect to

"""Real Daphne processes for the tests that must cross a real network socket."""

import asyncio
import http.cookiejar
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus
from django.db import connection


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url():
    """The URL of the database the test is using, so a server process shares the test's data."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = urllib.parse.quote(db["USER"] or "")
    if db.get("PASSWORD"):
        auth += ":" + urllib.parse.quote(db["PASSWORD"])
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Daphne:
    """``daphne queuesite.asgi:application`` on 127.0.0.1, started and stopped by the test."""

    def __init__(self, port=None, env=None, args=(), output=None):
        self.port = port or free_port()
        self.env = env or {}
        self.args = list(args)
        # A file that receives everything the process writes (its access log, its log lines); else discarded.
        self.output = output
        self.process = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self):
        return f"ws://127.0.0.1:{self.port}"

    def start(self, timeout=30):
        env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "SECRET_KEY": "live-test-secret",
            "DEBUG": "0",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "LOG_LEVEL": "WARNING",
            # Every ticket of every test comes from 127.0.0.1; the limit itself is tested in test_pages/test_api.
            "TICKETS_PER_MINUTE_PER_ADDRESS": "100000",
            "PHONE_TICKETS_WAITING_PER_BRANCH": "100000",
            **self.env,
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(self.port), *self.args,
             "queuesite.asgi:application"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=self.output or subprocess.DEVNULL,
            stderr=self.output or subprocess.PIPE,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                said = self.process.stderr.read().decode()[-2000:] if self.process.stderr else "(see its output)"
                raise RuntimeError(f"Daphne exited: {said}")
            try:
                urllib.request.urlopen(self.url + "/", timeout=1).read()
                return self
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"Daphne did not answer on port {self.port} within {timeout} s")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


async def close_code(server, path):
    """How the server ends a screen's socket: its websocket close code, or 'HTTP <status>' for a refused handshake."""
    try:
        async with connect(server.ws_url + path, origin=server.url, proxy=None, open_timeout=10) as socket:
            while True:
                await asyncio.wait_for(socket.recv(), 10)
    except InvalidStatus as refused:
        return f"HTTP {refused.response.status_code}"
    except ConnectionClosed as closed:
        return closed.rcvd.code if closed.rcvd else None


class Browser:
    """A cookie-keeping HTTP client that signs in like a person and sends Django's CSRF header."""

    def __init__(self, base_url):
        self.base_url = base_url
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def csrf_token(self):
        return next(cookie.value for cookie in self.cookies if cookie.name == "csrftoken")

    def sign_in(self, username, password):
        self.opener.open(self.base_url + "/accounts/login/").read()
        form = urllib.parse.urlencode(
            {"username": username, "password": password, "csrfmiddlewaretoken": self.csrf_token()}
        ).encode()
        self.opener.open(self.base_url + "/accounts/login/", form).read()
        assert any(cookie.name == "sessionid" for cookie in self.cookies), "sign-in failed"

    def headers(self, key=None):
        return {"X-CSRFToken": self.csrf_token()}

    def post_json(self, path, body=None, key=None):
        request = urllib.request.Request(
            self.base_url + path,
            data=json.dumps(body or {}).encode(),
            headers={"Content-Type": "application/json", **self.headers(key)},
            method="POST",
        )
        try:
            with self.opener.open(request) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")


class Floor(Browser):
    """The branch floor driven through the server's own API, as kiosks and an integration would."""

    def __init__(self, base_url, api_key):
        super().__init__(base_url)
        self.api_key = api_key
        self.keys = {}  # teller id -> an API key acting as them

    def headers(self, key=None):
        return {"Authorization": f"Bearer {key or self.api_key}"}

    def teller_key(self, counter):
        """The key of the teller at ``counter`` (each counter is worked by its own teller), else the floor's."""
        from tickets.models import ApiToken, Counter

        teller = Counter.objects.get(pk=counter.pk).teller
        if teller is None:
            return self.api_key
        if teller.pk not in self.keys:
            self.keys[teller.pk] = ApiToken.objects.create_token(teller, "floor")[1]
        return self.keys[teller.pk]

    def take(self, service, priority=False, language=""):
        status, ticket = self.post_json("/api/v1/branches/main/tickets/",
                                        {"service": service, "priority": priority, "language": language})
        assert status == 201, ticket
        return ticket

    def counter(self, counter, operation, body=None):
        """``operation`` at ``counter``, by the teller at it."""
        status, answer = self.post_json(f"/api/v1/counters/{counter.pk}/{operation}/", body, self.teller_key(counter))
        assert status in (200, 204), answer
        return answer


class ReconnectingScreen:
    """A test double of the display's reconnect logic (static/js/live.js): back off, reconnect, re-sync."""

    def __init__(self, server, path):
        self.server, self.path = server, path
        self.state = None
        self.reconnects = 0

    async def follow(self, until, timeout=30):
        delay = 0.1
        async with asyncio.timeout(timeout):
            while True:
                try:
                    url = self.server.ws_url + self.path
                    async with connect(url, origin=self.server.url, proxy=None, open_timeout=5) as socket:
                        delay = 0.1
                        async for raw in socket:
                            message = json.loads(raw)
                            if message["type"] != "heartbeat":
                                self.state = message
                            if until(self.state):
                                return self.state
                except Exception:  # refused, dropped, closed by the server: each means "try again"
                    pass
                self.reconnects += 1
                await asyncio.sleep(delay)
                delay = min(delay * 2, 2)


class PrivateRedis:
    """A redis-server of the test's own on a free port, so the test may stop and start it."""

    def __init__(self):
        self.port = free_port()
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout=10):
        self.process = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as probe:
                    probe.sendall(b"PING\r\n")
                    if probe.recv(16).startswith(b"+PONG"):
                        return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

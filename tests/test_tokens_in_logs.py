"""No ticket token reaches a log: a token is its holder's key, and logs are read by many people."""

import asyncio
import logging
import sys
import urllib.error
import urllib.request

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from queuesite.logs import HideTokens, hide_tokens
from tickets import actions

from .servers import Daphne

UNKNOWN = "NoSuchTicket_0123456789"


def fetch(url, data=None):
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data), timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


async def follow(server, token):
    """Open the phone's socket, read its first message (or its close), and leave."""
    try:
        async with connect(f"{server.ws_url}/ws/tickets/{token}/", origin=server.url, proxy=None) as socket:
            await asyncio.wait_for(socket.recv(), 10)
    except ConnectionClosed:
        pass


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("debug", ["0", "1"], ids=["plain daphne", "make run"])
def test_a_real_daphne_logs_requests_and_warnings_with_tokens_hidden(deposits, tmp_path, debug):
    """Daphne as the README and `make run` start it: access log on stdout, Django's warnings on stderr."""
    token = actions.issue_ticket(deposits).token
    log = tmp_path / "daphne.log"
    with open(log, "wb") as output:
        server = Daphne(env={"DEBUG": debug, "LOG_LEVEL": "INFO"}, output=output).start()
        try:
            assert fetch(f"{server.url}/t/{token}/") == 200
            assert fetch(f"{server.url}/api/v1/tickets/{token}/?seen=1") == 200
            assert fetch(f"{server.url}/t/{token}/feedback/", data=b"rating=5") == 403  # no CSRF: a warning
            assert fetch(f"{server.url}/t/{UNKNOWN}/") == 404  # django.request's "Not Found: <path>"
            assert fetch(f"{server.url}/api/v1/tickets/{UNKNOWN}/cancel/", data=b"") == 404
            asyncio.run(follow(server, token))
            asyncio.run(follow(server, UNKNOWN))
        finally:
            server.stop()
    text = log.read_text()
    assert token not in text and UNKNOWN not in text
    # The lines were written, with the token hidden: by the access log and by Django's warnings.
    assert '"GET /t/…/' in text and "Not Found: /t/…/" in text and "/ws/tickets/…/" in text
    assert "Forbidden (CSRF cookie not set.): /t/…/feedback/" in text


@pytest.mark.parametrize("line, shown", [
    ("GET /t/abc_DEF-1/print/ 200", "GET /t/…/print/ 200"),
    ('"GET /api/v1/tickets/abc/?x=1 HTTP/1.1"', '"GET /api/v1/tickets/…/?x=1 HTTP/1.1"'),
    ("No route found for path 'ws/tickets/abc/'.", "No route found for path 'ws/tickets/…/'."),
    ("https://bank.example/t/abc", "https://bank.example/t/…"),
    ("GET /b/main/kiosk/ 200", "GET /b/main/kiosk/ 200"),
])
def test_a_token_is_hidden_wherever_its_path_appears_in_a_line(line, shown):
    assert hide_tokens(line) == shown


def test_a_traceback_that_quotes_a_token_is_hidden_too():
    try:
        raise ValueError("No route found for path 'ws/tickets/secret123/'.")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "on %s", ("/t/secret123/",), sys.exc_info())
    HideTokens().filter(record)
    written = logging.Formatter().format(record)
    assert "secret123" not in written and "on /t/…/" in written and "ws/tickets/…/" in written

"""Who is asking: only the proxies the deployment names may say, so a forged X-Forwarded-For changes nothing."""

import json
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import RequestFactory

from queuesite.clients import client_address
from tickets.models import Ticket


def asking(forwarded=None, peer="10.0.0.5"):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=peer, **extra)


@pytest.mark.parametrize("forwarded", [None, "203.0.113.9", "198.51.100.1, 203.0.113.9"])
def test_without_proxy_hops_the_socket_peer_is_the_client(settings, forwarded):
    settings.PROXY_HOPS = 0
    assert client_address(asking(forwarded)) == "10.0.0.5"


@pytest.mark.parametrize("forwarded, hops, client", [
    ("203.0.113.9", 1, "203.0.113.9"),  # the shipped nginx: one entry, the address it saw
    ("198.51.100.1, 203.0.113.9", 1, "203.0.113.9"),  # an appending proxy: the client wrote the first entry
    ("198.51.100.1, 203.0.113.9, 192.0.2.7", 2, "203.0.113.9"),  # a balancer in front of nginx
    (" 2001:db8::1 ", 1, "2001:db8::1"),
])
def test_behind_proxies_the_entry_the_nearest_of_them_wrote_is_the_client(settings, forwarded, hops, client):
    settings.PROXY_HOPS = hops
    assert client_address(asking(forwarded)) == client


@pytest.mark.parametrize("forwarded, hops", [(None, 1), ("", 1), ("203.0.113.9", 2), ("not-an-address", 1)])
def test_a_header_our_proxies_did_not_write_falls_back_to_the_socket_peer(settings, forwarded, hops):
    settings.PROXY_HOPS = hops
    assert client_address(asking(forwarded)) == "10.0.0.5"


def take(client, forwarded):
    body = json.dumps({"service": "A"})
    return client.post("/api/v1/branches/main/tickets/", body, content_type="application/json",
                       HTTP_X_FORWARDED_FOR=forwarded).status_code


@pytest.fixture
def limit_of_two(settings, one_minute):
    settings.TICKETS_PER_MINUTE_PER_ADDRESS = 2
    cache.clear()
    yield
    cache.clear()


def test_forged_forwarded_addresses_share_the_limit_of_the_peer(client, deposits, limit_of_two, settings):
    settings.PROXY_HOPS = 0
    assert [take(client, f"198.51.100.{i}") for i in range(3)] == [201, 201, 429]
    assert Ticket.objects.count() == 2


def test_behind_one_proxy_each_client_has_its_own_limit(client, deposits, limit_of_two, settings):
    settings.PROXY_HOPS = 1
    # What nginx sends on: the address it saw, whatever the client claimed.
    assert [take(client, "203.0.113.9") for _ in range(3)] == [201, 201, 429]
    assert take(client, "203.0.113.10") == 201
    # An appending proxy in front would keep the client's own entry first: it is not the one counted.
    assert take(client, "198.51.100.77, 203.0.113.9") == 429
    assert Ticket.objects.count() == 3


def test_the_shipped_proxy_and_daphne_commands_never_trust_a_client_written_address():
    root = settings.BASE_DIR
    nginx = (root / "deploy/nginx.conf").read_text()
    assert "$proxy_add_x_forwarded_for" not in nginx
    assert nginx.count("proxy_set_header X-Forwarded-For $remote_addr;") == nginx.count("proxy_pass ")
    # Daphne's --proxy-headers believes the first entry, which the client wrote: the application decides.
    for shipped in ["deploy/run-prod", "deploy/frontline@.service", "Makefile", "README.md"]:
        commands = [line for line in (root / shipped).read_text().splitlines() if "daphne -b" in line]
        assert commands and not any("--proxy-headers" in line for line in commands), shipped


def test_proxy_hops_is_documented_and_must_be_a_count():
    readme = (settings.BASE_DIR / "README.md").read_text()
    assert re.search(r"^\| `PROXY_HOPS` \| `0` \|", readme, re.MULTILINE)
    result = subprocess.run(
        [sys.executable, "-c", "import queuesite.settings"], cwd=settings.BASE_DIR, capture_output=True, text=True,
        env={"PATH": "/usr/bin:/bin", "DEBUG": "1", "PROXY_HOPS": "-1"},
    )
    assert result.returncode != 0 and "PROXY_HOPS must be 0 or more" in result.stderr

"""How PostgreSQL connections should be kept under Daphne: a pool per process, one per thread, or none.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/connections.py

It makes a fresh test_ database with the demo branch and a few waiting tickets, then starts one Daphne
process for each way of keeping connections, in turn (twice, alternating), and times the branch's state
from the API (the request every screen and integration makes) one request after another, then from
eight clients at once. It prints each beside the pool's figures from the same round, and how many
connections the process left open. Nothing is asserted; see docs/benchmarks.md for recorded figures.
"""

import os
import statistics
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "queuesite.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
os.environ.setdefault("LOG_LEVEL", "WARNING")
if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
    sys.exit("Set DATABASE_URL to a PostgreSQL database: this compares ways of keeping its connections.")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from tests.servers import Daphne  # noqa: E402
from tickets import actions  # noqa: E402
from tickets.models import Service  # noqa: E402

WAYS = {
    "pool of 10 (default)": {"DATABASE_POOL_SIZE": "10"},
    "kept 60 s per thread": {"DATABASE_POOL_SIZE": "0", "DATABASE_CONN_MAX_AGE": "60"},
    "new per request": {"DATABASE_POOL_SIZE": "0", "DATABASE_CONN_MAX_AGE": "0"},
}
PATH = "/api/v1/branches/demo/"
SEQUENTIAL = 400
CLIENTS, EACH = 8, 100


def get(url):
    started = time.perf_counter()
    with urllib.request.urlopen(url) as response:
        response.read()
    return time.perf_counter() - started


def one_after_another(url):
    for _ in range(20):  # warm up: imports, first connections
        get(url)
    return [get(url) for _ in range(SEQUENTIAL)]


def all_at_once(url):
    times, lock = [], threading.Lock()

    def client():
        mine = [get(url) for _ in range(EACH)]
        with lock:
            times.extend(mine)

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return times, len(times) / (time.perf_counter() - started)


def open_connections():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [connection.settings_dict["NAME"]],
        )
        return cursor.fetchone()[0]


def ms(seconds):
    return f"{seconds * 1000:6.1f}"


def main():
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        call_command("demo", stdout=open(os.devnull, "w"))
        for service in Service.objects.filter(branch__slug="demo"):
            for _ in range(5):
                actions.issue_ticket(service)
        connection.close()
        print(f"GET {PATH}: {SEQUENTIAL} one after another, then {CLIENTS} clients x {EACH} at once")
        print(f"{'':>22} {'median ms':>9} {'p90 ms':>7} {'x pool':>7} | {'at once: median':>15} {'p90':>6} "
              f"{'req/s':>6} | {'connections left':>16}")
        for round_ in (1, 2):
            baseline = None
            for name, env in WAYS.items():
                server = Daphne(env=env).start()
                try:
                    alone = one_after_another(server.url + PATH)
                    together, rate = all_at_once(server.url + PATH)
                    left = open_connections()
                finally:
                    server.stop()
                median = statistics.median(alone)
                baseline = baseline or median
                print(f"{name:>22} {ms(median):>9} {ms(statistics.quantiles(alone, n=10)[-1]):>7} "
                      f"{median / baseline:>7.2f} | {ms(statistics.median(together)):>15} "
                      f"{ms(statistics.quantiles(together, n=10)[-1]):>6} {rate:>6.0f} | {left:>16}")
                time.sleep(1)  # let the server's connections close before the next way starts
    finally:
        connection.close()
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()

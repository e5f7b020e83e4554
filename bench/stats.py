"""How fast the manager's dashboard and the statistics API answer over a busy branch's year.

    .venv/bin/python bench/stats.py                      # SQLite (a fresh file in a temporary folder)
    DATABASE_URL=postgres://... .venv/bin/python bench/stats.py   # PostgreSQL (a fresh test_ database)

It makes a branch of 12 counters, simulates two weeks of it with ``simulate`` (the real operations),
then copies those two weeks over the year before, shifted by whole weeks so weekdays stay weekdays and
each duration nudged by up to 30 s: about 150,000 tickets. It then times the dashboard page and the API for the last day, 30 days
and 365 days, and prints each beside the one-day figure of the same run: the ratio shows how the
answer grows with the range, whatever the speed of the machine. Nothing is asserted; see
docs/benchmarks.md for recorded figures.
"""

import datetime
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "queuesite.settings")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
KEEP = "--keep" in sys.argv  # leave the database behind, to look into it
if not os.environ.get("DATABASE_URL"):
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='frontline-bench-')}/bench.sqlite3"

import django  # noqa: E402

django.setup()

import logging  # noqa: E402

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from tickets import simulation  # noqa: E402
from tickets.models import Branch, Counter, Feedback, Service, StaffMembership, Ticket  # noqa: E402

# --tiny: one simulated day copied once, each page timed once: a check that the script runs (tests/test_bench.py).
TINY = "--tiny" in sys.argv
SIMULATED_DAYS = 1 if TINY else 14
REPEATS = 1 if TINY else 5
COPIES = 1 if TINY else 365 // SIMULATED_DAYS
COUNTERS = [("A",), ("A",), ("A",), ("A",), ("A", "C"), ("A", "C"), ("A", "B"), ("B",), ("B",), ("B", "C"),
            ("C",), ("A", "B", "C")]


def make_branch():
    branch = Branch.objects.create(name="Bench Branch", slug="bench", time_zone="Europe/Lisbon")
    services = {
        code: Service.objects.create(branch=branch, code=code, name=name, target_wait_minutes=target, position=i)
        for i, (code, name, target) in enumerate([("A", "Deposits", 10), ("B", "Loans", 20), ("C", "Care", 15)])
    }
    User = get_user_model()
    for i, codes in enumerate(COUNTERS, 1):
        counter = Counter.objects.create(branch=branch, name=str(i))
        counter.services.set(services[code] for code in codes)
        teller = User.objects.create_user(f"bench-teller{i}")
        StaffMembership.objects.create(user=teller, branch=branch, role=StaffMembership.Role.TELLER)
    manager = User.objects.create_user("bench-manager")
    StaffMembership.objects.create(user=manager, branch=branch, role=StaffMembership.Role.MANAGER)
    return branch, manager


def fill_the_year(branch):
    """Copy the simulated fortnight back over the year before it, a fortnight at a time, in bulk."""
    template = list(Ticket.objects.filter(branch=branch).select_related("feedback"))
    # Copies differ from the fortnight by up to half a minute in each duration, so the year has as many
    # distinct waits as a real one (the percentiles sort distinct values: identical copies would flatter them).
    jitter = random.Random(1)

    def nudged(seconds):
        return None if seconds is None else max(0, seconds + jitter.randint(-30, 30))

    for copies in range(1, COPIES + 1):
        shift = datetime.timedelta(weeks=2 * copies)
        tickets, notes = [], []
        for t in template:
            copy = Ticket(
                branch_id=t.branch_id, service_id=t.service_id, number=t.number, day=t.day - shift,
                token=f"b{copies}-{t.pk}", priority=t.priority, lane=t.lane, status=t.status,
                issued_at=t.issued_at - shift, queued_at=t.queued_at - shift,
                first_called_at=t.first_called_at and t.first_called_at - shift,
                called_at=t.called_at and t.called_at - shift, finished_at=t.finished_at and t.finished_at - shift,
                quoted_wait=t.quoted_wait, counter_id=t.counter_id, called_by_id=t.called_by_id,
                finished_by_id=t.finished_by_id, issued_hour=t.issued_hour, finished_hour=t.finished_hour,
                wait_seconds=nudged(t.wait_seconds), service_seconds=nudged(t.service_seconds),
            )
            tickets.append(copy)
            if hasattr(t, "feedback"):
                notes.append((copy, t.feedback))
        with transaction.atomic():
            Ticket.objects.bulk_create(tickets, batch_size=2000)
            Feedback.objects.bulk_create(
                [Feedback(ticket=copy, rating=f.rating, note=f.note, created_at=f.created_at - shift) for copy, f in notes],
                batch_size=2000,
            )
    return Ticket.objects.filter(branch=branch).count()


def timed(client, path):
    """Median seconds of REPEATS requests (after one to warm up), and the queries one request makes."""
    assert client.get(path).status_code == 200, path
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        client.get(path)
        times.append(time.perf_counter() - started)
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    return statistics.median(times), len(queries)


def main():
    engine = connection.vendor
    if engine == "sqlite":
        # A fresh file of its own (Django's test database would be in memory, unlike a real branch's).
        call_command("migrate", verbosity=0)
    else:
        old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    print(f"database: {connection.settings_dict['NAME']}")
    try:
        branch, manager = make_branch()
        today = datetime.date.today()
        started = time.perf_counter()
        simulated = simulation.simulate(branch, SIMULATED_DAYS, seed=1, until=today)
        simulate_seconds = time.perf_counter() - started
        started = time.perf_counter()
        total = fill_the_year(branch)
        fill_seconds = time.perf_counter() - started
        with connection.cursor() as cursor:  # fresh planner statistics, as a production database has
            cursor.execute("ANALYZE")
        print(f"{engine}: simulated {simulated} tickets in {SIMULATED_DAYS} days in {simulate_seconds:.1f} s "
              f"({simulate_seconds / simulated * 1000:.1f} ms a ticket); "
              f"{total} tickets over the year after copying ({fill_seconds:.1f} s)")
        client = Client()
        client.force_login(manager)
        # The baseline: the last weekday (a Sunday has no tickets to count).
        yesterday = today - datetime.timedelta(days=1)
        weekday = next(yesterday - datetime.timedelta(days=n) for n in range(7)
                       if (yesterday - datetime.timedelta(days=n)).weekday() < 5)
        ranges = [("1 day", weekday, weekday), ("30 days", today - datetime.timedelta(days=30), yesterday),
                  ("365 days", today - datetime.timedelta(days=365), yesterday)]
        print(f"{'':>10} {'range':>9} {'tickets':>8} {'median ms':>10} {'x 1 day':>8} {'queries':>8}")
        for name, path in [("dashboard", "/b/bench/stats/?from={}&to={}"),
                           ("API", "/api/v1/branches/bench/stats/?from={}&to={}")]:
            baseline = None
            for label, first, last in ranges:
                tickets = Ticket.objects.filter(branch=branch, day__gte=first, day__lte=last).count()
                seconds, queries = timed(client, path.format(first.isoformat(), last.isoformat()))
                baseline = baseline or seconds
                print(f"{name:>10} {label:>9} {tickets:>8} {seconds * 1000:>10.0f} {seconds / baseline:>8.1f} {queries:>8}")
    finally:
        if KEEP:
            print("kept the database (--keep)")
        elif engine == "sqlite":
            connection.close()
            Path(connection.settings_dict["NAME"]).unlink()
        else:
            connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    settings.DEBUG = False  # no query log kept in memory while timing
    logging.getLogger("frontline.requests").setLevel(logging.WARNING)
    main()

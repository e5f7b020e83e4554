"""What the live-screen benchmarks share: a real server started as production starts it, set-up data, screens.

The scenario scripts (lobby.py, fanout.py, bank.py, issuing.py, memory.py) each make a ``LiveRun``: a fresh
database (a SQLite file in a temporary folder, or with DATABASE_URL=postgres://... a fresh database on that
server, dropped at the end), set-up data written through Django's ORM from this process, then Daphne:

    python -m daphne -b 127.0.0.1 -p PORT queuesite.asgi:application

with DEBUG=0 and no access log. One process on SQLite with the in-memory channel layer; with DATABASE_URL
on PostgreSQL and REDIS_URL both set, two processes sharing them (``--processes`` overrides), and the
clients spread over both. Server CPU is read from /proc/<pid>/stat, memory from /proc/<pid>/status.

The clients speak what the shipped pages speak: a display or console keeps one branch socket, a phone one
ticket socket and follows its place in the branch's queue; calls go to the JSON API with a teller's token.
Nothing here asserts anything about speed: the scripts print figures beside a baseline of the same run.
"""

import argparse
import asyncio
import collections
import json
import os
import random
import resource
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CLK_TCK = os.sysconf("SC_CLK_TCK")


# --- arguments and output ----------------------------------------------------------------------------

def parser(description):
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--tiny", action="store_true", help="a few sockets and calls, for the tests: figures mean nothing")
    p.add_argument("--processes", type=int, default=None,
                   help="Daphne processes (default: 2 with PostgreSQL and Redis, else 1)")
    return p


class Table:
    """Rows of figures beside their baseline and target, printed as one Markdown table."""

    HEADER = ("scenario", "figure", "ours", "baseline", "ours / baseline", "target", "met")

    def __init__(self, title):
        self.title = title
        self.rows = []

    def add(self, scenario, figure, ours, baseline="", ratio="", target="", met=None):
        self.rows.append((scenario, figure, ours, baseline, ratio, target, "" if met is None else ("yes" if met else "NO")))

    def markdown(self):
        lines = [f"### {self.title}", "", "| " + " | ".join(self.HEADER) + " |",
                 "| " + " | ".join(["---"] * 2 + ["---:"] * 3 + ["---"] * 2) + " |"]
        lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in self.rows]
        return "\n".join(lines) + "\n"

    def print(self):
        sys.stdout.write(self.markdown() + "\n")
        sys.stdout.flush()


def say(*words):
    """Progress goes to stderr, so stdout carries the table alone."""
    print(*words, file=sys.stderr, flush=True)


def pct(values, p):
    """The p-th percentile (0-100), interpolated between the two nearest ranks as the dashboard does."""
    if not values:
        return None
    ordered = sorted(values)
    rank = p / 100 * (len(ordered) - 1)
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def ms(seconds, digits=0):
    return "-" if seconds is None else f"{seconds * 1000:,.{digits}f}"


def ratio(ours, baseline):
    return "-" if not ours or not baseline else f"{ours / baseline:.2f}"


def answered(calls):
    """Seconds from each call sent to its HTTP answer."""
    return [c[4] - c[0] for c in calls if c[4] is not None]


def share(part, whole):
    return "-" if not whole else f"{100 * part / whole:.1f}%"


# --- the run: database, set-up, servers ----------------------------------------------------------------

def raise_fd_limit():
    """Thousands of sockets on each side: the server (a child) inherits the raised limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


class Server:
    """One Daphne process on 127.0.0.1, stopped by whoever started it."""

    def __init__(self, port, env, log_path):
        self.port, self.env, self.log_path = port, env, log_path
        self.process = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self):
        return f"ws://127.0.0.1:{self.port}"

    def start(self, timeout=60):
        self.log = open(self.log_path, "wb")
        profile = []
        if os.environ.get("BENCH_PROFILE"):
            # BENCH_PROFILE=<folder>: run Daphne under cProfile (slower; for finding where the CPU goes, not
            # for figures). The profile is written when Daphne stops; read it with pstats.
            folder = Path(os.environ["BENCH_PROFILE"])
            folder.mkdir(parents=True, exist_ok=True)
            profile = ["-m", "cProfile", "-o", str(folder / f"daphne-{os.getpid()}-{self.port}.prof")]
        self.process = subprocess.Popen(
            [PYTHON, *profile, "-m", "daphne", "-b", "127.0.0.1", "-p", str(self.port),
             "queuesite.asgi:application"],
            cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=self.log,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Daphne exited: {self.log_tail()}")
            try:
                urllib.request.urlopen(self.url + "/healthz", timeout=2).read()
                break
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.1)
        else:
            raise RuntimeError(f"Daphne did not answer on port {self.port} within {timeout} s: {self.log_tail()}")
        self.warm_up()
        return self

    def warm_up(self):
        """Load what the first API request and the first websocket load, so no measured request pays for it."""
        from websockets.sync.client import connect

        try:
            urllib.request.urlopen(self.url + "/api/v1/branches/no-such-branch/", timeout=30).read()
        except urllib.error.HTTPError:
            pass  # a 404 answered by the API: what was wanted
        with connect(self.ws_url + "/ws/branches/no-such-branch/", origin=self.url, proxy=None, open_timeout=30) as ws:
            try:
                ws.recv(timeout=10)
            except Exception:  # noqa: BLE001 - closed with 4404, as an unknown branch is
                pass

    def log_tail(self):
        try:
            return Path(self.log_path).read_text(errors="replace")[-2000:]
        except OSError:
            return ""

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process:
            self.log.close()

    def cpu_seconds(self):
        with open(f"/proc/{self.process.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime, stime: fields 14 and 15 of stat(5)

    def rss_kib(self):
        with open(f"/proc/{self.process.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0


class BareServer(Server):
    """bench/bare_broadcast.py in a process of its own: the fan-out baseline."""

    def start(self, timeout=30):
        self.log = open(self.log_path, "wb")
        self.process = subprocess.Popen([PYTHON, str(ROOT / "bench" / "bare_broadcast.py"), str(self.port)],
                                        cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=self.log)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"bare_broadcast.py exited: {self.log_tail()}")
            try:
                urllib.request.urlopen(self.url + "/healthz", timeout=2).read()
                return self
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.1)
        raise RuntimeError(f"bare_broadcast.py did not answer within {timeout} s: {self.log_tail()}")


def free_port():
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LiveRun:
    """A fresh database, Django set up in this process for the set-up data, and the server processes.

    Use as ``with LiveRun(args) as run: <set-up through the ORM>; run.start(); <clients>``.
    """

    def __init__(self, args=None, heartbeat=None, env=None):
        self.given_url = os.environ.get("DATABASE_URL", "")
        self.postgres = self.given_url.startswith(("postgres://", "postgresql://"))
        self.redis_url = os.environ.get("REDIS_URL", "")
        default = 2 if self.postgres and self.redis_url else 1
        self.processes = (args.processes if args and args.processes else None) or default
        if self.processes > 1 and not (self.postgres and self.redis_url):
            sys.exit("Several processes need DATABASE_URL on PostgreSQL and REDIS_URL.")
        self.heartbeat = heartbeat
        self.extra_env = env or {}
        self.servers = []
        self.others = []  # baseline servers, stopped with the rest
        self.folder = tempfile.mkdtemp(prefix="frontline-live-bench-")
        self.db_name = None
        # Group and cache names carry branch ids: on a shared Redis, ids of our own keep this run's branches
        # apart from any other run's (tests, another bench), whose fresh databases also start at 1.
        self.next_branch_id = random.randrange(10**6, 10**9) if self.redis_url and self.postgres else 1
        self.branch_ids = []

    # The database, and Django in this process.
    def __enter__(self):
        raise_fd_limit()
        if self.postgres:
            import psycopg

            self.db_name = f"frontline_bench_{os.getpid()}_{secrets.token_hex(3)}"
            with psycopg.connect(self.given_url, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{self.db_name}"')
            parts = urllib.parse.urlsplit(self.given_url)
            self.database_url = urllib.parse.urlunsplit(parts._replace(path="/" + self.db_name))
        else:
            self.database_url = f"sqlite:///{self.folder}/bench.sqlite3"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "queuesite.settings",
            "DEBUG": "0",
            "SECRET_KEY": "live-bench-secret-key-not-for-production",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": self.database_url,
            "LOG_LEVEL": "WARNING",
            "TICKETS_PER_MINUTE_PER_ADDRESS": "1000000",
            **self.extra_env,
        }
        if self.heartbeat:
            self.env["SCREEN_HEARTBEAT_SECONDS"] = str(self.heartbeat)
        if not self.postgres:
            # One process on SQLite talks to nobody: the in-memory layer and cache, as `make run`.
            self.env.pop("REDIS_URL", None)
        os.environ.clear()
        os.environ.update(self.env)
        # Set-up runs in this process before any client connects (and the clients never touch the ORM), so
        # calling the ORM from inside asyncio.run is safe here; the servers do not get this.
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        sys.path.insert(0, str(ROOT))
        try:
            import django
            from django.core.management import call_command

            django.setup()
            call_command("migrate", verbosity=0)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc):
        for server in self.servers + self.others:
            server.stop()
        try:
            from django.db import connections

            if self.redis_url and self.postgres and self.branch_ids:
                from django.core.cache import cache

                cache.delete_many([f"frontline:branch-seq:{pk}" for pk in self.branch_ids])
            connections.close_all()
        except Exception as error:  # noqa: BLE001 - clean up what can be cleaned
            say(f"clean-up: {error!r}")
        if self.db_name:
            import psycopg

            with psycopg.connect(self.given_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
        shutil.rmtree(self.folder, ignore_errors=True)
        return False

    @property
    def mode(self):
        db = "PostgreSQL" if self.postgres else "SQLite"
        layer = "Redis" if self.postgres and self.redis_url else "in-memory layer"
        return f"{self.processes} process{'es' if self.processes > 1 else ''}, {db}, {layer}"

    def start(self):
        for i in range(self.processes):
            server = Server(free_port(), self.env, f"{self.folder}/daphne-{i}.log")
            self.servers.append(server)
            server.start()
        return self

    def start_bare(self):
        bare = BareServer(free_port(), self.env, f"{self.folder}/bare-{len(self.others)}.log")
        self.others.append(bare)
        return bare.start()

    def server(self, i):
        """The server for the i-th client or call: spread round-robin."""
        return self.servers[i % len(self.servers)]

    def cpu_seconds(self):
        return sum(server.cpu_seconds() for server in self.servers)

    def rss_kib(self):
        return sum(server.rss_kib() for server in self.servers)

    def check_alive(self):
        for server in self.servers:
            if server.process.poll() is not None:
                raise RuntimeError(f"Daphne on {server.port} exited: {server.log_tail()}")

    # Set-up data, through the ORM, told to no screen.
    def make_branch(self, slug, counters, tickets):
        """A branch whose counters are open, each serving one service, with waiting tickets.

        ``counters``: the service code of each counter, e.g. "AAB" (two counters for A, one for B).
        ``tickets``: how many waiting tickets per service code, issued interleaved as a lobby fills.
        Returns a Setup: the API key of a teller of the branch, the counters and the tickets in issue order.
        """
        from django.contrib.auth import get_user_model

        from tickets import actions
        from tickets.models import ApiToken, Branch, Counter, Service, StaffMembership

        with actions.unannounced():
            branch = Branch.objects.create(pk=self.next_branch_id, name=f"Bench {slug}", slug=slug,
                                           time_zone="Europe/Lisbon")
            self.branch_ids.append(branch.pk)
            self.next_branch_id += 1
            services = {}
            for i, code in enumerate(sorted(set(counters) | set(tickets))):
                services[code] = Service.objects.create(branch=branch, code=code, name=f"Service {code}",
                                                        target_wait_minutes=10, position=i)
            counter_rows = []
            for i, code in enumerate(counters, 1):
                counter = Counter.objects.create(branch=branch, name=str(i))
                counter.services.set([services[code]])
                actions.resume_counter(counter)
                counter_rows.append((counter.pk, code))
            teller = get_user_model().objects.create_user(f"teller-{slug}")
            StaffMembership.objects.create(user=teller, branch=branch, role=StaffMembership.Role.TELLER)
            _, key = ApiToken.objects.create_token(teller, "bench")
            left = dict(tickets)
            issued = []
            while any(left.values()):
                for code in sorted(left):
                    if left[code]:
                        left[code] -= 1
                        ticket = actions.issue_ticket(services[code])
                        issued.append((ticket.number, code, ticket.token))
        return Setup(slug, key, counter_rows, issued)

    def add_tickets(self, setup, code, count):
        """More waiting tickets, told to no screen (the next call's message shows them). The server may run."""
        from tickets import actions
        from tickets.models import Service

        service = Service.objects.get(branch__slug=setup.slug, code=code)
        with actions.unannounced():
            for _ in range(count):
                ticket = actions.issue_ticket(service)
                setup.tickets.append((ticket.number, code, ticket.token))


class Setup:
    def __init__(self, slug, key, counters, tickets):
        self.slug, self.key, self.counters, self.tickets = slug, key, counters, tickets

    def queue(self):
        """Each service's waiting numbers in call order (one lane, issued in turn: first come, first called)."""
        queue = collections.defaultdict(list)
        for number, code, _ in self.tickets:
            queue[code].append(number)
        return queue

    def last_tickets(self, code, n):
        """The n tickets of ``code`` issued last: they wait behind every call of the run."""
        return [t for t in self.tickets if t[1] == code][-n:] if n else []


# --- HTTP ------------------------------------------------------------------------------------------

async def http(server, method, path, body=None, headers=None, timeout=30, version="1.0"):
    """One HTTP request on a new connection, closed after the answer; (status, body).

    HTTP/1.0 for Daphne (an answer without chunks, read to the end); the websockets library speaks only 1.1.
    """
    payload = b"" if body is None else json.dumps(body).encode()
    lines = [f"{method} {path} HTTP/{version}", f"Host: 127.0.0.1:{server.port}", "Connection: close",
             f"Content-Length: {len(payload)}"]
    if body is not None:
        lines.append("Content-Type: application/json")
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    async with asyncio.timeout(timeout):
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        try:
            writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + payload)
            await writer.drain()
            answer = await reader.read()
        finally:
            writer.close()
    head, _, content = answer.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), content


class Caller:
    """Calls the next customer at a branch's counters in turn, each call stamped when it is sent."""

    def __init__(self, run, setup, first=0):
        self.run, self.setup = run, setup
        self.turn = first
        self.calls = []  # [sent, number or None, service code, status, answered]

    async def call(self, server=None):
        i = self.turn
        self.turn += 1
        counter_id, code = self.setup.counters[i % len(self.setup.counters)]
        server = server or self.run.server(i)
        sent = time.perf_counter()
        record = [sent, None, code, None, None]
        self.calls.append(record)
        try:
            status, content = await http(server, "POST", f"/api/v1/counters/{counter_id}/call-next/", {},
                                         {"Authorization": f"Bearer {self.setup.key}"})
        except Exception as error:  # noqa: BLE001 - a failed call is counted, not raised
            say(f"call failed: {error!r}")
            record[3] = "error"
            return record
        record[3], record[4] = status, time.perf_counter()
        if status == 200:
            record[1] = json.loads(content)["number"]
        return record

    def ok(self):
        return [c for c in self.calls if c[1] is not None]


async def paced(count, interval, make_call, seconds_limit=None):
    """``count`` calls, one every ``interval`` seconds (not waiting for each other), then their answers."""
    started = time.perf_counter()
    tasks = []
    for i in range(count):
        delay = started + i * interval - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        if seconds_limit and time.perf_counter() - started > seconds_limit:
            break
        tasks.append(asyncio.ensure_future(make_call(i)))
    return await asyncio.gather(*tasks)


# --- screens ---------------------------------------------------------------------------------------

class Decoded:
    """What a client needs from one message: its type, the number called, and each waiting number's place."""

    __slots__ = ("kind", "number", "token", "position", "has_position", "places", "size")

    def __init__(self, text):
        message = json.loads(text)
        self.size = len(text)
        self.kind = message.get("type")
        self.number = message.get("number")
        self.token = message.get("token")
        self.has_position = "position" in message
        self.position = message.get("position")
        self.places = None
        queue = message.get("queue")
        if isinstance(queue, list):
            # A phone's place: 1 + the entries before its number in the same service.
            ahead = collections.Counter()
            self.places = {}
            for entry in queue:
                ahead[entry["service"]] += 1
                self.places[entry["number"]] = ahead[entry["service"]]


class Decoder:
    """json.loads once per distinct text. Every phone and display of a branch receives the very same text,
    so hundreds of clients in this one process parse it once instead of hundreds of times: otherwise the
    clients' CPU (on the same two cores) would slow the server they measure. A browser parses its own copy,
    which costs the server nothing."""

    def __init__(self, keep=256):
        self.cache = collections.OrderedDict()
        self.keep = keep

    def __call__(self, text):
        hit = self.cache.get(text)
        if hit is None:
            hit = self.cache[text] = Decoded(text)
            if len(self.cache) > self.keep:
                self.cache.popitem(last=False)
        return hit


DECODE = Decoder()


class Screen:
    """One websocket client: connects, waits for its snapshot, then notes what it hears, when."""

    def __init__(self, server, path):
        self.server, self.path = server, path
        self.ready = asyncio.Event()
        self.failed = None
        self.messages = 0
        self.socket = None
        self.task = None

    async def open(self, timeout=60):
        from websockets.asyncio.client import connect

        try:
            # Like a browser: no pings of its own (Daphne pings, and the client answers), no size limit.
            self.socket = await connect(self.server.ws_url + self.path, origin=self.server.url, proxy=None,
                                        ping_interval=None, max_size=None, open_timeout=timeout,
                                        close_timeout=2)
        except Exception as error:  # noqa: BLE001 - counted as a screen that failed to connect
            self.failed = error
            self.ready.set()
            return
        self.task = asyncio.ensure_future(self.listen())

    async def listen(self):
        try:
            async for text in self.socket:
                now = time.perf_counter()
                self.messages += 1
                message = DECODE(text)
                if not self.ready.is_set():
                    self.ready.set()
                self.heard(now, message)
        except Exception as error:  # noqa: BLE001 - a dropped connection ends this screen
            if not self.ready.is_set():
                self.failed = error
        finally:
            self.ready.set()

    def heard(self, now, message):
        pass

    async def close(self):
        if self.socket is not None:
            try:
                await asyncio.wait_for(self.socket.close(), 5)
            except Exception:  # noqa: BLE001
                pass
        if self.task is not None:
            self.task.cancel()


class BranchScreen(Screen):
    """A lobby display, staff console or dashboard: /ws/branches/<slug>/; notes when each number is called."""

    def __init__(self, server, slug):
        super().__init__(server, f"/ws/branches/{slug}/")
        self.called = {}  # number -> when first heard
        self.called_size = []

    def heard(self, now, message):
        if message.kind == "called" and message.number not in self.called:
            self.called[message.number] = now
            self.called_size.append(message.size)


class Phone(Screen):
    """A phone following its ticket: /ws/tickets/<token>/. Its place comes from the branch's queue in every
    branch message, or from its own ticket's message (the older design's updates carried ``position``)."""

    def __init__(self, server, number, token):
        super().__init__(server, f"/ws/tickets/{token}/")
        self.number, self.token = number, token
        self.position = "unknown"
        self.moves = []  # (when, place shown)

    def heard(self, now, message):
        if message.places is not None:
            place = message.places.get(self.number)
        elif message.has_position and (message.token == self.token or message.number == self.number):
            place = message.position
        else:
            return
        if place != self.position:
            self.position = place
            self.moves.append((now, place))

    def shown_at(self, place, after):
        for when, shown in self.moves:
            if shown == place and when >= after:
                return when
        return None


async def open_all(screens, concurrency=32, timeout=120):
    """Connect every screen, ``concurrency`` handshakes at a time, and wait for each snapshot."""
    gate = asyncio.Semaphore(concurrency)

    async def one(screen):
        async with gate:
            await screen.open()
            try:
                await asyncio.wait_for(screen.ready.wait(), 60)
            except TimeoutError:
                screen.failed = screen.failed or TimeoutError("no snapshot")

    async with asyncio.timeout(timeout):
        await asyncio.gather(*(one(screen) for screen in screens))
    failed = [s for s in screens if s.failed]
    if failed:
        say(f"{len(failed)} of {len(screens)} screens did not connect: {failed[0].failed!r}")
    return len(screens) - len(failed)


async def close_all(screens, concurrency=64):
    gate = asyncio.Semaphore(concurrency)

    async def one(screen):
        async with gate:
            await screen.close()

    await asyncio.gather(*(one(screen) for screen in screens))


def branch_screens(run, slug, count, first=0):
    return [BranchScreen(run.server(first + i), slug) for i in range(count)]


def phones(run, tickets, first=0):
    return [Phone(run.server(first + i), number, token) for i, (number, _, token) in enumerate(tickets)]


# --- what the screens heard, against what each call should have shown ---------------------------------

def display_latencies(calls, screens):
    """Seconds from each call sent to each branch screen hearing its number; (latencies, expected)."""
    latencies, expected = [], 0
    for sent, number, *_ in calls:
        if number is None:
            continue
        for screen in screens:
            expected += 1
            when = screen.called.get(number)
            if when is not None:
                latencies.append(max(0.0, when - sent))
    return latencies, expected


def phone_latencies(calls, phone_list, queue):
    """Seconds from each call sent to each phone behind the called ticket showing its new place.

    ``queue``: each service's waiting numbers in call order before the run (from Setup.queue()); each call's
    number leaves it, and every phone of that service behind it should then show one place less.
    """
    queue = {code: list(numbers) for code, numbers in queue.items()}
    by_service = collections.defaultdict(list)
    for phone in phone_list:
        code = next(code for code, numbers in queue.items() if phone.number in numbers)
        by_service[code].append(phone)
    latencies, expected = [], 0
    for sent, number, code, *_ in sorted(calls, key=lambda call: call[0]):
        if number is None or number not in queue.get(code, ()):
            continue
        queue[code].remove(number)
        for phone in by_service[code]:
            if phone.number not in queue[code]:
                continue  # called itself: its own message says so, not a place
            place = queue[code].index(phone.number) + 1
            expected += 1
            when = phone.shown_at(place, sent)
            if when is not None:
                latencies.append(when - sent)
    return latencies, expected


async def settle(check, timeout, step=0.05):
    """Wait until ``check()`` is true or ``timeout`` seconds have passed (bounded either way)."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline and not check():
        await asyncio.sleep(step)
    return check()

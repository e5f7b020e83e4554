"""Every live-screen benchmark, then the dashboard's: one table, to stdout and to bench/results/latest.md.

    .venv/bin/python bench/run_all.py            # what `make bench` runs (about 8-9 minutes on 2 cores)
    .venv/bin/python bench/run_all.py --tiny     # a few sockets and calls each: checks that all of it runs
    .venv/bin/python bench/run_all.py --only lobby fanout
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python bench/run_all.py        # two Daphne processes on PostgreSQL and Redis

Each scenario runs as its own process (its own fresh database and servers, stopped when it ends); its
table goes to stdout, its progress to stderr. With PostgreSQL and Redis, ``--processes 1`` gives the
one-process figures to compare with. Nothing is asserted.
"""

import argparse
import datetime
import os
import platform
import re
import secrets
import sqlite3
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
SCENARIOS = ["lobby", "fanout", "bank", "issuing", "memory", "dashboard"]
# A scenario that hangs is stopped: each is bounded by its own loops, this is the last resort.
TIMEOUT = 900


def git(*args):
    try:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return ""


def machine():
    model = ""
    try:
        model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                      if line.startswith("model name")), "")
    except OSError:
        pass
    return f"{os.cpu_count()} cores ({model or platform.machine()})"


def database():
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        redis = "Redis" if os.environ.get("REDIS_URL") else "no Redis (in-memory layer)"
        return f"PostgreSQL at {urllib.parse.urlsplit(url).hostname}, {redis}"
    return f"SQLite {sqlite3.sqlite_version} (a fresh file per scenario), in-memory channel layer"


def dashboard_table(output):
    """bench/stats.py's plain table as Markdown."""
    rows = re.findall(r"^\s*(dashboard|API)\s+(\d+ days?)\s+(\d+)\s+(\d+)\s+([\d.]+)\s+(\d+)\s*$", output, re.M)
    notes = [line for line in output.splitlines() if line.startswith(("sqlite:", "postgresql:"))]
    lines = ["### dashboard (bench/stats.py: the manager's page and the statistics API)", ""]
    lines += [f"{note}" for note in notes] + ([""] if notes else [])
    lines += ["| what | range | tickets | median ms | x 1 day | queries |", "| --- | --- | ---: | ---: | ---: | ---: |"]
    lines += [f"| {w} | {r} | {int(t):,} | {int(m):,} | {x} | {q} |" for w, r, t, m, x, q in rows]
    return "\n".join(lines) + "\n"


def run(name, args):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "queuesite.settings"}
    if name == "dashboard":
        command = [sys.executable, str(BENCH / "stats.py")] + (["--tiny"] if args.tiny else [])
        url = env.get("DATABASE_URL", "")
        if url.startswith(("postgres://", "postgresql://")):
            # stats.py makes and drops test_<name>: a name of this run's own, never another run's test database.
            parts = urllib.parse.urlsplit(url)
            env["DATABASE_URL"] = urllib.parse.urlunsplit(
                parts._replace(path=f"/frontline_bench_{os.getpid()}_{secrets.token_hex(3)}"))
        else:
            env.pop("DATABASE_URL", None)
            env.pop("REDIS_URL", None)
    else:
        command = [sys.executable, str(BENCH / f"{name}.py")] + (["--tiny"] if args.tiny else [])
        if args.processes:
            command += ["--processes", str(args.processes)]
    started = time.perf_counter()
    try:
        done = subprocess.run(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True, timeout=TIMEOUT)
        output, code = done.stdout, done.returncode
    except subprocess.TimeoutExpired as error:
        output, code = (error.stdout or b"").decode() if isinstance(error.stdout, bytes) else (error.stdout or ""), "timeout"
    seconds = time.perf_counter() - started
    if name == "dashboard" and code == 0:
        output = dashboard_table(output)
    if code != 0:
        output += f"\n**{name} failed (exit {code})**\n"
    return output, code, seconds


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--tiny", action="store_true")
    p.add_argument("--only", nargs="+", choices=SCENARIOS, default=SCENARIOS)
    p.add_argument("--processes", type=int, default=None)
    p.add_argument("--out", default=str(BENCH / "results" / "latest.md"))
    args = p.parse_args()
    commit = git("rev-parse", "--short", "HEAD")
    dirty = git("status", "--porcelain", "--untracked-files=no")
    header = [
        f"## Live screens: bench/run_all.py{' --tiny' if args.tiny else ''}", "",
        f"- date: {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
        f"- machine: {machine()}, Python {platform.python_version()}, {platform.system()} {platform.release()}",
        f"- database: {database()}",
        f"- commit: {commit}{' (with uncommitted changes)' if dirty else ''} ({git('log', '-1', '--format=%s')})",
        "",
    ]
    print("\n".join(header), flush=True)
    parts, timings, failed = ["\n".join(header)], [], []
    total = time.perf_counter()
    for name in args.only:
        print(f"... {name}", file=sys.stderr, flush=True)
        output, code, seconds = run(name, args)
        print(output, flush=True)
        parts.append(output)
        timings.append((name, seconds, code))
        if code != 0:
            failed.append(name)
    total = time.perf_counter() - total
    times = ["### time taken", "", "| scenario | seconds |", "| --- | ---: |"]
    times += [f"| {name}{'' if code == 0 else ' (failed)'} | {seconds:.0f} |" for name, seconds, code in timings]
    times += [f"| all | {total:.0f} |", ""]
    print("\n".join(times), flush=True)
    parts.append("\n".join(times))
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(parts))
    print(f"written to {out}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""How long ``manage.py simulate`` takes to write a branch's history, optionally beside another commit's.

    .venv/bin/python bench/simulate.py                      # 90 days of the demo branch, seed 1, SQLite
    .venv/bin/python bench/simulate.py --days 20 --against HEAD~1 --rounds 2

Each run starts from a fresh SQLite file (migrate, demo, simulate) in its own processes, as a newcomer's
``make run`` does, and reports the seconds the command itself reports. With --against, that commit is checked out in a temporary worktree and both trees
are run in turn, alternating, so both see the same machine: compare the ratio, not the seconds.
It also prints a digest of every ticket's times and figures, so two versions can be seen to write the
same history. Nothing is asserted; see docs/benchmarks.md for recorded figures.
"""

import argparse
import hashlib
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HISTORY = (
    "SELECT number, day, status, lane, counter_id, service_id, issued_at, called_at, finished_at,"
    " wait_seconds, service_seconds, quoted_wait FROM tickets_ticket ORDER BY id"
)


def run(tree, days, seed):
    """Simulate ``days`` days in ``tree`` on a fresh database; return (seconds, tickets, digest)."""
    with tempfile.TemporaryDirectory(prefix="frontline-simulate-") as folder:
        database = Path(folder) / "bench.sqlite3"
        env = dict(os.environ, DATABASE_URL=f"sqlite:///{database}", DEBUG="1", PYTHONWARNINGS="ignore")

        def manage(*args):
            return subprocess.run([sys.executable, "manage.py", *args], cwd=tree, env=env, check=True,
                                  capture_output=True, text=True).stdout

        manage("migrate", "--verbosity", "0")
        manage("demo")
        said = manage("simulate", "--branch", "demo", "--days", str(days), "--seed", str(seed))
        # The command's own clock: the simulation, without Python and Django starting.
        seconds = float(re.search(r" in ([0-9.]+) s", said).group(1))
        with sqlite3.connect(database) as db:
            rows = db.execute(HISTORY).fetchall()
        return seconds, len(rows), hashlib.sha256(repr(rows).encode()).hexdigest()[:12]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--against", help="a commit to run beside this working tree")
    options = parser.parse_args()

    trees = {"this tree": ROOT}
    with tempfile.TemporaryDirectory(prefix="frontline-base-") as base:
        if options.against:
            subprocess.run(["git", "worktree", "add", "--detach", base, options.against], cwd=ROOT, check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            trees = {options.against: Path(base), **trees}
        try:
            print(f"{options.days} days of the demo branch, seed {options.seed}, SQLite")
            for round_ in range(1, options.rounds + 1):
                for name, tree in trees.items():
                    seconds, tickets, digest = run(tree, options.days, options.seed)
                    print(f"  round {round_}  {name:>12}: {seconds:6.1f} s  {tickets:6,} tickets  "
                          f"{1000 * seconds / max(tickets, 1):5.2f} ms a ticket  history {digest}", flush=True)
        finally:
            if options.against:
                subprocess.run(["git", "worktree", "remove", "--force", base], cwd=ROOT, check=False)


if __name__ == "__main__":
    main()

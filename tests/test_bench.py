"""The live benchmarks (bench/, `make bench`) still run: each scenario once at tiny sizes, in a process of its own.

Nothing here times anything: a tiny run's figures mean nothing. Each script makes its own database (a SQLite
file, or with DATABASE_URL on PostgreSQL a fresh database it drops) and its own Daphne processes, so no test
database is used.
"""

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
# Loaded from its file: bench/ on sys.path would let its scripts' names (stats, simulate) shadow other modules.
_spec = importlib.util.spec_from_file_location("liveharness", BENCH / "liveharness.py")
liveharness = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(liveharness)

HEADER = "| scenario | figure | ours | baseline | ours / baseline | target | met |"


def run(*args, timeout=180):
    return subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "DJANGO_SETTINGS_MODULE": "queuesite.settings"})


@pytest.mark.parametrize(
    "script, rows",
    [
        ("lobby.py", ["| lobby, 3 phones | server CPU per call (ms) |", "| lobby, 3 phones | delivered"]),
        ("fanout.py", ["| fan-out, 3 displays | call-to-screen p99 (ms) |", "| fan-out, 6 displays | delivered |"]),
        ("bank.py", ["| bank, 3 branches, 15 sockets | phone call-to-new-place", "server CPU share idle"]),
        ("issuing.py", ["| issuing, 3 kiosks, 1 s | tickets/s", "duplicate numbers"]),
        ("memory.py", ["| memory, 20 idle sockets | resident memory per idle socket (KiB) |"]),
    ],
)
def test_scenario_runs_and_prints_its_table(script, rows):
    done = run(str(BENCH / script), "--tiny")
    assert done.returncode == 0, done.stderr[-3000:]
    assert HEADER in done.stdout
    for row in rows:
        assert row in done.stdout, done.stdout


def test_run_all_writes_the_whole_table(tmp_path):
    out = tmp_path / "latest.md"
    done = run(str(BENCH / "run_all.py"), "--tiny", "--only", "memory", "dashboard", "--out", str(out))
    assert done.returncode == 0, done.stderr[-3000:]
    written = out.read_text()
    for part in ["- machine: ", "- commit: ", "resident memory per idle socket", "| dashboard | 365 days |",
                 "| API | 1 day |", "| all |"]:
        assert part in written, written


def message(queue, **fields):
    return json.dumps({"type": "called", "seq": 1, "queue": queue, **fields})


def entry(number):
    return {"number": number, "service": number[0], "priority": False, "transferred": False,
            "issued_at": "2026-01-01T09:00:00+00:00", "estimated_wait": 60}


def test_a_phone_finds_its_place_in_the_branch_queue_or_in_its_own_message():
    phone = liveharness.Phone.__new__(liveharness.Phone)
    phone.number, phone.token, phone.position, phone.moves = "A003", "tok", "unknown", []
    decode = liveharness.Decoder()
    # Place: 1 + the entries before it in its own service.
    phone.heard(1.0, decode(message([entry("A001"), entry("B001"), entry("A002"), entry("A003")], number="A000")))
    phone.heard(2.0, decode(message([entry("B001"), entry("A002"), entry("A003")], number="A001")))
    phone.heard(2.5, decode(message([entry("A002"), entry("A003")], number="B001")))  # another service: no move
    # The older design: the ticket's own update carries its position.
    phone.heard(3.0, decode(json.dumps({"type": "update", "token": "tok", "number": "A003", "position": 1})))
    assert phone.moves == [(1.0, 3), (2.0, 2), (3.0, 1)]

    calls = [[1.5, "A001", "A", 200, 1.6], [2.8, "A002", "A", 200, 2.9]]
    latencies, expected = liveharness.phone_latencies(calls, [phone], {"A": ["A001", "A002", "A003"]})
    assert expected == 2
    assert latencies == pytest.approx([0.5, 0.2])

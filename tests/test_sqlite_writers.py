"""On SQLite, this process's write transactions take turns on one lock (queuesite/sqlite/base.py)."""

import threading

import pytest
from django.db import connection, transaction

from queuesite.sqlite import base
from tickets import actions

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'sqlite'", reason="the lock is SQLite's"),
]


def free_elsewhere():
    """Whether another thread could take the writers' lock now."""
    taken = []

    def probe():
        got = base._writers.acquire(blocking=False)
        taken.append(got)
        if got:
            base._writers.release()

    thread = threading.Thread(target=probe)
    thread.start()
    thread.join()
    return taken == [True]


def test_a_write_transaction_holds_the_lock_until_it_commits(deposits):
    with transaction.atomic():
        actions.issue_ticket(deposits)
        assert not free_elsewhere()
    assert free_elsewhere()


def test_a_transaction_that_fails_gives_the_lock_back(deposits):
    with pytest.raises(ZeroDivisionError):
        with transaction.atomic():
            actions.issue_ticket(deposits)
            1 / 0
    assert free_elsewhere()
    assert actions.issue_ticket(deposits).number == "A001"  # rolled back: the number was never given


def test_a_second_writer_waits_its_turn_and_then_writes(deposits):
    issued = []
    with transaction.atomic():
        actions.issue_ticket(deposits)
        other = threading.Thread(target=lambda: (issued.append(actions.issue_ticket(deposits).number),
                                                 connection.close()))
        other.start()
        other.join(timeout=0.3)
        assert other.is_alive() and issued == []  # waiting on the lock, not failing with "database is locked"
    other.join(timeout=10)
    assert issued == ["A002"]

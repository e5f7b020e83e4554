"""Ten counters pressing "call next", and ten kiosks issuing, in the same instant, with real threads.

These run on the suite's database: a SQLite file by default, and PostgreSQL when DATABASE_URL points
at one (.ci/run does both), so both locking strategies are proven.
"""

import threading
from collections import Counter as Tally

import pytest
from django.db import connection, transaction

from tickets import actions, errors
from tickets.models import Counter, Ticket

from .conftest import open_counter

THREADS = 10
WAITING = 200


def request(operation, *args):
    """Run one operation as a request does: its connection goes back (to the pool, on PostgreSQL) after it."""
    try:
        return operation(*args)
    finally:
        connection.close()


def run_together(work, count):
    """Run ``work(i)`` in ``count`` threads released at the same moment; return results and errors."""
    barrier = threading.Barrier(count)
    results, failures = [[] for _ in range(count)], []

    def worker(i):
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as exc:  # every error reaches the assertion, none is swallowed
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return results, failures


@pytest.mark.django_db(transaction=True)
def test_ten_counters_calling_at_once_call_each_ticket_exactly_once(branch, deposits):
    for _ in range(WAITING):
        actions.issue_ticket(deposits)
    counters = [open_counter(branch, str(i), [deposits]) for i in range(THREADS)]

    def call_until_empty(i):
        called = []
        while True:
            try:
                called.append(request(actions.call_next, counters[i]).pk)
            except errors.QueueEmpty:
                return called

    results, failures = run_together(call_until_empty, THREADS)

    assert failures == []
    calls = Tally(pk for called in results for pk in called)
    assert len(calls) == WAITING and set(calls.values()) == {1}
    assert set(calls) == set(Ticket.objects.values_list("pk", flat=True))
    assert not Ticket.objects.waiting().exists()
    # Each counter ends with its last customer called; everyone before was served.
    assert Ticket.objects.called().count() == sum(1 for called in results if called)
    assert Ticket.objects.filter(status=Ticket.Status.SERVED).count() == WAITING - Ticket.objects.called().count()


@pytest.mark.django_db(transaction=True)
def test_ten_kiosks_issuing_at_once_never_share_a_number(deposits):
    per_kiosk = 20
    results, failures = run_together(
        lambda i: [request(actions.issue_ticket, deposits).number for _ in range(per_kiosk)], THREADS
    )
    assert failures == []
    numbers = [number for batch in results for number in batch]
    assert sorted(numbers) == [f"A{n:03d}" for n in range(1, THREADS * per_kiosk + 1)]


@pytest.mark.django_db(transaction=True)
def test_cancel_racing_call_next_leaves_one_consistent_outcome(branch, deposits):
    counters = [open_counter(branch, str(i), [deposits]) for i in range(4)]
    tickets = [actions.issue_ticket(deposits) for _ in range(40)]

    def work(i):
        outcomes = []
        for ticket in tickets[i::4] if i < 2 else [None] * 10:
            try:
                if ticket is None:
                    outcomes.append(("called", request(actions.call_next, counters[i]).pk))
                else:
                    request(actions.cancel, ticket)
                    outcomes.append(("cancelled", ticket.pk))
            except (errors.InvalidTransition, errors.QueueEmpty):
                pass
        return outcomes

    results, failures = run_together(work, 4)
    assert failures == []
    outcomes = [outcome for batch in results for outcome in batch]
    cancelled = {pk for kind, pk in outcomes if kind == "cancelled"}
    called = {pk for kind, pk in outcomes if kind == "called"}
    assert not cancelled & called
    assert set(Ticket.objects.filter(status=Ticket.Status.CANCELLED).values_list("pk", flat=True)) == cancelled
    assert Counter.objects.count() == 4


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no row locks")
def test_a_counters_lock_leaves_the_other_counters_of_its_branch_free(branch, deposits, counter, counter2):
    def lock_counter2(_):
        with transaction.atomic(), connection.cursor() as cursor:
            # Give up after a moment instead of waiting for the first transaction to end.
            cursor.execute("SET LOCAL lock_timeout = '1s'")
            return actions._lock_counter(counter2).pk

    with transaction.atomic():
        actions._lock_counter(counter)
        results, failures = run_together(lock_counter2, 1)
    assert failures == [] and results == [counter2.pk]

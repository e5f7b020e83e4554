"""The webhook worker as it runs: a process killed mid-delivery loses nothing, and two workers at once on
PostgreSQL never send the same attempt twice."""

import datetime
import os
import signal
import subprocess
import sys
import threading
from collections import Counter as Tally

import pytest
from django.conf import settings
from django.db import connection

from tickets import actions
from webhooks.delivery import deliver_due
from webhooks.models import Delivery, Endpoint

from .receivers import Receiver
from .servers import database_url


def worker_process():
    env = {**os.environ, "DATABASE_URL": database_url(), "SECRET_KEY": "worker-test-secret", "DEBUG": "0",
           "LOG_LEVEL": "WARNING"}
    return subprocess.Popen([sys.executable, "manage.py", "deliver_webhooks", "--poll", "0.1"],
                            cwd=settings.BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_delivery_leaves_the_delivery_to_the_next(branch, counter, deposits):
    with Receiver(hold=True) as receiver:
        Endpoint.objects.create(name="CRM", url=receiver.url)
        actions.issue_ticket(deposits)
        worker = worker_process()
        try:
            assert receiver.arrived.wait(60), worker.stderr.read1().decode() if worker.poll() is not None else ""
            worker.send_signal(signal.SIGKILL)  # mid-delivery: the receiver has the request, unanswered
            worker.wait(10)
        finally:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
        receiver.release.set()
        delivery = Delivery.objects.get()
        assert delivery.status == Delivery.Status.PENDING and delivery.leased_until is not None
        assert deliver_due() == 0  # still the dead worker's, until its lease ends
        assert deliver_due(delivery.leased_until + datetime.timedelta(seconds=1)) == 1
        delivery.refresh_from_db()
        assert delivery.status == Delivery.Status.DELIVERED and delivery.attempts == 2
        assert receiver.ids() == [delivery.event.message_id] * 2  # the same event, answered the second time


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SKIP LOCKED needs PostgreSQL (the CI's second pass)")
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_never_deliver_the_same_attempt_twice(branch, counter, deposits):
    tickets = 60
    with Receiver() as receiver:
        Endpoint.objects.create(name="CRM", url=receiver.url)
        for _ in range(tickets):
            actions.issue_ticket(deposits)
        barrier = threading.Barrier(2)
        tried, failures = [0, 0], []

        def work(i):
            try:
                barrier.wait()
                while count := deliver_due(limit=3):
                    tried[i] += count
            except Exception as exc:
                failures.append(exc)
            finally:
                connection.close()

        threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        assert failures == []
        assert sum(tried) == tickets
        assert set(Tally(receiver.ids()).values()) == {1} and len(receiver.ids()) == tickets
        assert set(Delivery.objects.values_list("status", "attempts")) == {(Delivery.Status.DELIVERED, 1)}

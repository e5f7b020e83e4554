"""Upgrading keeps every ticket and works out the figures of tickets issued before they were kept."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

UTC = dt.timezone.utc
BEFORE, AFTER = [("tickets", "0001_initial")], [("tickets", "0002_ticket_figures")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_figures_migration_fills_in_existing_tickets():
    apps = migrate(BEFORE)
    try:
        Branch, Service, Ticket, Transfer = (apps.get_model("tickets", name) for name in ["Branch", "Service", "Ticket", "Transfer"])
        branch = Branch.objects.create(name="Old", slug="old", time_zone="Europe/Lisbon")
        a = Service.objects.create(branch=branch, name="A", code="A")
        b = Service.objects.create(branch=branch, name="B", code="B")
        t0 = dt.datetime(2026, 6, 10, 8, 0, tzinfo=UTC)  # 09:00 in Lisbon

        def minutes(m):
            return t0 + dt.timedelta(minutes=m)

        served = Ticket.objects.create(
            branch=branch, service=b, number="A001", day=dt.date(2026, 6, 10), token="old1", status="served",
            issued_at=minutes(0), queued_at=minutes(7), first_called_at=minutes(5), called_at=minutes(10),
            finished_at=minutes(75),
        )
        Transfer.objects.create(ticket=served, from_service=a, to_service=b, called_at=minutes(5), transferred_at=minutes(7))
        Ticket.objects.create(
            branch=branch, service=a, number="A002", day=dt.date(2026, 6, 10), token="old2", status="cancelled",
            issued_at=minutes(1), queued_at=minutes(1), finished_at=minutes(3),
        )
        apps = migrate(AFTER)
        Ticket = apps.get_model("tickets", "Ticket")
        served, walked_out = Ticket.objects.order_by("number")
        # Waited 5 minutes, 2 at the first counter, 3 more; served for 65 minutes, finishing at 10:15 Lisbon.
        assert (served.issued_hour, served.finished_hour, served.wait_seconds, served.service_seconds) == (9, 10, 480, 3900)
        assert (walked_out.issued_hour, walked_out.finished_hour, walked_out.wait_seconds, walked_out.service_seconds) == (9, 9, None, None)
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

import datetime as dt
import re

import pytest
import time_machine

from tickets import actions, errors
from tickets.models import Branch, Service, Ticket

UTC = dt.timezone.utc


def test_numbers_count_up_per_service(deposits, loans):
    numbers = [actions.issue_ticket(s).number for s in (deposits, deposits, loans, deposits)]
    assert numbers == ["A001", "A002", "B001", "A003"]


def test_ticket_has_unguessable_token_and_waits(deposits):
    first, second = actions.issue_ticket(deposits), actions.issue_ticket(deposits)
    assert first.status == Ticket.Status.WAITING
    # 16 random bytes from secrets, URL-safe: 22 characters nobody can guess or count through.
    assert len(first.token) == 22 and first.token != second.token
    assert re.fullmatch(r"[A-Za-z0-9_-]{22}", first.token)


def test_inactive_service_refuses_and_issues_nothing(deposits):
    deposits.active = False
    deposits.save()
    with pytest.raises(errors.ServiceUnavailable):
        actions.issue_ticket(deposits)
    assert Ticket.objects.count() == 0


def test_number_past_999_keeps_counting(deposits):
    from tickets.models import TicketSequence

    actions.issue_ticket(deposits)
    TicketSequence.objects.update(last_number=999)
    assert actions.issue_ticket(deposits).number == "A1000"


@pytest.mark.parametrize(
    "zone, before_midnight, after_midnight",
    [
        # Tokyo is UTC+9: its midnight is 15:00 UTC the day before.
        ("Asia/Tokyo", dt.datetime(2026, 3, 2, 14, 59, tzinfo=UTC), dt.datetime(2026, 3, 2, 15, 1, tzinfo=UTC)),
        # Los Angeles is UTC-8 in winter: its midnight is 08:00 UTC.
        ("America/Los_Angeles", dt.datetime(2026, 3, 3, 7, 59, tzinfo=UTC), dt.datetime(2026, 3, 3, 8, 1, tzinfo=UTC)),
    ],
)
def test_numbering_restarts_at_the_branchs_local_midnight(db, zone, before_midnight, after_midnight):
    branch = Branch.objects.create(name=zone, slug="b", time_zone=zone)
    service = Service.objects.create(branch=branch, name="Deposits", code="A")
    with time_machine.travel(before_midnight, tick=False):
        late = [actions.issue_ticket(service), actions.issue_ticket(service)]
    with time_machine.travel(after_midnight, tick=False):
        early = actions.issue_ticket(service)
    assert [t.number for t in late] == ["A001", "A002"]
    assert early.number == "A001"
    assert early.day == late[0].day + dt.timedelta(days=1)


@pytest.mark.parametrize("zone", ["Asia/Tokyo", "America/Los_Angeles"])
def test_numbering_does_not_restart_at_utc_midnight(db, zone):
    branch = Branch.objects.create(name=zone, slug="b", time_zone=zone)
    service = Service.objects.create(branch=branch, name="Deposits", code="A")
    with time_machine.travel(dt.datetime(2026, 3, 2, 23, 59, tzinfo=UTC), tick=False):
        before = actions.issue_ticket(service)
    with time_machine.travel(dt.datetime(2026, 3, 3, 0, 1, tzinfo=UTC), tick=False):
        after = actions.issue_ticket(service)
    assert (before.number, after.number) == ("A001", "A002")
    assert before.day == after.day


def test_business_day_is_the_branchs_local_date(branch):
    assert branch.business_day(dt.datetime(2026, 7, 1, 23, 30, tzinfo=UTC)) == dt.date(2026, 7, 2)  # Lisbon, UTC+1
    assert branch.day_start(dt.date(2026, 7, 2)) == dt.datetime(2026, 7, 1, 23, 0, tzinfo=UTC)


def test_issue_quotes_the_estimate_it_shows(deposits, counter):
    first = actions.issue_ticket(deposits)
    second = actions.issue_ticket(deposits)
    # Default service time 5 min, one counter open and free: it calls the first at once, and the
    # second waits for that whole service.
    assert first.quoted_wait == 0
    assert second.quoted_wait == 300


def test_no_open_counter_quotes_no_estimate(deposits):
    assert actions.issue_ticket(deposits).quoted_wait is None

"""A controlled clock and a day at a counter, for the tests of issue 16's care for customers and tellers."""

import datetime as dt

import pytest

from tickets import actions, shield

# 10:00 in Lisbon (summer time, UTC+1) on a Wednesday: the whole day is ahead, on the branch's own clock.
T0 = dt.datetime(2026, 6, 10, 9, 0, tzinfo=dt.UTC)


def at(minutes):
    return T0 + dt.timedelta(minutes=minutes)


@pytest.fixture
def clock(time_machine):
    """Time stands at T0 (before the cast is made, when a test names it first); ``clock.move_to(at(m))``."""
    time_machine.move_to(T0, tick=False)
    return time_machine


@pytest.fixture
def words(db):
    """The shield's default word lists, as a new installation has them."""
    shield.add_default_words()


def serve(counter, service, *, arrive, wait, service_minutes, by=None):
    """One customer: arrives at minute ``arrive``, is called ``wait`` minutes later and served
    ``service_minutes`` after that, at ``counter``, by ``by`` (who finished it). Returns the ticket."""
    ticket = actions.issue_ticket(service, now=at(arrive))
    called = actions.call_next(counter, by=by, now=at(arrive + wait))
    assert called.pk == ticket.pk, "the test's customer is the one called"
    actions.mark_served(counter, by=by, now=at(arrive + wait + service_minutes))
    ticket.refresh_from_db()
    return ticket

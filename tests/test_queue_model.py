"""A property-based model of the queue: random days of the floor's operations on the real actions and
database, and after every step the rules that must always hold (Hypothesis stateful testing).

``make test`` runs 200 examples of up to 50 steps; ``python manage.py`` is not needed for the long run:
``QUEUE_MODEL_EXAMPLES=2000 make test ARGS=tests/test_queue_model.py`` (the README says what is known of its result).
"""

import datetime as dt
import itertools
import os

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from tickets import actions, errors, stats
from tickets.models import Branch, Counter, Service, Ticket
from tickets.staff import console_view
from tickets.state import counter_rows, queue_rows

from .conftest import make_user

EXAMPLES = int(os.environ.get("QUEUE_MODEL_EXAMPLES", "200"))
# Monday 8 June 2026, 08:00 in Lisbon.
OPENING = dt.datetime(2026, 6, 8, 7, 0, tzinfo=dt.UTC)
branches = itertools.count(1)


class Floor(RuleBasedStateMachine):
    """One branch: three services (the third can be switched off), three counters, a teller at each."""

    def __init__(self):
        super().__init__()
        n = next(branches)
        self.branch = Branch.objects.create(name=f"Model {n}", slug=f"model-{n}", time_zone="Europe/Lisbon")
        self.services = [
            Service.objects.create(branch=self.branch, name=name, code=code, position=i)
            for i, (name, code) in enumerate([("Deposits", "A"), ("Loans", "B"), ("Cards", "C")])
        ]
        self.counters = []
        self.now = OPENING
        for i, services in enumerate([self.services[:1], self.services[:2], self.services]):
            counter = Counter.objects.create(branch=self.branch, name=str(i + 1))
            counter.services.set(services)
            actions.sign_in(counter, make_user(f"model-{n}-teller-{i}", self.branch), now=self.now)
            actions.resume_counter(counter, now=self.now)
            self.counters.append(counter)
        self.services_of = {c.pk: set(c.services.values_list("pk", flat=True)) for c in self.counters}
        self.closed = {}  # ticket id -> what a finished ticket looked like when it finished

    # --- the floor's operations -----------------------------------------------------------------

    def tick(self, minutes):
        self.now += dt.timedelta(minutes=minutes)

    @rule(service=st.integers(0, 2), priority=st.booleans(), minutes=st.integers(0, 5))
    def issue(self, service, priority, minutes):
        self.tick(minutes)
        try:
            actions.issue_ticket(self.services[service], priority=priority, now=self.now)
        except errors.ServiceUnavailable:
            assert not Service.objects.get(pk=self.services[service].pk).active

    @rule(counter=st.integers(0, 2), minutes=st.integers(0, 5))
    def call_next(self, counter, minutes):
        self.tick(minutes)
        counter = self.counters[counter]
        expected = self.next_in_line(counter)
        try:
            called = actions.call_next(counter, by=None, now=self.now)
        except errors.QueueEmpty:
            assert expected is None, f"{expected} was waiting for counter {counter.name}"
        except errors.CounterNotOpen:
            assert Counter.objects.get(pk=counter.pk).status != Counter.Status.OPEN
        else:
            assert expected is not None and called.pk == expected.pk, "call-next took the queue out of order"

    @rule(counter=st.integers(0, 2), outcome=st.sampled_from(["recall", "serve", "no_show"]),
          minutes=st.integers(0, 5))
    def finish(self, counter, outcome, minutes):
        self.tick(minutes)
        verb = {"recall": actions.recall, "serve": actions.mark_served, "no_show": actions.mark_no_show}[outcome]
        try:
            verb(self.counters[counter], now=self.now)
        except errors.QueueError:
            assert not Ticket.objects.called().filter(counter=self.counters[counter]).exists()

    @rule(counter=st.integers(0, 2), to=st.integers(0, 2))
    def transfer(self, counter, to):
        try:
            actions.transfer(self.counters[counter], self.services[to], now=self.now)
        except errors.QueueError:
            pass  # nobody at the counter, the same service, or a service switched off: refused, nothing changed

    @rule(data=st.data())
    def cancel(self, data):
        waiting = list(Ticket.objects.filter(branch=self.branch, status=Ticket.Status.WAITING).order_by("pk"))
        if waiting:
            actions.cancel(data.draw(st.sampled_from(waiting)), now=self.now)

    @rule(counter=st.integers(0, 2), verb=st.sampled_from(["pause", "resume", "close"]))
    def counter_status(self, counter, verb):
        counter = self.counters[counter]
        try:
            {"pause": actions.pause_counter, "resume": actions.resume_counter,
             "close": actions.close_counter}[verb](counter, now=self.now)
        except errors.QueueError:
            pass  # not allowed from its status now (closing with a customer at it, say): nothing changed

    @rule(active=st.booleans())
    def switch_cards(self, active):
        """The administrator takes Cards tickets, or stops (the admin's change of Service.active)."""
        Service.objects.filter(pk=self.services[2].pk).update(active=active)

    @precondition(lambda self: self.now.date() < OPENING.date() + dt.timedelta(days=3))
    @rule()
    def next_day(self):
        self.now = self.now.replace(hour=7, minute=0) + dt.timedelta(days=1)

    # --- what the model expects -------------------------------------------------------------------

    def next_in_line(self, counter):
        """The ticket call-next must take: today's waiting tickets of the counter's active services, the
        transferred first, then priority, then the longest waiting (worked out here, not by the queryset)."""
        counter = Counter.objects.get(pk=counter.pk)
        if counter.status != Counter.Status.OPEN:
            return None
        services = {service.pk for service in counter.services.all() if service.active}
        today = self.branch.business_day(self.now)
        waiting = [t for t in Ticket.objects.filter(branch=self.branch, status=Ticket.Status.WAITING)
                   if t.service_id in services and t.day == today]
        return min(waiting, key=lambda t: (t.lane, t.queued_at, t.pk), default=None)

    # --- the rules that always hold ----------------------------------------------------------------
    # One invariant reads the tickets once and checks every rule on them: each rule is its own function.

    @invariant()
    def the_rules_hold(self):
        tickets = list(Ticket.objects.filter(branch=self.branch))
        self.a_counter_serves_one_customer_at_a_time(tickets)
        self.numbers_are_unique_per_branch_and_day(tickets)
        self.every_ticket_is_in_exactly_one_known_state(tickets)
        self.a_finished_ticket_never_changes(tickets)
        self.each_console_lists_what_call_next_will_call_in_that_order(tickets)
        self.the_statistics_agree_with_the_tickets(tickets)

    def a_counter_serves_one_customer_at_a_time(self, tickets):
        called = [t.counter_id for t in tickets if t.status == Ticket.Status.CALLED]
        assert None not in called and len(called) == len(set(called))

    def numbers_are_unique_per_branch_and_day(self, tickets):
        numbers = [(t.day, t.number) for t in tickets]
        assert len(numbers) == len(set(numbers))

    def every_ticket_is_in_exactly_one_known_state(self, tickets):
        assert all(t.status in Ticket.Status.values for t in tickets)
        # Waiting means at no counter; closed means finished.
        assert all(t.counter_id is None for t in tickets if t.status == Ticket.Status.WAITING)
        assert all(t.finished_at for t in tickets if t.is_closed)

    def a_finished_ticket_never_changes(self, tickets):
        for ticket in tickets:
            seen = (ticket.status, ticket.finished_at, ticket.counter_id, ticket.wait_seconds, ticket.service_seconds)
            if ticket.pk in self.closed:
                assert self.closed[ticket.pk] == seen, f"{ticket.number} changed after it finished"
            elif ticket.is_closed:
                self.closed[ticket.pk] = seen

    def each_console_lists_what_call_next_will_call_in_that_order(self, tickets):
        # The console's list is read from the live state's queue and counter rows, as console.js reads it.
        _, queue = queue_rows(self.branch, self.now)
        counters, _ = counter_rows(self.branch, self.now)
        state = {"queue": queue, "counters": counters}
        today = self.branch.business_day(self.now)
        active = set(Service.objects.filter(branch=self.branch, active=True).values_list("pk", flat=True))
        waiting = sorted((t for t in tickets if t.status == Ticket.Status.WAITING and t.day == today),
                         key=lambda t: (t.lane, t.queued_at, t.pk))
        for counter in self.counters:
            listed = [row["number"] for row in console_view(state, counter.pk)["waiting"]]
            services = self.services_of[counter.pk] & active
            assert listed == [t.number for t in waiting if t.service_id in services], f"counter {counter.name}"

    def the_statistics_agree_with_the_tickets(self, tickets):
        first, last = OPENING.date(), OPENING.date() + dt.timedelta(days=3)
        figures = stats.Tally(self.branch, first, last).totals()
        counted = {status: sum(t.status == status for t in tickets) for status in Ticket.Status.values}
        assert figures["issued"] == len(tickets)
        assert (figures["served"], figures["no_show"], figures["cancelled"]) == (
            counted["served"], counted["no_show"], counted["cancelled"])
        waits = [t.wait_seconds for t in tickets if t.first_called_at]
        assert figures["wait"]["max"] == (max(waits) if waits else None)


@pytest.mark.django_db
def test_the_queue_keeps_its_rules_whatever_the_floor_does():
    run_state_machine_as_test(Floor, settings=settings(
        max_examples=EXAMPLES, stateful_step_count=50, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    ))

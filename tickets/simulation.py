"""A branch's history, made by the real operations on a simulated clock: ``manage.py simulate``.

Each day is an event-driven simulation. Customers arrive as a Poisson process whose rate follows a
bank branch's day (the opening rush, the lunch peak, a busier Monday and Friday, paydays), in
proportion to the branch's counters, so a branch is as busy as it is staffed. Each counter's teller
calls the next customer through ``actions.call_next``; service takes a skewed (log-normal) time per
service; a few customers do not come when called, some are transferred to another service, some
lose patience and leave, and a share leave feedback whose rating falls as their wait grows. Tellers
take a lunch break (pause and resume), and counters close once the last customer is served.

Each day's choices come from its own ``random.Random`` seeded with the seed and the date, and the clock
is passed to each operation, so the same seed gives the same history, and the same days whatever the
range they are simulated in. Screens are not told (actions.unannounced): nobody watches the past.
"""

import calendar
import datetime
import heapq
import itertools
import math
import random

from django.db import transaction

from . import actions, errors, predictors
from .models import Counter, Feedback, Service, StaffMembership, Ticket
from .stats import WAIT_BANDS

# Arrivals per open counter per hour, by branch-local hour: the opening rush, a calm late morning,
# the lunch peak, a quieter afternoon.
# A counter serves about nine customers an hour, so the branch keeps up except at its peaks:
# a four-counter branch sees about 170 customers on a weekday.
HOURLY_ARRIVALS_PER_COUNTER = {8: 4.5, 9: 6.0, 10: 5.5, 11: 5.0, 12: 7.5, 13: 7.0, 14: 4.5, 15: 4.0}
SATURDAY_ARRIVALS_PER_COUNTER = {9: 5.0, 10: 6.0, 11: 5.5, 12: 4.5}
WEEKDAY_FACTOR = [1.25, 1.0, 0.95, 1.0, 1.2, 1.0, 0.0]  # Monday .. Sunday (closed)
PAYDAY_FACTOR = 1.4
OPENING = {weekday: (datetime.time(8, 30), datetime.time(15, 30)) for weekday in range(5)}
OPENING[5] = (datetime.time(9, 0), datetime.time(12, 30))

# Median service minutes by service letter (others: 6); log-normal with this spread has a long right tail.
MEDIAN_SERVICE_MINUTES = {"A": 4.0, "B": 11.0, "C": 7.0}
SERVICE_SPREAD = 0.55
# Shares of customers by service, in the order of the services' positions (the rest share the last one).
SERVICE_SHARES = [0.6, 0.25, 0.15]
PRIORITY_SHARE = 0.05
NO_SHOW_SHARE = 0.03
NO_SHOW_WAIT = datetime.timedelta(minutes=2)
TRANSFER_SHARE = 0.04
# How long people will wait before walking out: most wait a long time, a few give up early.
MEDIAN_PATIENCE_MINUTES = 50
PATIENCE_SPREAD = 0.6
FEEDBACK_SHARE = 0.22
NOTE_SHARE = 0.45
BREAK_MINUTES = 30

NOTES = {
    1: ["so slow!", "Waited ages, only two counters open.", "Nobody told us the wait.", "Terrible, I left late for work."],
    2: ["Too long a wait at lunchtime.", "Slow, but the teller was kind.", "Please open more counters at noon."],
    3: ["OK.", "Fine, a bit slow.", "The screen was hard to read."],
    4: ["Quick and friendly.", "Good service.", "Helpful with my loan questions."],
    5: ["Excellent, thank you!", "Very fast today.", "Lovely staff, in and out in minutes."],
}


def is_payday(day):
    """Salaries land at the end of the month and pensions at the start: both fill the branch."""
    last = calendar.monthrange(day.year, day.month)[1]
    return day.day >= last - 1 or day.day <= 2


def arrival_rate(day, hour, counters):
    """Expected arrivals in the branch-local ``hour`` of ``day`` (per hour)."""
    by_hour = SATURDAY_ARRIVALS_PER_COUNTER if day.weekday() == 5 else HOURLY_ARRIVALS_PER_COUNTER
    rate = by_hour.get(hour, 0.0) * counters * WEEKDAY_FACTOR[day.weekday()]
    return rate * (PAYDAY_FACTOR if is_payday(day) else 1.0)


def felt_for(ticket, rating):
    """How long the wait felt, said by three customers in four: the real band, a band longer for the unhappy
    (people who waited idle overestimate it). Drawn from no random number, so a seed's history stays as it was."""
    if int(ticket.number[1:]) % 4 == 0:
        return ""
    band = sum(ticket.wait_seconds >= low for low, _, _ in WAIT_BANDS[1:]) + (rating <= 2)
    return list(Feedback.Felt)[min(band, len(WAIT_BANDS) - 1)].value


def rating_for(wait_minutes, rng):
    """Most people are content after a short wait and less so the longer it was; a few always differ."""
    expected = 4.8 - wait_minutes / 12
    return max(1, min(5, round(rng.gauss(expected, 0.8))))


class Day:
    """One simulated day of a branch: the event queue and what each counter is doing."""

    def __init__(self, branch, day, seed, services, counters, tellers):
        self.branch, self.day, self.rng = branch, day, random.Random(f"{seed}:{day.isoformat()}")
        self.services, self.counters, self.tellers = services, counters, tellers
        self.codes = {service.pk: service.code for service in services}
        self.serves = {counter.pk: {s.pk for s in counter.services.all()} for counter in counters}
        self.events = []
        self.order = itertools.count()  # ties on the clock keep the order they were scheduled in
        self.waiting = {}  # ticket id -> ticket, for patience running out
        self.serving = {}  # counter id -> ticket
        self.on_break = set()
        self.break_due = {}
        self.closed = False
        self.issued = 0

    def at(self, moment, kind, *data):
        heapq.heappush(self.events, (moment, next(self.order), kind, data))

    def local(self, time):
        return datetime.datetime.combine(self.day, time, tzinfo=self.branch.zone)

    def schedule_arrivals(self, opens, closes):
        """Poisson arrivals by thinning: draw at the day's peak rate, keep each with rate(t) / peak."""
        hours = range(opens.hour, closes.hour + 1)
        peak = max(arrival_rate(self.day, hour, len(self.counters)) for hour in hours)
        if peak <= 0:
            return
        moment, end = self.local(opens), self.local(closes)
        while True:
            moment += datetime.timedelta(hours=self.rng.expovariate(peak))
            if moment >= end:
                return
            if self.rng.random() * peak < arrival_rate(self.day, moment.hour, len(self.counters)):
                self.at(moment, "arrive")

    def run(self):
        opens, closes = OPENING.get(self.day.weekday(), (None, None))
        if opens is None or WEEKDAY_FACTOR[self.day.weekday()] == 0:
            return 0
        for counter in self.counters:
            counter.refresh_from_db(fields=["status"])
            if counter.status != Counter.Status.OPEN:
                actions.resume_counter(counter, now=self.local(opens))
            # Each teller takes a lunch break some time between noon and two.
            self.break_due[counter.pk] = self.local(datetime.time(12)) + datetime.timedelta(
                minutes=self.rng.uniform(0, 120 - BREAK_MINUTES)
            )
        self.schedule_arrivals(opens, closes)
        self.at(self.local(closes), "doors_close")
        while self.events:
            moment, _, kind, data = heapq.heappop(self.events)
            getattr(self, kind)(moment, *data)
        for counter in self.counters:
            actions.close_counter(counter)
        return self.issued

    # --- events -------------------------------------------------------------------------------

    def arrive(self, moment):
        service = self.rng.choices(self.services, weights=self.shares)[0]
        ticket = actions.issue_ticket(service, priority=self.rng.random() < PRIORITY_SHARE, now=moment)
        self.issued += 1
        self.waiting[ticket.pk] = ticket
        patience = datetime.timedelta(minutes=self.rng.lognormvariate(math.log(MEDIAN_PATIENCE_MINUTES), PATIENCE_SPREAD))
        self.at(moment + patience, "lose_patience", ticket.pk)
        self.call_idle_counters(moment)

    @property
    def shares(self):
        shares = SERVICE_SHARES[: len(self.services)]
        return shares + [shares[-1]] * (len(self.services) - len(shares))

    def lose_patience(self, moment, ticket_id):
        ticket = self.waiting.pop(ticket_id, None)
        if ticket is not None:
            actions.cancel(ticket, now=moment)

    def call_idle_counters(self, moment):
        for counter in self.counters:
            if counter.pk not in self.serving and counter.pk not in self.on_break:
                self.call(counter, moment)

    def break_is_due(self, counter, moment):
        return self.break_due.get(counter.pk) is not None and moment >= self.break_due[counter.pk] and not self.closed

    def someone_waits_for(self, counter):
        return any(ticket.service_id in self.serves[counter.pk] for ticket in self.waiting.values())

    def call(self, counter, moment):
        """The teller calls the next customer, or takes the break that is due; False if nobody was called."""
        if self.break_is_due(counter, moment):
            del self.break_due[counter.pk]
            actions.pause_counter(counter, now=moment)
            self.on_break.add(counter.pk)
            self.at(moment + datetime.timedelta(minutes=BREAK_MINUTES), "back_from_break", counter)
            return False
        if not self.someone_waits_for(counter):
            # The teller can see the queue is empty; pressing "call next" would only be refused.
            return False
        try:
            ticket = actions.call_next(counter, by=self.tellers.get(counter.pk), now=moment)
        except errors.QueueEmpty:
            return False
        self.waiting.pop(ticket.pk, None)
        self.serving[counter.pk] = ticket
        if self.rng.random() < NO_SHOW_SHARE:
            self.at(moment + NO_SHOW_WAIT, "no_show", counter)
            return True
        median = MEDIAN_SERVICE_MINUTES.get(self.codes[ticket.service_id], 6.0)
        minutes = self.rng.lognormvariate(math.log(median), SERVICE_SPREAD)
        others = [s for s in self.services if s.pk != ticket.service_id]
        if others and ticket.lane != Ticket.Lane.TRANSFERRED and self.rng.random() < TRANSFER_SHARE:
            to = self.rng.choice(others)
            self.at(moment + datetime.timedelta(minutes=minutes / 2), "transfer", counter, to)
        else:
            self.at(moment + datetime.timedelta(minutes=minutes), "serve", counter)
        return True

    def back_from_break(self, moment, counter):
        actions.resume_counter(counter, now=moment)
        self.on_break.discard(counter.pk)
        self.call(counter, moment)

    def serve(self, moment, counter):
        ticket = self.serving.pop(counter.pk)
        # As at a real counter, "call next" closes the customer served and calls the next in one press;
        # "served" alone when the queue is empty or the teller's break is due.
        if self.break_is_due(counter, moment) or not self.call(counter, moment):
            actions.mark_served(counter, by=self.tellers.get(counter.pk), now=moment)
            self.call(counter, moment)
        if self.rng.random() < FEEDBACK_SHARE:
            rating = rating_for(ticket.wait_seconds / 60, self.rng)
            note = self.rng.choice(NOTES[rating]) if self.rng.random() < NOTE_SHARE else ""
            later = moment + datetime.timedelta(minutes=self.rng.uniform(1, 30))
            actions.record_feedback(ticket, rating=rating, note=note, perceived_wait=felt_for(ticket, rating), now=later)

    def no_show(self, moment, counter):
        self.serving.pop(counter.pk)
        actions.mark_no_show(counter, by=self.tellers.get(counter.pk), now=moment)
        self.call(counter, moment)

    def transfer(self, moment, counter, to):
        self.serving.pop(counter.pk)
        ticket = actions.transfer(counter, to, by=self.tellers.get(counter.pk), now=moment)
        self.waiting[ticket.pk] = ticket
        self.call_idle_counters(moment)

    def doors_close(self, moment):
        # Nobody new comes in; everyone inside is still served, so counters work on until the queue is empty.
        self.closed = True


def simulate(branch, days, seed, *, until=None, progress=None):
    """Write ``days`` days of history for ``branch``, ending the day before ``until`` (default: today).

    Returns the number of tickets issued. Raises errors.QueueError if a counter is serving someone now.
    ``progress(day, issued)``, if given, is told of each day once it is written, with the tickets so far.
    """
    until = until or branch.business_day(datetime.datetime.now(datetime.UTC))
    services = list(Service.objects.filter(branch=branch, active=True).order_by("position", "code"))
    counters = list(Counter.objects.filter(branch=branch).prefetch_related("services").order_by("name"))
    busy = Ticket.objects.called().filter(counter__in=counters).select_related("counter").first()
    if busy:
        raise errors.CounterBusy(busy.counter, busy)
    staff = list(
        StaffMembership.objects.filter(branch=branch, role=StaffMembership.Role.TELLER)
        .select_related("user").order_by("user__username")
    )
    statuses = {counter.pk: counter.status for counter in counters}
    issued = 0
    with actions.unannounced():
        # The estimates count only counters a teller is at: for the history, each counter nobody is at
        # gets a teller of the branch who is at no counter, and is left again afterwards.
        free = [member.user for member in staff if not Counter.objects.filter(teller=member.user).exists()]
        stand_ins = []
        for counter in counters:
            if counter.teller_id is None and free:
                stand_ins.append(actions.sign_in(counter, free.pop(0)))
                counter.teller = stand_ins[-1].teller
        tellers = {
            counter.pk: counter.teller or staff[i % len(staff)].user for i, counter in enumerate(counters)
        } if staff else {}
        for offset in range(days, 0, -1):
            day = until - datetime.timedelta(days=offset)
            # Each day's quotes come from the predictors' grades on the days before it, read afresh.
            predictors.forget()
            # One transaction a day: each operation inside is a savepoint, and the disk is written once.
            with transaction.atomic():
                issued += Day(branch, day, seed, services, counters, tellers).run()
            if progress:
                progress(day, issued)
        # History changes nothing about now: every counter goes back to how it was.
        for counter in stand_ins:
            actions.leave_counter(counter)
        for counter in counters:
            counter.refresh_from_db()
            if statuses[counter.pk] == Counter.Status.OPEN and counter.status != Counter.Status.OPEN:
                actions.resume_counter(counter)
            elif statuses[counter.pk] == Counter.Status.PAUSED and counter.status != Counter.Status.PAUSED:
                if counter.status == Counter.Status.CLOSED:
                    actions.resume_counter(counter)
                actions.pause_counter(counter)
    return issued

"""Issue 16, item 9: one key pauses the counter for a break, no reason and no approval; managers see breaks
only as the branch's totals per day; after an unusually long service the console offers a pause."""

import pytest

from tickets import actions, care
from tickets.models import BreakDay, Counter

from .care_floor import at, clock, serve  # noqa: F401 - fixtures

pytestmark = pytest.mark.usefixtures("clock")


def test_a_break_needs_one_press_and_nothing_else(client, teller, counter):
    client.force_login(teller)
    assert client.post(f"/staff/counters/{counter.pk}/pause/").status_code == 302
    counter.refresh_from_db()
    assert counter.status == Counter.Status.PAUSED and counter.paused_at is not None


def test_a_break_is_kept_only_as_the_branchs_total_for_the_day(branch, counter, counter2):
    actions.pause_counter(counter, now=at(0))
    actions.pause_counter(counter2, now=at(5))
    actions.resume_counter(counter, now=at(15))
    actions.resume_counter(counter2, now=at(12))
    (total,) = BreakDay.objects.all()
    assert (total.branch, total.day, total.breaks, total.seconds) == (branch, at(0).date(), 2, 22 * 60)
    # What is stored cannot name a teller, a counter or a moment: there is nothing to list per teller.
    assert {field.name for field in BreakDay._meta.get_fields()} == {"id", "branch", "day", "breaks", "seconds"}
    counter.refresh_from_db()
    assert counter.paused_at is None


def test_managers_read_break_totals_per_day_and_never_per_teller(client, clock, branch, manager, counter, counter2):
    actions.pause_counter(counter, now=at(0))
    actions.resume_counter(counter, now=at(10))
    actions.pause_counter(counter2, now=at(24 * 60))
    actions.resume_counter(counter2, now=at(24 * 60 + 5))
    clock.move_to(at(24 * 60 + 30))
    client.force_login(manager)
    day, next_day = at(0).date().isoformat(), at(24 * 60).date().isoformat()
    answer = client.get(f"/api/v1/branches/main/stats/?from={day}&to={next_day}").json()
    assert answer["breaks"] == {
        "breaks": 2, "seconds": 15 * 60,
        "by_day": [{"day": day, "breaks": 1, "seconds": 600}, {"day": next_day, "breaks": 1, "seconds": 300}],
    }
    assert all("break" not in key for row in answer["by_teller"] for key in row)
    assert all(set(row) == {"day", "breaks", "seconds"} for row in answer["breaks"]["by_day"])
    page = client.get(f"/b/main/stats/?from={day}&to={next_day}").content.decode()
    assert "Breaks, for the whole branch (2 breaks, 15 min in all)" in page


def test_a_break_ends_when_the_teller_leaves_or_closes(branch, teller, counter, counter2):
    actions.pause_counter(counter, now=at(0))
    actions.leave_counter(counter, teller, now=at(7))
    actions.pause_counter(counter2, now=at(0))
    actions.close_counter(counter2, now=at(3))
    assert BreakDay.objects.get().seconds == 10 * 60


def test_a_counter_paused_because_its_teller_left_is_nobodys_break(teller, counter):
    actions.leave_counter(counter, teller, now=at(0))
    counter.refresh_from_db()
    assert counter.status == Counter.Status.PAUSED and counter.paused_at is None
    actions.resume_counter(counter, now=at(30))
    assert not BreakDay.objects.exists()


@pytest.fixture
def usual_day(clock, deposits, counter, teller):
    """Five customers served in 4 minutes each: the service's median is 4 minutes."""
    for n in range(5):
        serve(counter, deposits, arrive=n * 5, wait=0, service_minutes=4, by=teller)


def test_the_console_offers_a_pause_after_a_service_over_three_times_the_median(client, clock, usual_day, deposits, counter, teller):
    serve(counter, deposits, arrive=30, wait=0, service_minutes=13, by=teller)  # 13 > 3 x 4
    counter.refresh_from_db()
    assert care.pause_offer(counter, at(45)) == {"number": "A006", "seconds": 13 * 60, "median": 4 * 60}
    clock.move_to(at(45))
    client.force_login(teller)
    page = client.get(f"/staff/counters/{counter.pk}/").content.decode()
    assert "That was a long one: A006 took 13 min, where 4 min is usual." in page
    assert "Take a short break" in page


def test_no_offer_after_a_service_of_three_times_the_median_or_less(usual_day, deposits, counter, teller):
    serve(counter, deposits, arrive=30, wait=0, service_minutes=12, by=teller)
    counter.refresh_from_db()
    assert care.pause_offer(counter, at(43)) is None


def test_the_offer_lapses_with_the_next_call_a_break_or_time(usual_day, deposits, counter, teller):
    serve(counter, deposits, arrive=30, wait=0, service_minutes=20, by=teller)
    counter.refresh_from_db()
    assert care.pause_offer(counter, at(55)) is not None
    assert care.pause_offer(counter, at(50 + 11)) is None  # ten minutes on, it is not "after" it any more
    actions.issue_ticket(deposits, now=at(52))
    actions.call_next(counter, by=teller, now=at(53))
    counter.refresh_from_db()
    assert care.pause_offer(counter, at(53)) is None  # serving someone
    actions.mark_served(counter, by=teller, now=at(55))
    actions.pause_counter(counter, now=at(55))
    actions.resume_counter(counter, now=at(57))
    counter.refresh_from_db()
    assert care.pause_offer(counter, at(57)) is None  # the break came after it


def test_no_offer_without_enough_history_to_know_what_is_usual(deposits, counter, teller):
    for n in range(4):
        serve(counter, deposits, arrive=n * 5, wait=0, service_minutes=1, by=teller)
    serve(counter, deposits, arrive=30, wait=0, service_minutes=30, by=teller)
    counter.refresh_from_db()
    assert care.pause_offer(counter, at(61)) is None


@pytest.mark.django_db(transaction=True)
def test_ten_tellers_back_from_a_break_at_once_all_count(branch, deposits):
    from .conftest import open_counter
    from .test_races import run_together

    counters = [open_counter(branch, str(n), [deposits]) for n in range(10)]
    for desk in counters:
        actions.pause_counter(desk, now=at(0))
    _, failures = run_together(lambda i: actions.resume_counter(counters[i], now=at(5 + i)), len(counters))
    assert failures == []
    total = BreakDay.objects.get()
    assert (total.breaks, total.seconds) == (10, sum(5 + i for i in range(10)) * 60)

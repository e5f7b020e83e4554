"""A counter is worked by the teller signed in at it: one teller per counter, one counter per teller."""

import json

import pytest
from django.test import Client
from django.utils import timezone

from tickets import actions, errors
from tickets.estimates import queue_pace
from tickets.models import Counter
from tickets.state import branch_state

from .conftest import make_user

pytestmark = pytest.mark.django_db


def post(client, path, body=None):
    return client.post(path, json.dumps(body) if body is not None else "", content_type="application/json")


def test_an_open_counter_with_nobody_at_it_is_not_counted_in_estimates(branch, deposits, counter, counter2):
    now = timezone.now()
    assert queue_pace(deposits, now).open == 2
    actions.leave_counter(counter2)
    actions.resume_counter(counter2)  # open, but nobody sits there
    assert queue_pace(deposits, now).open == 1
    assert [row["staffed"] for row in branch_state(branch)["counters"]] == [True, False]


def test_leaving_pauses_an_open_counter_and_a_customer_still_there_stays_called(deposits, counter, teller):
    actions.issue_ticket(deposits)
    actions.call_next(counter)
    counter = actions.leave_counter(counter, teller)
    assert (counter.teller, counter.status) == (None, Counter.Status.OPEN)  # A001 is still at the desk
    actions.sign_in(counter, teller)
    actions.mark_served(counter)
    counter = actions.leave_counter(counter, teller)
    assert (counter.teller, counter.status) == (None, Counter.Status.PAUSED)


def test_a_teller_is_at_one_counter_at_a_time(branch, deposits, loans, teller):
    from .conftest import open_counter

    first = open_counter(branch, "7", [deposits], teller)
    second = open_counter(branch, "8", [loans])
    actions.leave_counter(second)
    actions.resume_counter(second)
    actions.sign_in(second, teller)
    first.refresh_from_db()
    assert (first.teller, first.status) == (None, Counter.Status.PAUSED)
    assert Counter.objects.get(pk=second.pk).teller == teller


def test_a_second_teller_is_told_who_is_there_and_may_take_over(client, deposits, counter, teller, colleague):
    teller.first_name, teller.last_name = "Ana", "Silva"
    teller.save()
    actions.issue_ticket(deposits)
    client.force_login(colleague)
    refused = post(client, f"/api/v1/counters/{counter.pk}/call-next/")
    assert refused.status_code == 409
    assert refused.json() == {"error": "Ana Silva is at counter 1: take over to work there.", "code": "CounterStaffed"}
    assert not deposits.tickets.filter(status="called").exists()  # refused, nothing done
    taken = post(client, f"/api/v1/counters/{counter.pk}/sign-in/", {"take_over": True})
    assert taken.status_code == 200 and taken.json()["staffed"] is True
    assert post(client, f"/api/v1/counters/{counter.pk}/call-next/").json()["number"] == "A001"
    assert Counter.objects.get(pk=counter.pk).teller == colleague


def test_the_api_can_leave_a_counter(client, counter, teller):
    client.force_login(teller)
    answer = post(client, f"/api/v1/counters/{counter.pk}/leave/")
    assert (answer.status_code, answer.json()["staffed"], answer.json()["status"]) == (200, False, "paused")


def test_opening_a_counters_console_signs_the_teller_in_and_names_a_colleague_there(branch, deposits, loans, teller):
    from .conftest import open_counter

    counter = open_counter(branch, "5", [deposits], make_user("maria", branch, first_name="Maria"))
    client = Client()
    client.force_login(teller)
    page = client.get(f"/staff/counters/{counter.pk}/").content.decode()
    assert "Maria is at this counter" in page and "Take over this counter" in page
    refused = client.post(f"/staff/counters/{counter.pk}/call-next/", follow=True).content.decode()
    assert "Maria is at counter 5: take over to work there." in refused
    client.post(f"/staff/counters/{counter.pk}/take-over/")
    assert Counter.objects.get(pk=counter.pk).teller == teller
    free = open_counter(branch, "6", [loans])
    actions.leave_counter(free)
    client.get(f"/staff/counters/{free.pk}/")
    assert Counter.objects.get(pk=free.pk).teller == teller  # and counter 5 is left
    assert Counter.objects.get(pk=counter.pk).teller is None


def test_the_counter_list_says_who_is_at_each_counter(client, counter, counter2, teller, colleague):
    colleague.first_name = "Rui"
    colleague.save()
    client.force_login(teller)
    page = client.get("/staff/").content.decode()
    assert "You are here" in page and "Rui" in page


def test_signing_out_leaves_the_counter(client, counter, teller):
    client.force_login(teller)
    client.post("/accounts/logout/")
    counter.refresh_from_db()
    assert (counter.teller, counter.status) == (None, Counter.Status.PAUSED)


def test_leaving_from_the_console_pauses_the_counter(client, counter, teller):
    client.force_login(teller)
    page = client.post(f"/staff/counters/{counter.pk}/leave/", follow=True).content.decode()
    assert "You left counter 1. It is paused." in page
    assert Counter.objects.get(pk=counter.pk).teller is None


def test_a_refused_sign_in_changes_nothing(counter, teller, colleague):
    with pytest.raises(errors.CounterStaffed):
        actions.sign_in(counter, colleague)
    assert Counter.objects.get(pk=counter.pk).teller == teller

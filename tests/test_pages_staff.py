"""The teller's console and the manager's dashboard pages."""

import pytest

from tickets import actions
from tickets.models import Counter, Ticket

from .visible import visible_text


def operate(client, counter, operation, **data):
    return client.post(f"/staff/counters/{counter.pk}/{operation}/", data, follow=True)


def test_staff_pages_need_sign_in(client, counter):
    for path in ["/staff/", f"/staff/counters/{counter.pk}/", "/b/main/stats/"]:
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), path


def test_counter_list_shows_only_the_tellers_branches(client, counter, other_branch, teller):
    Counter.objects.create(branch=other_branch, name="9")
    client.force_login(teller)
    page = client.get("/staff/").content.decode()
    assert f"/staff/counters/{counter.pk}/" in page and "Counter 9" not in page


def test_managers_find_their_dashboard_from_the_counter_list(client, counter, teller, manager):
    client.force_login(teller)
    assert "/b/main/stats/" not in client.get("/staff/").content.decode()
    client.force_login(manager)
    assert "/b/main/stats/" in client.get("/staff/").content.decode()


def test_console_of_another_branch_is_403(client, counter, other_teller):
    client.force_login(other_teller)
    assert client.get(f"/staff/counters/{counter.pk}/").status_code == 403
    assert client.post(f"/staff/counters/{counter.pk}/call-next/").status_code == 403


def test_console_shows_the_current_ticket_the_queue_in_order_and_served_today(client, deposits, counter, teller):
    for priority in (False, False, True, False):
        actions.issue_ticket(deposits, priority=priority)
    actions.call_next(counter)  # the priority ticket A003 first
    actions.call_next(counter)  # serves A003, calls A001
    client.force_login(teller)
    page = client.get(f"/staff/counters/{counter.pk}/").content.decode()
    seen = visible_text(page)
    assert "Now serving A001" in seen
    assert seen.index("A002") < seen.index("A004")
    assert "served today: 1" in seen
    for key in "NRSXTP":
        assert f"<kbd>{key}</kbd>" in page


@pytest.mark.parametrize(
    "operation, data, message, check",
    [
        ("call-next", {}, "A001 called to counter 1.", lambda: Ticket.objects.get(number="A001").status == "called"),
        ("recall", {}, "Called A001 again.", lambda: Ticket.objects.get(number="A001").recall_count == 1),
        ("serve", {}, "A001 served.", lambda: Ticket.objects.get(number="A001").status == "served"),
        ("no-show", {}, "A001 marked as no-show.", lambda: Ticket.objects.get(number="A001").status == "no_show"),
        ("transfer", {"service": "B"}, "A001 transferred.", lambda: Ticket.objects.get(number="A001").service.code == "B"),
    ],
)
def test_each_console_button_acts_and_says_so(client, deposits, loans, counter, teller, operation, data, message, check):
    actions.issue_ticket(deposits)
    actions.issue_ticket(deposits)
    if operation != "call-next":
        actions.call_next(counter)
    client.force_login(teller)
    response = operate(client, counter, operation, **data)
    assert response.redirect_chain[-1][0] == f"/staff/counters/{counter.pk}/"
    assert message in response.content.decode()
    assert check()


def test_pause_resume_and_close_buttons(client, counter, teller):
    client.force_login(teller)
    assert "Counter paused." in operate(client, counter, "pause").content.decode()
    assert "Counter open." in operate(client, counter, "resume").content.decode()
    assert "Counter 1 closed." in operate(client, counter, "close").content.decode()
    counter.refresh_from_db()
    assert counter.status == Counter.Status.CLOSED


def test_call_next_on_a_paused_counter_shows_the_refusal_and_changes_nothing(client, deposits, counter, teller):
    actions.issue_ticket(deposits)
    actions.pause_counter(counter)
    client.force_login(teller)
    page = operate(client, counter, "call-next").content.decode()
    assert "Counter 1 is paused: resume it before calling." in page
    assert Ticket.objects.get().status == Ticket.Status.WAITING


def test_call_next_on_a_closed_counter_says_to_open_it_as_its_button_does(client, deposits, counter, teller):
    actions.issue_ticket(deposits)
    actions.close_counter(counter)
    client.force_login(teller)
    page = operate(client, counter, "call-next").content.decode()
    assert "Counter 1 is closed: open it before calling." in page and "Open counter" in page


def test_an_empty_queue_is_said_not_numbered(client, counter, teller):
    client.force_login(teller)
    page = client.get(f"/staff/counters/{counter.pk}/").content.decode()
    assert "Nobody is waiting." in page and '<ol class="queue">' not in page


def test_a_teller_sent_to_the_dashboard_is_told_why(client, branch, teller):
    client.force_login(teller)
    response = client.get("/b/main/stats/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "signed in as <strong>teller</strong>" in page and "for its managers" in page


def test_transfer_without_a_service_is_refused(client, deposits, counter, teller):
    actions.issue_ticket(deposits)
    actions.call_next(counter)
    client.force_login(teller)
    assert "Choose the service to transfer to." in operate(client, counter, "transfer").content.decode()
    assert Ticket.objects.get().status == Ticket.Status.CALLED


def test_operations_need_post_and_a_known_name(client, counter, teller):
    client.force_login(teller)
    assert client.get(f"/staff/counters/{counter.pk}/call-next/").status_code == 405
    assert client.post(f"/staff/counters/{counter.pk}/launch/").status_code == 404


def test_dashboard_shows_each_note_beside_that_visits_wait(client, deposits, counter, manager):
    ticket = actions.issue_ticket(deposits)
    actions.call_next(counter)
    actions.mark_served(counter)
    actions.record_feedback(ticket, rating=1, note="so slow!")
    client.force_login(manager)
    page = client.get("/b/main/stats/").content.decode()
    row = page[page.index("A001 <span"):]
    row = row[: row.index("</tr>")]
    assert "so slow!" in row and "under 1 min" in row


@pytest.mark.parametrize("query", ["from=soon", "from=2026-05-02&to=2026-05-01"])
def test_dashboard_bad_dates_are_400_with_a_message(client, branch, manager, query):
    client.force_login(manager)
    response = client.get(f"/b/main/stats/?{query}")
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()


def test_the_console_lists_no_ticket_of_a_service_switched_off(branch, deposits, loans, counter2):
    """What call-next refuses the console must not offer (found by tests/test_queue_model.py)."""
    from tickets.staff import console_view
    from tickets.state import branch_state

    actions.issue_ticket(deposits)
    actions.issue_ticket(loans)
    loans.active = False
    loans.save()
    waiting = console_view(branch_state(branch), counter2.pk)["waiting"]
    assert [row["number"] for row in waiting] == ["A001"]


def test_console_says_how_often_the_customer_at_the_counter_was_called_again(client, deposits, counter, teller):
    actions.issue_ticket(deposits)
    actions.call_next(counter, by=teller)
    client.force_login(teller)
    assert "called again" not in visible_text(client.get(f"/staff/counters/{counter.pk}/").content.decode())
    actions.recall(counter, by=teller)
    assert "Deposits · called again 1 time · at the counter for" in visible_text(client.get(f"/staff/counters/{counter.pk}/").content.decode())

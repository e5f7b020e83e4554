"""The audit trail (models.Operation, tickets/audit.py): every staff operation says who, when, at which counter
and on which ticket, in the operation's own transaction; the branch's managers and superusers read and export
it; nobody changes it."""

import csv
import io

import pytest
from django.contrib.admin.models import LogEntry

from tickets import actions, errors
from tickets.models import AuditTrailIsReadOnly, Counter, Operation
from .visible import visible_text


def trail(**filters):
    """The trail oldest first, as (kind, by, counter, ticket) rows."""
    rows = Operation.objects.filter(**filters).order_by("at", "id")
    return [(op.kind, op.by_name, op.counter_name, op.ticket_number) for op in rows]


@pytest.fixture
def quiet_counter(branch, deposits, teller):
    """Counter 1, closed, nobody at it, and nothing in the trail yet."""
    counter = Counter.objects.create(branch=branch, name="1")
    counter.services.set([deposits])
    return counter


def test_every_counter_operation_records_who_where_and_which_ticket(quiet_counter, deposits, loans, teller):
    counter = quiet_counter
    counter.services.add(loans)
    actions.issue_ticket(deposits)
    actions.issue_ticket(deposits)
    actions.sign_in(counter, teller)
    actions.resume_counter(counter, by=teller)
    actions.call_next(counter, by=teller)
    actions.recall(counter, by=teller)
    actions.transfer(counter, loans, by=teller)
    actions.call_next(counter, by=teller)
    actions.mark_served(counter, by=teller)
    actions.call_next(counter, by=teller)
    actions.mark_no_show(counter, by=teller)
    actions.undo(counter, by=teller)
    actions.mark_served(counter, by=teller)
    actions.pause_counter(counter, by=teller)
    actions.resume_counter(counter, by=teller)
    actions.close_counter(counter, by=teller)
    actions.leave_counter(counter, teller)
    assert trail() == [
        ("sign_in", "teller", "1", ""), ("resume", "teller", "1", ""),
        ("call", "teller", "1", "A001"), ("recall", "teller", "1", "A001"), ("transfer", "teller", "1", "A001"),
        ("call", "teller", "1", "A001"), ("serve", "teller", "1", "A001"),
        ("call", "teller", "1", "A002"), ("no_show", "teller", "1", "A002"), ("undo", "teller", "1", "A002"),
        ("serve", "teller", "1", "A002"),
        ("pause", "teller", "1", ""), ("resume", "teller", "1", ""), ("close", "teller", "1", ""),
        ("leave", "teller", "1", ""),
    ]
    assert set(Operation.objects.values_list("branch_id", flat=True)) == {counter.branch_id}


def test_taking_a_counter_over_records_both_tellers(counter, teller, colleague):
    actions.sign_in(counter, colleague, take_over=True)
    entry = Operation.objects.filter(kind="sign_in").first()
    assert entry.by == colleague and "taking over from teller" in entry.summary


def test_a_teller_already_at_the_counter_adds_nothing(counter, teller):
    before = Operation.objects.count()
    actions.sign_in(counter, teller)
    assert Operation.objects.count() == before


def test_a_refused_operation_records_nothing(quiet_counter, teller):
    with pytest.raises(errors.QueueError):
        actions.recall(quiet_counter, by=teller)
    with pytest.raises(errors.QueueError):
        actions.pause_counter(quiet_counter, by=teller)  # closed: nothing to pause
    assert trail() == []


def test_feedback_moderation_is_recorded(deposits, manager):
    from tests.conftest import walked_out

    feedback = actions.record_feedback(walked_out(deposits), rating=2, note="slow")
    actions.hold_back_note(feedback, by=manager)
    assert trail(kind="hold_back") == [("hold_back", "manager", "", "A001")]


def test_the_console_and_the_api_say_who_paused_and_resumed(client, counter, teller, api_key):
    client.force_login(teller)
    client.post(f"/staff/counters/{counter.pk}/pause/")
    client.post(f"/api/v1/counters/{counter.pk}/resume/", HTTP_AUTHORIZATION=f"Bearer {api_key}")
    assert trail(kind__in=["pause", "resume"])[-2:] == [("pause", "teller", "1", ""), ("resume", "teller", "1", "")]


def test_the_trail_cannot_be_changed_or_deleted(counter, deposits, teller):
    actions.issue_ticket(deposits)
    actions.call_next(counter, by=teller)
    entry = Operation.objects.filter(kind="call").get()
    entry.summary = "nothing happened"
    with pytest.raises(AuditTrailIsReadOnly):
        entry.save()
    with pytest.raises(AuditTrailIsReadOnly):
        Operation.objects.filter(pk=entry.pk).update(summary="nothing happened")
    with pytest.raises(AuditTrailIsReadOnly):
        entry.delete()
    with pytest.raises(AuditTrailIsReadOnly):
        Operation.objects.all().delete()
    entry.refresh_from_db()
    assert entry.summary == "A001 called to counter 1"


def test_the_admin_shows_the_trail_read_only(client, counter, superuser):
    client.force_login(superuser)
    entry = Operation.objects.first()
    assert client.get("/admin/tickets/operation/").status_code == 200
    page = client.get(f"/admin/tickets/operation/{entry.pk}/change/")
    assert page.status_code == 200 and 'type="submit"' not in page.content.decode().split('id="content-main"')[1]
    assert client.post(f"/admin/tickets/operation/{entry.pk}/change/", {"summary": "x"}).status_code == 403
    assert client.post(f"/admin/tickets/operation/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get("/admin/tickets/operation/add/").status_code == 403


def test_a_settings_change_in_the_admin_joins_the_trail(client, branch, deposits, superuser):
    client.force_login(superuser)
    response = client.post(f"/admin/tickets/service/{deposits.pk}/change/", {
        "branch": branch.pk, "name": "Deposits", "code": "A", "target_wait_minutes": 15, "active": "on", "position": 0,
    })
    assert response.status_code == 302
    entry = Operation.objects.get(kind="settings")
    assert entry.by == superuser and entry.branch == branch
    assert "Changed service “A Deposits”" in entry.summary and "Target wait minutes" in entry.summary
    assert LogEntry.objects.count() == 1  # the admin's own log is kept as it was


def test_deleting_several_in_the_admin_records_each(client, branch, superuser):
    from printing.models import Kiosk

    kiosks = [Kiosk.objects.create(branch=branch, name=f"K{n}", slug=f"k{n}") for n in range(2)]
    client.force_login(superuser)
    client.post("/admin/printing/kiosk/", {"action": "delete_selected", "_selected_action": [k.pk for k in kiosks],
                                           "post": "yes"})
    assert sorted(op.summary for op in Operation.objects.filter(kind="settings")) == [
        "Deleted kiosk “K0 (Main Street)”", "Deleted kiosk “K1 (Main Street)”"]


def test_a_counter_deleted_keeps_its_name_in_the_trail(counter, deposits, teller):
    actions.issue_ticket(deposits)
    actions.call_next(counter, by=teller)
    actions.mark_served(counter, by=teller)
    counter.delete()
    entry = Operation.objects.filter(kind="serve").get()
    assert entry.counter is None and entry.counter_name == "1" and entry.ticket_number == "A001"


def test_managers_read_the_trail_filtered_by_day_counter_and_teller(
        client, branch, deposits, counter, counter2, teller, colleague, manager):
    actions.issue_ticket(deposits)
    actions.issue_ticket(deposits)
    actions.call_next(counter, by=teller)
    actions.call_next(counter2, by=colleague)
    client.force_login(manager)
    page = client.get("/b/main/audit/").content.decode()
    assert "A001 called to counter 1" in page and "A002 called to counter 2" in page
    only = client.get(f"/b/main/audit/?counter={counter2.pk}").content.decode()
    assert "A002 called to counter 2" in only and "A001 called to counter 1" not in only
    mine = client.get("/b/main/audit/?staff=teller").content.decode()
    assert "A001 called to counter 1" in mine and "A002 called" not in mine
    assert "A001" not in client.get("/b/main/audit/?from=2020-01-01&to=2020-01-01").content.decode()


def test_the_trail_exports_as_csv_with_the_formula_guard(client, branch, deposits, counter, manager):
    from django.contrib.auth import get_user_model

    sly = get_user_model().objects.create_user("=HYPERLINK(1)")
    actions.issue_ticket(deposits)
    actions.call_next(counter, by=sly)
    client.force_login(manager)
    response = client.get(f"/b/main/audit/trail.csv?counter={counter.pk}")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode().lstrip("\ufeff"))))
    call = next(row for row in rows if row["kind"] == "call")
    assert call["staff"] == "'=HYPERLINK(1)" and call["counter"] == "1" and call["ticket"] == "A001"
    assert call["at"].endswith(("+00:00", "+01:00"))  # the branch's own clock (Europe/Lisbon)


def test_another_branchs_manager_reads_none_of_it(client, counter, other_manager, teller):
    client.force_login(other_manager)
    assert client.get("/b/main/audit/").status_code == 403
    assert client.get("/b/main/audit/trail.csv").status_code == 403


def test_simulated_history_writes_no_trail(deposits, counter, teller):
    before = Operation.objects.count()
    with actions.unannounced():
        actions.issue_ticket(deposits)
        actions.call_next(counter, by=teller)
    assert Operation.objects.count() == before


def test_the_trail_page_is_never_stored(client, branch, manager):
    client.force_login(manager)
    response = client.get("/b/main/audit/")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_a_bad_range_on_the_trail_page_says_so(client, branch, manager):
    client.force_login(manager)
    assert client.get("/b/main/audit/?from=someday").status_code == 400
    assert client.get("/b/main/audit/trail.csv?from=someday").status_code == 400


def test_a_managers_trail_never_lists_a_tellers_breaks_but_the_auditors_does(client, counter, teller, manager, superuser):
    """Issue 16: breaks reach managers only as totals per day. The trail keeps who paused, for auditors."""
    actions.pause_counter(counter, by=teller)
    actions.resume_counter(counter, by=teller)
    client.force_login(manager)
    page = visible_text(client.get("/b/main/audit/").content.decode())
    assert "Counter 1 paused" in page and "a teller" in page
    assert "Counter 1 paused" not in client.get("/b/main/audit/?staff=teller").content.decode()
    rows = list(csv.DictReader(io.StringIO(
        b"".join(client.get("/b/main/audit/trail.csv").streaming_content).decode().lstrip("\ufeff"))))
    assert {row["staff"] for row in rows if row["kind"] in ("pause", "resume")} == {""}
    client.force_login(superuser)
    rows = list(csv.DictReader(io.StringIO(
        b"".join(client.get("/b/main/audit/trail.csv").streaming_content).decode().lstrip("\ufeff"))))
    assert "teller" in {row["staff"] for row in rows if row["kind"] in ("pause", "resume")}

"""Privacy (tickets/privacy.py): a ticket needs nothing personal; notes are forgotten after the branch's retention
period; a manager exports or deletes one ticket's feedback on request, and the trail says so."""

import datetime
import json

import pytest
import time_machine
from django.core.management import call_command

from tests.conftest import walked_out
from tickets import actions
from tickets.models import Feedback, Operation, Ticket
from tickets.privacy import forget_old_feedback

WRITTEN = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)


def feedback_on(service, now=WRITTEN, **given):
    return actions.record_feedback(walked_out(service, now=now), now=now, **given)


def test_a_ticket_is_taken_with_nothing_personal(client, deposits):
    # The whole request: which service, and nothing about who.
    response = client.post("/api/v1/branches/main/tickets/", {"service": "A"}, content_type="application/json")
    assert response.status_code == 201
    kiosk = client.post("/b/main/kiosk/", {"service": "A"})
    assert kiosk.status_code == 302
    assert client.post("/b/main/join/", {"service": "A"}).status_code == 302
    assert Ticket.objects.count() == 3
    # No field of a ticket could hold a name, a phone number or an address.
    fields = {field.name for field in Ticket._meta.get_fields()}
    assert not fields & {"name", "phone", "email", "address", "customer", "ip", "user_agent"}


def test_notes_older_than_the_retention_period_are_forgotten_and_ratings_stay(branch, deposits):
    branch.feedback_retention_days = 30
    branch.save()
    rated = feedback_on(deposits, rating=2, note="The queue was slow")
    felt = feedback_on(deposits, note="I was in a hurry", perceived_wait=Feedback.Felt.OVER_30)
    alone = feedback_on(deposits, note="Call me on 555 0100")
    recent = feedback_on(deposits, now=WRITTEN + datetime.timedelta(days=20), note="Kind teller")
    with time_machine.travel(WRITTEN + datetime.timedelta(days=30, seconds=1), tick=False):
        assert forget_old_feedback() == {"main": 3}
    rated.refresh_from_db()
    felt.refresh_from_db()
    recent.refresh_from_db()
    assert (rated.note, rated.rating) == ("", 2)
    assert (felt.note, felt.perceived_wait) == ("", Feedback.Felt.OVER_30)
    assert not Feedback.objects.filter(pk=alone.pk).exists()  # the note was all of it
    assert recent.note == "Kind teller"
    entry = Operation.objects.get(kind="feedback_forget")
    assert entry.branch == branch and entry.by is None and "3 notes older than 30 days" in entry.summary


def test_nothing_is_forgotten_before_the_period_ends(branch, deposits):
    feedback = feedback_on(deposits, rating=4, note="fine")
    with time_machine.travel(WRITTEN + datetime.timedelta(days=179), tick=False):
        assert forget_old_feedback() == {"main": 0}
    feedback.refresh_from_db()
    assert feedback.note == "fine" and not Operation.objects.filter(kind="feedback_forget").exists()


def test_each_branch_keeps_notes_for_its_own_period(branch, other_branch, deposits):
    from tickets.models import Service

    harbour = Service.objects.create(branch=other_branch, name="Harbour deposits", code="A")
    other_branch.feedback_retention_days = 7
    other_branch.save()
    feedback_on(deposits, rating=3, note="main's note")
    feedback_on(harbour, rating=3, note="harbour's note")
    with time_machine.travel(WRITTEN + datetime.timedelta(days=8), tick=False):
        assert forget_old_feedback() == {"main": 0, "harbour": 1}


def test_the_command_forgets_old_notes_for_cron(branch, deposits, capsys):
    feedback_on(deposits, rating=3, note="old words")
    with time_machine.travel(WRITTEN + datetime.timedelta(days=181), tick=False):
        call_command("forget_old_feedback")
    assert "main: 1 note forgotten" in capsys.readouterr().out
    assert Feedback.objects.get().note == ""


def test_the_default_retention_is_180_days(branch):
    assert branch.feedback_retention_days == 180


def test_a_manager_exports_one_tickets_feedback_on_request(client, branch, deposits, manager):
    feedback = feedback_on(deposits, rating=1, note="Très lent", perceived_wait=Feedback.Felt.OVER_30)
    client.force_login(manager)
    response = client.get(f"/b/main/stats/notes/{feedback.pk}/export.json")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert "attachment" in response["Content-Disposition"]
    record = json.loads(response.content)
    assert record["ticket"] == "A001" and record["note"] == "Très lent" and record["rating"] == 1
    assert record["perceived_wait"] == "over_30_min"
    entry = Operation.objects.get(kind="feedback_export")
    assert entry.by == manager and entry.ticket_number == "A001" and entry.branch == branch


def test_a_manager_deletes_one_tickets_feedback_on_request(client, branch, deposits, manager):
    feedback = feedback_on(deposits, rating=1, note="Please forget me")
    kept = feedback_on(deposits, rating=5, note="Keep this one")
    client.force_login(manager)
    response = client.post(f"/b/main/stats/notes/{feedback.pk}/delete/")
    assert response.status_code == 302
    assert list(Feedback.objects.all()) == [kept]
    entry = Operation.objects.get(kind="feedback_delete")
    assert entry.by == manager and entry.ticket_number == "A001"
    assert "Please forget me" not in entry.summary


def test_the_dashboard_offers_export_and_delete_beside_each_note(client, deposits, manager):
    feedback = actions.record_feedback(walked_out(deposits), rating=3, note="ok")
    client.force_login(manager)
    page = client.get("/b/main/stats/").content.decode()
    assert f"/b/main/stats/notes/{feedback.pk}/export.json" in page
    assert f"/b/main/stats/notes/{feedback.pk}/delete/" in page


@pytest.mark.parametrize("method, path", [("get", "export.json"), ("post", "delete/")])
def test_another_branchs_manager_can_neither_export_nor_delete(client, deposits, other_manager, teller, method, path):
    feedback = feedback_on(deposits, rating=1, note="mine")
    for user, status in [(other_manager, 403), (teller, 403)]:
        client.force_login(user)
        assert getattr(client, method)(f"/b/main/stats/notes/{feedback.pk}/{path}").status_code == status
    assert Feedback.objects.get().note == "mine"
    assert not Operation.objects.filter(kind__in=["feedback_export", "feedback_delete"]).exists()

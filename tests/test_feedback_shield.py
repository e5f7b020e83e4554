"""Issue 16, item 7: notes that insult a teller are held back from tellers and shown to managers, marked."""

import pytest

from tickets import actions, errors, shield, stats
from tickets.models import Feedback, NoteWord

from .care_floor import at, clock, serve, words  # noqa: F401 - fixtures
from .conftest import make_user
from tickets.models import StaffMembership

pytestmark = pytest.mark.usefixtures("clock", "words")


@pytest.mark.parametrize("note", [
    "You are an IDIOT.", "stupid queue and stupid staff", "Que atendimento, seu idiota!", "estupido",
    "ESTÚPIDA", "Ang tanga mo", "putang ina naman", "shut   up and work",
])
def test_insulting_words_are_found_whatever_the_case_accents_and_spacing(note):
    assert shield.check_note(note) == (True, False)


@pytest.mark.parametrize("note", ["A classy branch, quick too", "Scunthorpe is far", "the wait was long", ""])
def test_only_whole_words_count(note):
    assert shield.check_note(note) == (False, False)


@pytest.mark.parametrize("note", ["Thank you so much!", "Muito obrigada pela ajuda", "Maraming salamat po", "thanks"])
def test_thanks_are_found_in_each_language(note):
    assert shield.check_note(note) == (False, True)


def test_the_default_lists_hold_english_filipino_and_portuguese_and_come_back_once(db):
    languages = set(NoteWord.objects.values_list("language", flat=True))
    assert {"en", "fil", "pt"} <= languages
    count = NoteWord.objects.count()
    shield.add_default_words()
    assert NoteWord.objects.count() == count


def test_a_word_a_manager_adds_holds_back_the_next_note(deposits, counter):
    NoteWord.objects.create(language="en", kind=NoteWord.Kind.INSULT, word="snail")
    ticket = serve(counter, deposits, arrive=0, wait=2, service_minutes=3)
    assert actions.record_feedback(ticket, note="Slow as a snail", now=at(6)).held_back


def test_an_insulting_note_is_held_back_and_its_rating_still_counts(branch, deposits, counter):
    rude = serve(counter, deposits, arrive=0, wait=2, service_minutes=3)
    kind = serve(counter, deposits, arrive=10, wait=2, service_minutes=3)
    assert actions.record_feedback(rude, rating=1, note="useless idiot", now=at(20)).held_back
    assert not actions.record_feedback(kind, rating=5, note="quick", now=at(20)).held_back
    assert stats.feedback_summary(branch, at(0).date(), at(0).date())["average_rating"] == 3


def test_the_manager_sees_a_held_back_note_marked_as_such(client, clock, manager, deposits, counter):
    ticket = serve(counter, deposits, arrive=0, wait=2, service_minutes=3)
    actions.record_feedback(ticket, rating=1, note="You lazy clowns", now=at(6))
    clock.move_to(at(30))
    client.force_login(manager)
    page = client.get("/b/main/stats/").content.decode()
    assert "Held back from the teller: insulting words" in page and "You lazy clowns" in page


def test_a_manager_flags_a_note_and_it_is_held_back_marked_with_their_name(client, clock, manager, teller, deposits, counter):
    ticket = serve(counter, deposits, arrive=0, wait=2, service_minutes=3, by=teller)
    feedback = actions.record_feedback(ticket, rating=5, note="Thanks, though you could smile", now=at(6))
    clock.move_to(at(30))
    client.force_login(manager)
    response = client.post(f"/b/main/stats/notes/{feedback.pk}/hold-back/", {"hold": "1", "next": "/b/main/stats/"})
    assert response.status_code == 302 and response["Location"] == "/b/main/stats/"
    feedback.refresh_from_db()
    assert feedback.held_back and feedback.flagged_by == manager and feedback.flagged_at == at(30)
    assert "Held back from the teller by manager" in client.get("/b/main/stats/").content.decode()
    # The teller no longer reads it, but the five faces still thank them.
    client.force_login(teller)
    console = client.get(f"/staff/counters/{counter.pk}/").content.decode()
    assert "1 customer thanked you today" in console and "could smile" not in console


def test_a_manager_lets_a_note_the_words_held_back_through(client, clock, manager, teller, deposits, counter):
    ticket = serve(counter, deposits, arrive=0, wait=2, service_minutes=3, by=teller)
    feedback = actions.record_feedback(ticket, rating=5, note="Thank you, the stupid form was the only problem", now=at(6))
    assert feedback.held_back
    clock.move_to(at(30))
    client.force_login(manager)
    client.post(f"/b/main/stats/notes/{feedback.pk}/hold-back/", {"hold": "0"})
    feedback.refresh_from_db()
    assert not feedback.held_back and feedback.flagged_by == manager
    client.force_login(teller)
    assert "the stupid form was the only problem" in client.get(f"/staff/counters/{counter.pk}/").content.decode()


def test_only_managers_of_the_branch_flag_its_notes(client, teller, other_manager, deposits, counter):
    ticket = serve(counter, deposits, arrive=0, wait=2, service_minutes=3)
    feedback = actions.record_feedback(ticket, rating=2, note="meh", now=at(6))
    for user in (teller, other_manager):
        client.force_login(user)
        assert client.post(f"/b/main/stats/notes/{feedback.pk}/hold-back/", {"hold": "1"}).status_code == 403
    feedback.refresh_from_db()
    assert not feedback.held_back and feedback.flagged_by is None


def test_a_feedback_without_a_note_has_nothing_to_hold_back(manager, deposits, counter):
    ticket = serve(counter, deposits, arrive=0, wait=2, service_minutes=3)
    feedback = actions.record_feedback(ticket, rating=2, now=at(6))
    with pytest.raises(errors.InvalidFeedback):
        actions.hold_back_note(feedback, by=manager)
    feedback.refresh_from_db()
    assert not feedback.held_back


def test_managers_edit_the_word_lists_in_the_admin_and_tellers_do_not(client, branch):
    manager = make_user("admin-manager", branch, StaffMembership.Role.MANAGER, is_staff=True)
    teller = make_user("admin-teller", branch, is_staff=True)
    client.force_login(manager)
    add = client.post("/admin/tickets/noteword/add/", {"language": "pt", "kind": "insult", "word": "lesma"})
    assert add.status_code == 302 and NoteWord.objects.filter(word="lesma").exists()
    client.force_login(teller)
    assert client.get("/admin/tickets/noteword/").status_code == 403
    assert client.post("/admin/tickets/noteword/add/", {"language": "pt", "kind": "insult", "word": "x"}).status_code == 403


def test_the_tickets_csv_says_which_notes_are_held_back(client, clock, manager, deposits, counter):
    ticket = serve(counter, deposits, arrive=0, wait=2, service_minutes=3)
    actions.record_feedback(ticket, rating=1, note="idiots", perceived_wait=Feedback.Felt.OVER_30, now=at(6))
    clock.move_to(at(30))
    client.force_login(manager)
    lines = b"".join(client.get("/b/main/stats/tickets.csv").streaming_content).decode("utf-8-sig").splitlines()
    header, row = lines[0].split(","), lines[1].split(",")
    assert row[header.index("note_held_back")] == "True" and row[header.index("perceived_wait")] == "over_30_min"

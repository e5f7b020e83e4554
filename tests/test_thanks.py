"""Issue 16, item 8: a note that thanks, and every five-face rating, reach the console of the teller who
served that customer, and are summed per teller for the manager."""

import pytest

from tickets import actions, care

from .care_floor import at, clock, serve, words  # noqa: F401 - fixtures

pytestmark = pytest.mark.usefixtures("clock", "words")


@pytest.fixture
def day(clock, deposits, loans, counter, counter2, teller, colleague):
    """The teller's customers thank them three times (two notes, one five faces alone); others do not."""
    mine = [serve(counter, deposits, arrive=m, wait=1, service_minutes=2, by=teller) for m in (0, 10, 20, 30, 40, 50)]
    theirs = serve(counter2, loans, arrive=0, wait=1, service_minutes=2, by=colleague)
    actions.record_feedback(mine[0], rating=4, note="Thank you, Ana, very clear", now=at(60))
    actions.record_feedback(mine[1], note="Muito obrigado!", now=at(61))
    actions.record_feedback(mine[2], rating=5, now=at(62))
    actions.record_feedback(mine[3], rating=1, note="Thanks for nothing", now=at(63))  # not a thank-you
    actions.record_feedback(mine[4], rating=3, note="The wait was long", now=at(64))
    actions.record_feedback(theirs, rating=5, note="Thanks a lot", now=at(65))
    return mine


def console(client, user, counter):
    client.force_login(user)
    return client.get(f"/staff/counters/{counter.pk}/").content.decode()


def test_thanks_reach_the_console_of_the_teller_who_served(client, clock, day, teller, counter):
    clock.move_to(at(70))
    page = console(client, teller, counter)
    assert "3 customers thanked you today" in page
    assert "Thank you, Ana, very clear" in page and "Muito obrigado!" in page
    assert "Thanks for nothing" not in page and "The wait was long" not in page
    assert "Thanks a lot" not in page  # the colleague's customer


def test_a_colleague_sees_only_their_own_thanks(client, clock, day, colleague, counter2):
    clock.move_to(at(70))
    page = console(client, colleague, counter2)
    assert "1 customer thanked you today" in page and "Thanks a lot" in page and "Ana" not in page


def test_a_held_back_note_never_shows_though_its_five_faces_count(client, clock, teller, deposits, counter):
    ticket = serve(counter, deposits, arrive=0, wait=1, service_minutes=2, by=teller)
    actions.record_feedback(ticket, rating=5, note="Thank you, but your manager is an idiot", now=at(5))
    clock.move_to(at(10))
    page = console(client, teller, counter)
    assert "1 customer thanked you today" in page and "idiot" not in page


def test_yesterdays_thanks_are_not_todays(client, clock, teller, deposits, counter):
    ticket = serve(counter, deposits, arrive=0, wait=1, service_minutes=2, by=teller)
    actions.record_feedback(ticket, rating=5, note="Thanks!", now=at(5))
    clock.move_to(at(24 * 60))
    assert "thanked you" not in console(client, teller, counter)


def test_thanks_today_counts_per_teller(day, branch, teller, colleague):
    mine, theirs = care.thanks_today(teller, branch, at(70)), care.thanks_today(colleague, branch, at(70))
    assert mine["count"] == 3 and [f.note for f in mine["notes"]] == ["Muito obrigado!", "Thank you, Ana, very clear"]
    assert theirs["count"] == 1


def test_thanks_are_summed_per_teller_for_the_manager(client, clock, day, manager):
    clock.move_to(at(70))
    client.force_login(manager)
    by_teller = {row["staff"]: row for row in client.get("/api/v1/branches/main/stats/").json()["by_teller"]}
    assert by_teller["teller"]["thanks"] == 3 and by_teller["teller"]["five_faces"] == 1
    assert by_teller["colleague"]["thanks"] == 1 and by_teller["colleague"]["five_faces"] == 1
    page = client.get("/b/main/stats/").content.decode()
    assert "the customers who thanked them" in page

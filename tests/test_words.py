"""One vocabulary: the templates' filters and the words given to the pages' scripts are tickets/words.py."""

import json
import re

from tickets import words
from tickets.templatetags import frontline


def test_durations_are_said_with_the_words_of_the_vocabulary(monkeypatch):
    assert [frontline.minutes(s) for s in (None, 30, 720, 3900)] == ["–", "under 1 min", "12 min", "1 h 05 min"]
    assert [frontline.about(s) for s in (None, 30, 720)] == ["–", "under 1 min", "about 12 min"]
    # Half a minute up, as the scripts' Math.round says it.
    assert [frontline.minutes(s) for s in (150, 89, 90)] == ["3 min", "1 min", "2 min"]
    monkeypatch.setitem(words.WORDS, "minutes", "{minutes} Min.")
    monkeypatch.setitem(words.WORDS, "about", "etwa {duration}")
    assert (frontline.minutes(720), frontline.about(720)) == ("12 Min.", "etwa 12 Min.")


def test_a_range_is_said_as_people_say_it():
    assert [words.span(r) for r in (None, [0, 0], [0, 60], [0, 180], [480, 840], [3000, 4200])] == [
        "–", "under 1 min", "under 1 min", "up to 3 min", "8-14 min", "50 min to 1 h 10 min"]


def test_the_queue_moved_by_the_calls_of_the_last_ten_minutes():
    import datetime as dt

    now = dt.datetime(2026, 6, 10, 11, 0, tzinfo=dt.UTC)
    t = now.timestamp()
    assert words.moved([], now) == "Nobody called in the last 10 minutes"
    assert words.moved([t - 601, t - 60], now) == "1 person called in the last 10 minutes"
    assert words.moved([t - 599, t - 60, t], now) == "3 people called in the last 10 minutes"


def test_every_page_gives_its_scripts_the_same_vocabulary(client, branch):
    page = client.get("/b/main/display/").content.decode()
    given = re.search(r'<script id="words" type="application/json">(.*?)</script>', page).group(1)
    assert json.loads(given) == json.loads(json.dumps(words.words_for(["en"]), default=str))
    assert json.loads(given)["en"]["now_calling"] == "Now calling"


def test_a_phrase_with_a_count_gives_the_script_each_form_and_which_count_takes_it():
    told = words.WORDS["behind"].for_script()
    # The forms as the counts meet them: English says "0 people", "1 person", "2 people".
    assert told["forms"] == ["{n} people behind you", "{n} person behind you"]
    assert told["of"][:3] == "010" and len(told["of"]) == words.Plural.TOLD
    assert words.behind(1) == "1 person behind you" and words.behind(2) == "2 people behind you"


def test_a_waiting_ticket_is_marked_transferred_before_priority():
    row = {"transferred": True, "priority": True}
    assert frontline.mark(row) == words.WORDS["transferred"]
    assert frontline.mark({"transferred": False, "priority": True}) == words.WORDS["priority"]
    assert frontline.mark(None) == ""

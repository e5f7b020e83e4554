"""What the lobby shows in its largest type: the call in effect, a recall included, never a ticket that has ended."""

import pytest

from tickets import actions
from tickets.state import branch_state

pytestmark = pytest.mark.django_db


def calling(branch):
    now = branch_state(branch)["calling"]
    return now and (now["number"], now["counter"], now["recall"])


def test_nobody_called_yet_today_is_said_as_such(branch, deposits, counter):
    actions.issue_ticket(deposits)
    assert calling(branch) is None


def test_the_latest_call_is_shown_until_a_recall_makes_an_earlier_one_the_latest(branch, deposits, counter, counter2):
    for _ in range(2):
        actions.issue_ticket(deposits)
    actions.call_next(counter)
    actions.call_next(counter2)
    assert calling(branch) == ("A002", "2", False)
    actions.recall(counter)
    assert calling(branch) == ("A001", "1", True)
    actions.recall(counter2)
    assert calling(branch) == ("A002", "2", True)


@pytest.mark.parametrize("ending", ["served", "no_show", "transferred"])
def test_a_call_that_has_ended_is_no_longer_shown(branch, deposits, loans, counter, counter2, ending):
    for _ in range(2):
        actions.issue_ticket(deposits)
    actions.call_next(counter)
    actions.call_next(counter2)
    actions.recall(counter2)
    {"served": actions.mark_served, "no_show": actions.mark_no_show,
     "transferred": lambda c: actions.transfer(c, loans)}[ending](counter2)
    assert calling(branch) == ("A001", "1", False)
    {"served": actions.mark_served, "no_show": actions.mark_no_show,
     "transferred": lambda c: actions.transfer(c, loans)}[ending](counter)
    assert calling(branch) is None


def test_a_new_call_forgets_the_recall_of_the_tickets_earlier_call(branch, deposits, loans, counter, counter2):
    actions.issue_ticket(deposits)
    actions.call_next(counter)
    actions.recall(counter)
    actions.transfer(counter, loans)
    actions.call_next(counter2)
    assert calling(branch) == ("A001", "2", False)
    assert branch_state(branch)["counters"][1]["serving"]["recall_count"] == 1

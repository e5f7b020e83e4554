"""The manager's dashboard: who sees it, its live part, its exports, and a query count that does not grow."""

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tickets import actions
from tickets.models import Ticket

from .visible import visible_text

DASHBOARD = "/b/main/stats/"
MANAGER_ONLY = [DASHBOARD, "/b/main/stats/tickets.csv", "/b/main/stats/summary.csv"]
UTC = dt.timezone.utc
MORNING = dt.datetime(2026, 6, 10, 8, 0, tzinfo=UTC)  # 09:00 in Lisbon
RANGE = "from=2026-06-10&to=2026-06-10"


def at(minutes):
    return MORNING + dt.timedelta(minutes=minutes)


@pytest.mark.parametrize("path", MANAGER_ONLY)
@pytest.mark.parametrize("who, status", [
    (None, 302), ("teller", 403), ("other_teller", 403), ("other_manager", 403), ("manager", 200), ("superuser", 200),
])
def test_only_managers_of_the_branch_and_superusers_see_the_dashboard_and_its_exports(
    client, branch, path, who, status, request
):
    if who:
        client.force_login(request.getfixturevalue(who))
    response = client.get(path)
    assert response.status_code == status
    if who is None:
        assert response["Location"].startswith("/accounts/login/")


def test_exports_of_another_branch_do_not_leak_into_a_managers_own(client, deposits, other_branch, manager):
    client.force_login(manager)
    assert client.get("/b/harbour/stats/tickets.csv").status_code == 403
    assert client.get("/b/nowhere/stats/tickets.csv").status_code == 404


def read_csv(response):
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    content = b"".join(response.streaming_content)
    assert content.startswith("\ufeff".encode())  # UTF-8 for Excel too
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def test_tickets_csv_has_every_time_and_duration(client, deposits, loans, counter, counter2, teller, manager):
    first = actions.issue_ticket(deposits, now=at(0))
    actions.issue_ticket(deposits, priority=True, now=at(1))
    actions.call_next(counter, by=teller, now=at(3))  # the priority ticket A002 first
    actions.call_next(counter, by=teller, now=at(5))  # A002 served after 2 min; A001 called after 5
    actions.transfer(counter, loans, by=teller, now=at(6))
    actions.call_next(counter2, by=teller, now=at(9))
    actions.mark_served(counter2, by=teller, now=at(13))
    actions.record_feedback(first, rating=2, note="=HYPERLINK(\"http://evil\")", now=at(14))
    client.force_login(manager)
    rows = read_csv(client.get(f"/b/main/stats/tickets.csv?{RANGE}"))
    assert [row["number"] for row in rows] == ["A001", "A002"]
    a001, a002 = rows
    for column in ["number", "service", "status", "priority", "issued_at", "called_at", "finished_at", "wait_seconds",
                   "service_seconds", "quoted_wait_seconds", "counter", "staff", "rating", "note"]:
        assert column in a001, column
    assert (a001["service"], a001["status"], a001["transferred"], a001["counter"], a001["staff"]) == (
        "B", "served", "True", "2", "teller")
    assert (a001["wait_seconds"], a001["service_seconds"], a001["quoted_wait_seconds"]) == ("480", "240", "0")
    assert a001["issued_at"] == "2026-06-10T09:00:00+01:00" and a001["finished_at"] == "2026-06-10T09:13:00+01:00"
    assert a001["rating"] == "2"
    # A note a spreadsheet would run as a formula is kept as text, with everything the customer typed.
    assert a001["note"] == "'=HYPERLINK(\"http://evil\")"
    assert (a002["priority"], a002["wait_seconds"], a002["service_seconds"], a002["rating"]) == ("True", "120", "120", "")


def test_summary_csv_has_the_dashboards_tables(client, deposits, counter, teller, manager):
    actions.issue_ticket(deposits, now=at(0))
    actions.call_next(counter, by=teller, now=at(4))
    actions.mark_served(counter, by=teller, now=at(10))
    client.force_login(manager)
    rows = read_csv(client.get(f"/b/main/stats/summary.csv?{RANGE}"))
    assert [(row["table"], row["key"]) for row in rows] == [
        ("all", ""), ("service", "A"), ("counter", "1"), ("staff", "teller"), ("hour", "9")]
    assert all((row["issued"], row["wait_median_seconds"], row["service_median_seconds"]) == ("1", "240", "360")
               for row in rows)


@pytest.mark.parametrize("path", ["/b/main/stats/tickets.csv", "/b/main/stats/summary.csv"])
def test_exports_refuse_a_bad_range(client, branch, manager, path):
    client.force_login(manager)
    response = client.get(f"{path}?from=2026-06-10&to=2026-06-01")
    assert response.status_code == 400 and b"from must not be after to" in response.content


def test_the_dashboard_shows_figures_charts_presets_and_notes(client, deposits, counter, manager):
    ticket = actions.issue_ticket(deposits, now=at(0))
    actions.call_next(counter, now=at(12))
    actions.mark_served(counter, now=at(20))
    actions.record_feedback(ticket, rating=1, note="so slow!", now=at(21))
    client.force_login(manager)
    page = client.get(f"{DASHBOARD}?{RANGE}").content.decode()
    assert page.count('role="img"') == 4  # waits by hour, arrivals vs served, heatmap, distribution
    assert "<title>09: median 12 min</title>" in page
    assert "Wed 09:00: 1.0 arrivals a day" in page and "(darkest: 1.0 a day)" in page
    for label in ["Today", "Yesterday", "Last 7 days", "Last 30 days"]:
        assert f">{label}</a>" in page
    assert "/b/main/stats/tickets.csv?from=2026-06-10&amp;to=2026-06-10" in page
    assert "so slow!" in page and "12 min" in page


def test_notes_can_be_filtered_by_rating(client, deposits, counter, manager):
    for rating, note in [(1, "too slow"), (5, "lovely staff")]:
        ticket = actions.cancel(actions.issue_ticket(deposits, now=at(0)), now=at(0))
        actions.record_feedback(ticket, rating=rating, note=note, now=at(1))
    client.force_login(manager)
    page = client.get(f"{DASHBOARD}?{RANGE}&rating=1").content.decode()
    assert "too slow" in page and "lovely staff" not in page
    page = client.get(f"{DASHBOARD}?{RANGE}&rating=nonsense").content.decode()
    assert "too slow" in page and "lovely staff" in page


def test_the_now_part_shows_queues_and_counters(client, deposits, counter, teller, manager):
    actions.issue_ticket(deposits)
    actions.issue_ticket(deposits)
    actions.call_next(counter, by=teller)
    client.force_login(manager)
    page = client.get(DASHBOARD).content.decode()
    now = visible_text(page[page.index('<section id="now"'):page.index("</section>")])
    assert "Waiting 1" in now and "Served today 0 of 2 issued" in now
    assert "1 A open A001 under 1 min" in now
    # It redraws from the branch's websocket (dashboard.js), so it has no address of its own to fetch.
    assert 'data-branch="main"' in page and "js/dashboard.js" in page
    assert client.get("/b/main/stats/now/").status_code == 404


def make_history(deposits, counter, teller, count, start):
    """``count`` closed tickets spread over the days before ``start``, written directly for speed."""
    day0 = timezone.localdate(start)
    rows = []
    for i in range(count):
        day = day0 - dt.timedelta(days=1 + i % 60)
        issued = dt.datetime.combine(day, dt.time(9), tzinfo=UTC) + dt.timedelta(minutes=i % 400)
        rows.append(Ticket(
            branch=deposits.branch, service=deposits, number=f"A{i:06d}", day=day, token=f"t{i}", status="served",
            issued_at=issued, queued_at=issued, issued_hour=9 + i % 8, finished_hour=9 + i % 8, counter=counter,
            called_at=issued, first_called_at=issued, finished_at=issued, finished_by=teller,
            wait_seconds=i % 1800, service_seconds=60 + i % 600, quoted_wait=i % 900,
        ))
    Ticket.objects.bulk_create(rows, batch_size=2000)


def test_the_dashboards_query_count_does_not_grow_with_the_tickets(client, deposits, counter, teller, manager):
    now = timezone.now()
    client.force_login(manager)
    ninety_days = f"from={timezone.localdate(now) - dt.timedelta(days=90)}&to={timezone.localdate(now)}"

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"{DASHBOARD}?{ninety_days}").status_code == 200
        return len(captured)

    make_history(deposits, counter, teller, 1_000, now)
    few = queries()
    Ticket.objects.all().delete()
    make_history(deposits, counter, teller, 20_000, now)
    assert Ticket.objects.count() == 20_000
    assert queries() == few


def test_tickets_left_unfinished_are_shown_not_hidden(client, deposits, manager):
    # A ticket nobody called before the branch closed: issued, never served, not a walk-out either.
    actions.issue_ticket(deposits, now=at(0))
    client.force_login(manager)
    page = client.get(f"{DASHBOARD}?{RANGE}").content.decode()
    assert "Not finished" in page and "never closed" in page


def test_counter_and_staff_tables_count_customers_not_issues_or_walk_outs(client, deposits, counter, manager):
    actions.issue_ticket(deposits, now=at(0))
    actions.call_next(counter, now=at(1))
    client.force_login(manager)
    page = client.get(f"{DASHBOARD}?{RANGE}").content.decode()

    def table(caption):
        start = page.index(f"<caption>{caption}</caption>")
        return page[start:page.index("</table>", start)]

    for caption in ["By counter", "By staff member"]:
        assert "Customers" in table(caption) and "Walked out" not in table(caption) and "Issued" not in table(caption)
    assert "Issued" in table("By service") and "Walked out" in table("By service")

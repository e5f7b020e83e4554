"""The manager's dashboard: who sees it, its live part, its exports, and a query count that does not grow."""

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tickets import actions, predictors
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
    assert "1 A teller open A001 under 1 min" in now  # the teller signed in at counter 1
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


def test_the_dashboards_query_count_is_the_same_for_any_range(client, deposits, counter, teller, manager):
    make_history(deposits, counter, teller, 2_000, timezone.now())
    client.force_login(manager)
    today = timezone.localdate()
    counts = []
    for days in (1, 7, 90, 366):
        predictors.forget()
        with CaptureQueriesContext(connection) as captured:
            path = f"{DASHBOARD}?from={today - dt.timedelta(days=days - 1)}&to={today}"
            assert client.get(path).status_code == 200
        counts.append(len(captured))
    assert len(set(counts)) == 1, counts


def test_the_dashboards_query_count_does_not_grow_with_the_tickets(client, deposits, counter, teller, manager):
    now = timezone.now()
    client.force_login(manager)
    ninety_days = f"from={timezone.localdate(now) - dt.timedelta(days=90)}&to={timezone.localdate(now)}"

    def queries():
        predictors.forget()  # each reading grades the predictors afresh, as a process does every few minutes
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
    # A ticket nobody called before the branch closed: issued, never served, not cancelled either.
    actions.issue_ticket(deposits, now=at(0))
    client.force_login(manager)
    page = client.get(f"{DASHBOARD}?{RANGE}").content.decode()
    assert "Not finished" in page and "never closed" in page


def test_counter_and_staff_tables_count_customers_not_issues_or_cancellations(client, deposits, counter, manager):
    actions.issue_ticket(deposits, now=at(0))
    actions.call_next(counter, now=at(1))
    client.force_login(manager)
    page = client.get(f"{DASHBOARD}?{RANGE}").content.decode()

    def table(caption):
        start = page.index(f"<caption>{caption}</caption>")
        return page[start:page.index("</table>", start)]

    for caption in ["By counter", "By staff member"]:
        assert "Customers" in table(caption) and "Cancelled" not in table(caption) and "Issued" not in table(caption)
    assert "Issued" in table("By service") and "Cancelled" in table("By service")


def tiles(page):
    start = page.index('<section aria-labelledby="range-title">')
    return visible_text(page[start:page.index('<div class="charts">', start)])


def test_each_figure_stands_beside_the_previous_period_of_the_same_length(client, deposits, counter, manager):
    def visit(day, minute, wait):
        issued = dt.datetime(2026, 6, day, 8, 0, tzinfo=UTC) + dt.timedelta(minutes=minute)
        actions.issue_ticket(deposits, now=issued)
        actions.call_next(counter, now=issued + dt.timedelta(minutes=wait))
        actions.mark_served(counter, now=issued + dt.timedelta(minutes=wait + 5))

    visit(7, 0, 4)  # the three days before 8-10 June
    visit(10, 0, 6)
    visit(10, 30, 6)
    visit(4, 0, 30)  # before those: in no compared period
    client.force_login(manager)
    shown = tiles(client.get(f"{DASHBOARD}?from=2026-06-08&to=2026-06-10").content.decode())
    assert "the 3 days before, 5 June to 7 June 2026" in shown
    assert "Issued 2 was 1" in shown and "Median wait 6 min was 4 min" in shown
    assert "Service level 100% served within target was 100%" in shown
    one_day = tiles(client.get(f"{DASHBOARD}?{RANGE}").content.decode())
    assert "the day before, Tuesday 9 June" in one_day and "Issued 2 was 0" in one_day
    assert "Median wait 6 min was –" in one_day


def test_tables_name_services_and_staff_as_people_do(client, deposits, counter, teller, manager):
    teller.first_name, teller.last_name = "Ana", "Silva"
    teller.save()
    ticket = actions.issue_ticket(deposits, now=at(0))
    actions.call_next(counter, by=teller, now=at(2))
    actions.mark_served(counter, by=teller, now=at(5))
    actions.record_feedback(ticket, rating=4, note="quick", now=at(6))
    client.force_login(manager)
    page = client.get(f"{DASHBOARD}?{RANGE}").content.decode()
    for caption in ["By service", "By staff member"]:
        start = page.index(f"<caption>{caption}</caption>")
        first_row = visible_text(page[page.index("<tbody>", start):page.index("</tr>", page.index("<tbody>", start))])
        assert first_row.startswith({"By service": "Deposits", "By staff member": "Ana Silva"}[caption]), first_row
    notes = visible_text(page[page.index('<table class="figures notes">'):])
    assert "A001 10 Jun Deposits 1 Ana Silva" in notes
    rows = read_csv(client.get(f"/b/main/stats/summary.csv?{RANGE}"))
    assert [(row["table"], row["key"], row["name"]) for row in rows if row["table"] in ("service", "staff")] == [
        ("service", "A", "Deposits"), ("staff", "teller", "Ana Silva")]


def test_each_outcome_has_one_name_on_the_dashboard_and_in_the_csv(client, deposits, counter, manager):
    from tickets import words

    actions.cancel(actions.issue_ticket(deposits, now=at(0)), now=at(1))
    client.force_login(manager)
    page = client.get(f"{DASHBOARD}?{RANGE}").content.decode()
    assert "alked out" not in page and "alk-out" not in page
    assert words.WORDS["outcome"]["cancelled"] == "cancelled" and "Cancelled today" in page
    assert "Cancelled 1 left before being called" in tiles(page)
    (row,) = read_csv(client.get(f"/b/main/stats/tickets.csv?{RANGE}"))
    assert row["status"] == "cancelled"  # the API's value, which the people's word matches
    summary = read_csv(client.get(f"/b/main/stats/summary.csv?{RANGE}"))
    assert "cancelled" in summary[0] and summary[0]["cancelled"] == "1"


def test_csv_times_are_the_branchs_to_the_second_and_shares_are_short(client, deposits, counter, teller, manager):
    odd = MORNING + dt.timedelta(seconds=0.654321)
    for minute, wait in [(0, 4), (1, 30), (2, 31)]:  # one of three within the target
        issued = odd + dt.timedelta(minutes=minute)
        actions.issue_ticket(deposits, now=issued)
        actions.call_next(counter, by=teller, now=issued + dt.timedelta(minutes=wait, seconds=0.25))
        actions.mark_served(counter, by=teller, now=issued + dt.timedelta(minutes=wait + 1, seconds=0.5))
    client.force_login(manager)
    first = read_csv(client.get(f"/b/main/stats/tickets.csv?{RANGE}"))[0]
    assert first["issued_at"] == "2026-06-10T09:00:00+01:00"  # Lisbon's summer time, no fraction of a second
    assert first["called_at"] == "2026-06-10T09:04:00+01:00" and first["finished_at"] == "2026-06-10T09:05:01+01:00"
    assert first["wait_seconds"] == "240" and first["service_seconds"] == "60"
    overall = read_csv(client.get(f"/b/main/stats/summary.csv?{RANGE}"))[0]
    assert overall["service_level"] == "0.3333"


def test_the_counters_table_names_the_teller_at_each_counter(client, branch, deposits, counter, teller, manager):
    from tickets.models import Counter

    teller.first_name, teller.last_name = "Ana", "Silva"
    teller.save()
    empty = Counter.objects.create(branch=branch, name="3", status=Counter.Status.OPEN)
    empty.services.set([deposits])
    client.force_login(manager)
    page = client.get(DASHBOARD).content.decode()
    rows = visible_text(page[page.index('<tbody id="now-counters">'):page.index("</tbody>", page.index("now-counters"))])
    assert "1 A Ana Silva open" in rows and "3 A nobody signed in open" in rows
    # The names reach the page's script beside the state, which itself never names anyone.
    assert f'{{"{counter.pk}": "Ana Silva"}}' in page


def test_the_first_paint_shows_the_alerts_of_the_branch_now(client, branch, deposits, counter, teller, manager):
    from tickets.models import Counter

    actions.issue_ticket(deposits, now=timezone.now() - dt.timedelta(minutes=12))
    empty = Counter.objects.create(branch=branch, name="3", status=Counter.Status.OPEN)
    empty.services.set([deposits])
    client.force_login(manager)
    page = client.get(DASHBOARD).content.decode()
    shown = visible_text(page[page.index('<ul class="alerts"'):page.index("</ul>", page.index('<ul class="alerts"'))])
    assert shown == ("Deposits: the longest wait is 12 min, over the 10 min target "
                     "Deposits: 1 waiting while counter 1 stands idle Counter 3 is open with nobody signed in")
    assert page.index('<ul class="alerts"') < page.index('<h2 id="now-title">')
    assert '<tr class="over-target"><th scope="row" data-slot="name">Deposits</th>' in page

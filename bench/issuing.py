"""Kiosks issuing tickets all at once: 20 concurrent clients for 20 seconds.

    .venv/bin/python bench/issuing.py [--kiosks 20] [--seconds 20] [--tiny]

Each kiosk is a thread with its own keep-alive HTTP connection, taking tickets one after another through
``POST /api/v1/branches/<slug>/tickets/`` (the three services in turn). Afterwards the database is asked
for duplicates (the same service and number twice on one day). The baseline is ``GET /healthz`` on the
same server from the same 20 clients: what the server and this client manage with no work behind the answer.
"""

import http.client
import json
import threading
import time
import urllib.request

import liveharness as h


def hammer(run, kiosks, seconds, request):
    """``kiosks`` threads sending ``request(i, n)`` until ``seconds`` pass.

    Returns (latencies, statuses, wall seconds, when each success ended counted from the start)."""
    latencies, statuses, finished, lock = [], {}, [], threading.Lock()
    start = threading.Barrier(kiosks + 1)
    deadline = [0.0]

    def kiosk(i):
        server = run.server(i)
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        mine, seen, ends, n = [], {}, [], 0
        start.wait()
        while time.perf_counter() < deadline[0]:
            method, path, body = request(i, n)
            n += 1
            sent = time.perf_counter()
            try:
                headers = {"Content-Type": "application/json"} if body is not None else {}
                connection.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                status = "error"
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
            mine.append(time.perf_counter() - sent)
            seen[status] = seen.get(status, 0) + 1
            if status in (200, 201):
                ends.append(time.perf_counter() - began)
        connection.close()
        with lock:
            latencies.extend(mine)
            finished.extend(ends)
            for status, count in seen.items():
                statuses[status] = statuses.get(status, 0) + count

    threads = [threading.Thread(target=kiosk, args=(i,), daemon=True) for i in range(kiosks)]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    deadline[0] = began + seconds
    start.wait()
    for thread in threads:
        thread.join(seconds + 60)
    return latencies, statuses, time.perf_counter() - began, finished


def duplicates():
    from django.db.models import Count

    from tickets.models import Ticket

    return (Ticket.objects.values("branch_id", "service_id", "day", "number").annotate(n=Count("id"))
            .filter(n__gt=1).count())


def main(args):
    with h.LiveRun(args) as run:
        setup = run.make_branch("kiosks", "ABC", {})
        warm = run.make_branch("warm-up", "A", {})
        run.start()
        for i in range(3 * len(run.servers)):  # a few tickets elsewhere first: nothing measured pays for warming up
            urllib.request.urlopen(urllib.request.Request(
                run.server(i).url + f"/api/v1/branches/{warm.slug}/tickets/", data=b'{"service": "A"}',
                headers={"Content-Type": "application/json"}, method="POST"), timeout=30).read()
        table = h.Table(f"issuing ({run.mode})")
        codes = "ABC"
        h.say(f"issuing: {args.kiosks} kiosks for {args.seconds} s")
        ticket_times, ticket_statuses, ticket_wall, ticket_ends = hammer(
            run, args.kiosks, args.seconds,
            lambda i, n: ("POST", f"/api/v1/branches/{setup.slug}/tickets/", {"service": codes[(i + n) % 3]}))
        run.check_alive()
        h.say(f"issuing: /healthz from {args.kiosks} clients for {args.seconds} s")
        health_times, health_statuses, health_wall, health_ends = hammer(run, args.kiosks, args.seconds,
                                                            lambda i, n: ("GET", "/healthz", None))
        run.check_alive()
        from tickets.models import Ticket

        issued = ticket_statuses.get(201, 0)
        in_db = Ticket.objects.filter(branch__slug=setup.slug).count()
        dups = duplicates()
        per_s, health_per_s = issued / ticket_wall, health_statuses.get(200, 0) / health_wall
        scenario = f"issuing, {args.kiosks} kiosks, {args.seconds:g} s"
        table.add(scenario, "tickets/s (baseline: /healthz requests/s)", f"{per_s:,.1f}", f"{health_per_s:,.1f}",
                  h.ratio(per_s, health_per_s), ">= 0.5x healthz", per_s >= 0.5 * health_per_s)
        table.add(scenario, "latency p50 / p99 (ms)",
                  f"{h.ms(h.pct(ticket_times, 50))} / {h.ms(h.pct(ticket_times, 99))}",
                  f"{h.ms(h.pct(health_times, 50))} / {h.ms(h.pct(health_times, 99))}",
                  h.ratio(h.pct(ticket_times, 99), h.pct(health_times, 99)), "p99 < 500 ms",
                  bool(ticket_times) and h.pct(ticket_times, 99) < 0.5)
        # Every ticket stays waiting, and every issue tells the screens the branch's whole queue: does the
        # rate fall as the queue grows?
        fifth = args.seconds / 5
        first = sum(1 for t in ticket_ends if t <= fifth) / fifth
        last = sum(1 for t in ticket_ends if args.seconds - fifth < t <= args.seconds) / fifth
        table.add(scenario, f"tickets/s in the first / last {fifth:g} s (queue growing to {in_db:,})",
                  f"{first:,.1f} / {last:,.1f}", "", h.ratio(last, first))
        others = {k: v for k, v in ticket_statuses.items() if k != 201}
        table.add(scenario, "answers other than 201", ", ".join(f"{k}: {v}" for k, v in others.items()) or "0",
                  ", ".join(f"{k}: {v}" for k, v in health_statuses.items() if k != 200) or "0")
        table.add(scenario, "tickets in the database / 201 answers", f"{in_db:,} / {issued:,}")
        table.add(scenario, "duplicate numbers (same service, day, number)", str(dups), "", "", "0", dups == 0)
        table.print()


if __name__ == "__main__":
    p = h.parser(__doc__)
    p.add_argument("--kiosks", type=int, default=20)
    p.add_argument("--seconds", type=float, default=20.0)
    a = p.parse_args()
    if a.tiny:
        a.kiosks, a.seconds = 3, 1.0
    started = time.perf_counter()
    main(a)
    h.say(f"issuing took {time.perf_counter() - started:.0f} s")

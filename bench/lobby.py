"""One busy lobby: 4 displays, 2 consoles and N phones on one branch, a call every second.

    .venv/bin/python bench/lobby.py [--phones 60 300] [--calls 30] [--tiny]

For each N: the branch has three services (counters A, A, B, C, called in turn) and enough waiting tickets
that the N phones (following the tickets issued last, so each moves at every call of its service) never
run out. It reports the server's CPU per call, display latency (call sent -> the display heard ``called``
with that number), phone latency (call sent -> the phone shows its new place) and the share delivered,
beside a baseline: the same calls on an identical branch with no screen connected (sent four a second:
a call's CPU does not depend on the pace when nobody listens).
"""

import asyncio
import time

import liveharness as h

COUNTERS = "AABC"


def phones_per_service(n):
    return {"A": n - 2 * (n // 4), "B": n // 4, "C": n // 4}


def calls_per_service(calls):
    per = {code: 0 for code in set(COUNTERS)}
    for i in range(calls):
        per[COUNTERS[i % len(COUNTERS)]] += 1
    return per


def make(run, slug, n, calls):
    phones, served = phones_per_service(n), calls_per_service(calls)
    return run.make_branch(slug, COUNTERS, {code: served[code] + phones[code] + 3 for code in served})


async def baseline(run, setup, calls, interval):
    caller = h.Caller(run, setup)
    before = run.cpu_seconds()
    await h.paced(calls, interval, lambda i: caller.call())
    cpu = run.cpu_seconds() - before
    return cpu / max(1, len(caller.ok())), caller


async def with_screens(run, setup, n, calls, interval, grace):
    displays = h.branch_screens(run, setup.slug, 4)
    consoles = h.branch_screens(run, setup.slug, 2, first=4)
    followers = [t for code, k in phones_per_service(n).items() for t in setup.last_tickets(code, k)]
    phone_list = h.phones(run, followers)
    screens = displays + consoles + phone_list
    try:
        connected = await h.open_all(screens)
        h.say(f"lobby {n}: {connected} of {len(screens)} sockets open")
        await asyncio.sleep(1)
        caller = h.Caller(run, setup)
        before = run.cpu_seconds()
        await h.paced(calls, interval, lambda i: caller.call())
        queue = setup.queue()

        def delivered():
            d = h.display_latencies(caller.calls, displays + consoles)
            p = h.phone_latencies(caller.calls, phone_list, queue)
            return len(d[0]) == d[1] and len(p[0]) == p[1]

        await h.settle(delivered, grace)
        cpu = run.cpu_seconds() - before
        shown, expected_d = h.display_latencies(caller.calls, displays + consoles)
        moved, expected_p = h.phone_latencies(caller.calls, phone_list, queue)
        return {"cpu": cpu / max(1, len(caller.ok())), "display": shown, "phone": moved,
                "delivered": len(shown) + len(moved), "expected": expected_d + expected_p,
                "calls": caller, "size": max((s for d in displays for s in d.called_size), default=0)}
    finally:
        await h.close_all(screens)


async def main(args):
    with h.LiveRun(args) as run:
        setups = {}
        for n in args.phones:
            setups[n] = (make(run, f"base{n}", n, args.calls), make(run, f"lobby{n}", n, args.calls))
        run.start()
        table = h.Table(f"lobby ({run.mode})")
        targets = {60: (1.5, 25), 300: (3, 80)}
        for n in args.phones:
            base_setup, setup = setups[n]
            h.say(f"lobby {n}: baseline, {args.calls} calls with no screen")
            base_cpu, base_calls = await baseline(run, base_setup, args.calls, args.interval / 4)
            h.say(f"lobby {n}: {args.calls} calls, one every {args.interval} s, with 6 + {n} screens")
            r = await with_screens(run, setup, n, args.calls, args.interval, args.grace)
            run.check_alive()
            scenario = f"lobby, {n} phones"
            times, limit = targets.get(n, (None, None))
            table.add(scenario, "calls answered 200", f"{len(r['calls'].ok())} / {args.calls}",
                      f"{len(base_calls.ok())} / {args.calls}")
            table.add(scenario, "server CPU per call (ms)", h.ms(r["cpu"], 1), h.ms(base_cpu, 1),
                      h.ratio(r["cpu"], base_cpu),
                      f"<= {times}x and <= {limit} ms" if times else "",
                      (r["cpu"] <= times * base_cpu and r["cpu"] * 1000 <= limit) if times else None)
            answered, base_answered = h.answered(r["calls"].calls), h.answered(base_calls.calls)
            table.add(scenario, "call answered (HTTP) p50 / p99 (ms)",
                      f"{h.ms(h.pct(answered, 50))} / {h.ms(h.pct(answered, 99))}",
                      f"{h.ms(h.pct(base_answered, 50))} / {h.ms(h.pct(base_answered, 99))}")
            d, p = r["display"], r["phone"]
            table.add(scenario, "display call-to-screen p50 / p99 (ms)",
                      f"{h.ms(h.pct(d, 50))} / {h.ms(h.pct(d, 99))}", "", "", "p99 <= 50 ms",
                      bool(d) and h.pct(d, 99) <= 0.050)
            table.add(scenario, "phone call-to-new-place p50 / p99 (ms)",
                      f"{h.ms(h.pct(p, 50))} / {h.ms(h.pct(p, 99))}", "", "", "p99 <= 150 ms",
                      bool(p) and h.pct(p, 99) <= 0.150)
            table.add(scenario, "delivered (displays + phones)",
                      f"{h.share(r['delivered'], r['expected'])} of {r['expected']:,}", "", "", "100%",
                      r["expected"] > 0 and r["delivered"] == r["expected"])
            table.add(scenario, "size of a `called` message (bytes)", f"{r['size']:,}")
        table.print()


if __name__ == "__main__":
    p = h.parser(__doc__)
    p.add_argument("--phones", type=int, nargs="+", default=[60, 300])
    p.add_argument("--calls", type=int, default=30)
    p.add_argument("--interval", type=float, default=1.0, help="seconds between calls")
    p.add_argument("--grace", type=float, default=5.0, help="seconds to wait for late messages after the last call")
    a = p.parse_args()
    if a.tiny:
        a.phones, a.calls, a.interval, a.grace = [3], 4, 0.25, 2.0
    started = time.perf_counter()
    asyncio.run(main(a))
    h.say(f"lobby took {time.perf_counter() - started:.0f} s")

"""A whole bank on one server: 100 branches, each with 2 displays, 1 console and 20 phones (2,300 sockets).

    .venv/bin/python bench/bank.py [--branches 100] [--rate 5] [--seconds 60] [--idle 20] [--tiny]

First the sockets sit idle for ``--idle`` seconds (heartbeats only, at the default 20 s beat: 20 s holds one
beat of every socket, and one of Daphne's pings of each, as any whole number of periods would) and the server's
CPU share is read (CPU seconds / wall seconds; 100% is one core).
Then calls come at ``--rate`` a second for ``--seconds``, spread over the branches in turn (two counters
each), and each display and phone notes when it shows the call (``called`` with the number; the phone's
new place).
"""

import asyncio
import math
import time

import liveharness as h

PHONES, DISPLAYS, CONSOLES = 20, 2, 1


async def main(args):
    total_calls = int(args.rate * args.seconds)
    per_branch = math.ceil(total_calls / args.branches)
    with h.LiveRun(args, heartbeat=args.heartbeat) as run:
        h.say(f"bank: setting up {args.branches} branches")
        setups = [run.make_branch(f"bank{i:03d}", "AA", {"A": per_branch + args.phones + 3})
                  for i in range(args.branches)]
        run.start()
        table = h.Table(f"bank ({run.mode})")
        branch_screens, phone_list, owners = [], [], []
        for setup in setups:
            screens = h.branch_screens(run, setup.slug, DISPLAYS + CONSOLES, first=len(branch_screens) + len(phone_list))
            followers = h.phones(run, setup.last_tickets("A", args.phones), first=len(branch_screens) + len(phone_list))
            branch_screens += screens
            phone_list += followers
            owners.append((setup, screens, followers))
        everyone = branch_screens + phone_list
        try:
            started = time.perf_counter()
            connected = await h.open_all(everyone, timeout=600)
            h.say(f"bank: {connected} of {len(everyone)} sockets open in {time.perf_counter() - started:.0f} s")
            await asyncio.sleep(2)

            h.say(f"bank: idle for {args.idle} s (heartbeat every {args.heartbeat or 20} s)")
            cpu, wall = run.cpu_seconds(), time.perf_counter()
            await asyncio.sleep(args.idle)
            idle_share = (run.cpu_seconds() - cpu) / (time.perf_counter() - wall)
            run.check_alive()

            h.say(f"bank: {total_calls} calls, {args.rate} a second")
            callers = [h.Caller(run, setup) for setup in setups]
            cpu, wall = run.cpu_seconds(), time.perf_counter()
            await h.paced(total_calls, 1 / args.rate,
                          lambda i: callers[i % len(callers)].call(run.server(i)))
            queues = [setup.queue() for setup in setups]

            def results():
                shown, moved, expected = [], [], 0
                for (setup, screens, followers), caller, queue in zip(owners, callers, queues):
                    d, ed = h.display_latencies(caller.calls, screens)
                    p, ep = h.phone_latencies(caller.calls, followers, queue)
                    shown += d
                    moved += p
                    expected += ed + ep
                return shown, moved, expected

            await h.settle(lambda: (lambda r: len(r[0]) + len(r[1]) == r[2])(results()), args.grace, step=0.25)
            busy_share = (run.cpu_seconds() - cpu) / (time.perf_counter() - wall)
            run.check_alive()
            shown, moved, expected = results()
            ok = sum(len(c.ok()) for c in callers)
        finally:
            await h.close_all(everyone)
        scenario = f"bank, {args.branches} branches, {len(everyone):,} sockets"
        table.add(scenario, "sockets open", f"{connected:,} / {len(everyone):,}")
        table.add(scenario, "calls answered 200", f"{ok} / {total_calls}")
        table.add(scenario, "display call-to-screen p50 / p99 (ms)",
                  f"{h.ms(h.pct(shown, 50))} / {h.ms(h.pct(shown, 99))}", "", "", "p99 <= 150 ms",
                  bool(shown) and h.pct(shown, 99) <= 0.150)
        table.add(scenario, "phone call-to-new-place p50 / p99 (ms)",
                  f"{h.ms(h.pct(moved, 50))} / {h.ms(h.pct(moved, 99))}", "", "", "p99 <= 150 ms",
                  bool(moved) and h.pct(moved, 99) <= 0.150)
        table.add(scenario, "delivered (displays + phones)",
                  f"{h.share(len(shown) + len(moved), expected)} of {expected:,}", "", "", "100%",
                  expected > 0 and len(shown) + len(moved) == expected)
        table.add(scenario, f"server CPU share during calls ({args.rate:g}/s; baseline: idle)",
                  f"{100 * busy_share:.1f}%", f"{100 * idle_share:.1f}%", h.ratio(busy_share, idle_share))
        table.add(scenario, f"server CPU share idle ({args.idle:g} s, heartbeat {args.heartbeat or 20:g} s)",
                  f"{100 * idle_share:.2f}%", "", "", "< 3% of a core", idle_share < 0.03)
        table.print()


if __name__ == "__main__":
    p = h.parser(__doc__)
    p.add_argument("--branches", type=int, default=100)
    p.add_argument("--phones", type=int, default=PHONES, help="phones per branch")
    p.add_argument("--rate", type=float, default=5.0, help="calls a second, over all branches")
    p.add_argument("--seconds", type=float, default=60.0)
    p.add_argument("--idle", type=float, default=20.0,
                   help="seconds of idle sockets measured (a whole number of heartbeat periods)")
    p.add_argument("--heartbeat", type=float, default=None, help="SCREEN_HEARTBEAT_SECONDS (default: the server's 20)")
    p.add_argument("--grace", type=float, default=5.0)
    a = p.parse_args()
    if a.tiny:
        a.branches, a.phones, a.rate, a.seconds, a.idle, a.heartbeat, a.grace = 3, 2, 4, 1.5, 1.5, 1, 2
    started = time.perf_counter()
    asyncio.run(main(a))
    h.say(f"bank took {time.perf_counter() - started:.0f} s")

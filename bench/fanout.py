"""One call heard by many lobby displays at once: 100, 500 and 1000 displays of one branch.

    .venv/bin/python bench/fanout.py [--sizes 100 500 1000] [--calls 50] [--tiny]

Displays join in steps (100, then 400 more, then 500 more); at each size the teller calls ``--calls``
times, one after another (each call waits until every display heard it, or 5 s), and each display notes
when it heard ``called`` with that number. Each size starts with ``--queue`` + ``--calls`` tickets waiting
(topped up between sizes), so each size's messages carry the same queue. The baseline is bench/bare_broadcast.py, a bare ``websockets``
server in a process of its own, with as many clients, sent a text of the same size by an HTTP request,
timed the same way by the same client code.
"""

import asyncio
import time

import liveharness as h


async def rounds(screens, calls, call, pause, wait):
    """``calls`` calls one after another; each waits for every screen (at most ``wait`` s)."""
    for _ in range(calls):
        number = (await call())[1]
        if number is not None:
            await h.settle(lambda: all(number in s.called for s in screens if not s.failed), wait, step=0.005)
        await asyncio.sleep(pause)


def figures(calls, screens):
    live = [s for s in screens if not s.failed]
    latencies, expected = h.display_latencies(calls, live)
    expected += len([c for c in calls if c[1] is None]) * len(live)  # a failed call counts as undelivered
    return latencies, expected + (len(screens) - len(live)) * len(calls)


async def grow(run, server_of, slug, screens, size):
    more = [h.BranchScreen(server_of(len(screens) + i), slug) for i in range(size - len(screens))]
    await h.open_all(more)
    screens.extend(more)
    await asyncio.sleep(0.5)


async def main(args):
    with h.LiveRun(args) as run:
        # Each size starts with the same queue (so the same size of message): topped up before each step.
        setup = run.make_branch("fan", "AA", {"A": args.calls + args.queue})
        run.start()
        bare = run.start_bare()
        table = h.Table(f"fan-out ({run.mode}; baseline: bare websockets, 1 process)")
        ours_screens, bare_screens = [], []
        caller = h.Caller(run, setup)
        bare_calls = []
        try:
            for step, size in enumerate(args.sizes):
                if step:
                    run.add_tickets(setup, "A", args.calls)
                h.say(f"fan-out {size}: Frontline")
                await grow(run, run.server, setup.slug, ours_screens, size)
                first = len(caller.calls)
                await rounds(ours_screens, args.calls, caller.call, args.pause, args.wait)
                run.check_alive()
                ours_calls = caller.calls[first:]
                sizes = [n for s in ours_screens[:10] for n in s.called_size[-args.calls:]]
                text_size = round(sum(sizes) / len(sizes)) if sizes else 3000  # the mean: as many bytes in all

                h.say(f"fan-out {size}: bare websockets, {text_size}-character texts")
                await grow(run, lambda i: bare, setup.slug, bare_screens, size)
                bare_first = len(bare_calls)

                async def bare_call():
                    number = f"Z{len(bare_calls) + 1:04d}"  # never the same twice in a run
                    record = [time.perf_counter(), number, "Z", None, None]
                    bare_calls.append(record)
                    record[3], _ = await h.http(bare, "GET", f"/broadcast?number={number}&size={text_size}",
                                                version="1.1")
                    record[4] = time.perf_counter()
                    return record

                await rounds(bare_screens, args.calls, bare_call, args.pause, args.wait)

                ours, expected = figures(ours_calls, ours_screens)
                base, base_expected = figures(bare_calls[bare_first:], bare_screens)
                scenario = f"fan-out, {size} displays"
                p99, base_p99 = h.pct(ours, 99), h.pct(base, 99)
                limit = {500: 0.150, 1000: 0.300}.get(size)
                answered, base_answered = h.answered(ours_calls), h.answered(bare_calls[bare_first:])
                table.add(scenario, "call answered (HTTP) p50 (ms)", h.ms(h.pct(answered, 50)),
                          h.ms(h.pct(base_answered, 50)), h.ratio(h.pct(answered, 50), h.pct(base_answered, 50)))
                table.add(scenario, "call-to-screen p50 (ms)", h.ms(h.pct(ours, 50)), h.ms(h.pct(base, 50)),
                          h.ratio(h.pct(ours, 50), h.pct(base, 50)))
                table.add(scenario, "call-to-screen p99 (ms)", h.ms(p99), h.ms(base_p99), h.ratio(p99, base_p99),
                          {500: "<= 3x bare and <= 150 ms", 1000: "<= 300 ms"}.get(size, ""),
                          None if limit is None or p99 is None else
                          (p99 <= limit and (size != 500 or (base_p99 and p99 <= 3 * base_p99))))
                table.add(scenario, "call-to-screen max (ms)", h.ms(max(ours, default=None)),
                          h.ms(max(base, default=None)))
                table.add(scenario, "delivered", f"{h.share(len(ours), expected)} of {expected:,}",
                          h.share(len(base), base_expected), "", "100%", expected > 0 and len(ours) == expected)
                table.add(scenario, "mean size of a `called` message (characters)", f"{text_size:,}", f"{text_size:,}")
        finally:
            await h.close_all(ours_screens + bare_screens)
        table.print()


if __name__ == "__main__":
    p = h.parser(__doc__)
    p.add_argument("--sizes", type=int, nargs="+", default=[100, 500, 1000])
    p.add_argument("--calls", type=int, default=50)
    p.add_argument("--pause", type=float, default=0.1, help="seconds between one call's delivery and the next call")
    p.add_argument("--wait", type=float, default=5.0, help="longest wait for a call to reach every display")
    p.add_argument("--queue", type=int, default=40, help="tickets still waiting after each size's calls")
    a = p.parse_args()
    if a.tiny:
        a.sizes, a.calls, a.wait, a.queue = [3, 6], 3, 2.0, 5
    started = time.perf_counter()
    asyncio.run(main(a))
    h.say(f"fan-out took {time.perf_counter() - started:.0f} s")

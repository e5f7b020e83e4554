"""What an idle socket costs the server in memory: 1000 open, then all closed.

    .venv/bin/python bench/memory.py [--sockets 1000] [--tiny]

One branch; a tenth of the sockets are branch screens (displays, consoles), the rest phones of waiting
tickets, as in a bank. After a warm-up (a few sockets opened and closed, so imports and caches are in
place) it reads the server's resident memory (VmRSS), opens every socket, waits for the snapshots, reads
it again, closes them all and reads it once more; then opens and closes as many again, to tell memory the
allocator keeps for reuse from a leak.
"""

import asyncio
import time

import liveharness as h


async def main(args):
    branch_count = max(1, args.sockets // 10)
    phone_count = args.sockets - branch_count
    with h.LiveRun(args) as run:
        setup = run.make_branch("memory", "AB", {"A": (phone_count + 1) // 2 + 5, "B": phone_count // 2 + 5})
        run.start()
        table = h.Table(f"memory ({run.mode})")
        tickets = setup.tickets[:phone_count]
        warm = h.branch_screens(run, setup.slug, 5) + h.phones(run, tickets[:5])
        await h.open_all(warm)
        await h.close_all(warm)
        await asyncio.sleep(args.settle)
        before = run.rss_kib()
        screens = h.branch_screens(run, setup.slug, branch_count) + h.phones(run, tickets, first=branch_count)
        try:
            opened = await h.open_all(screens, timeout=600)
            await asyncio.sleep(args.settle)
            run.check_alive()
            held = run.rss_kib()
        finally:
            await h.close_all(screens)
        await asyncio.sleep(args.settle)
        run.check_alive()
        after = run.rss_kib()
        # The same again: memory kept after closing and reused by the next sockets is the allocator keeping
        # its arenas; memory that grows again by as much would be a leak.
        again = h.branch_screens(run, setup.slug, branch_count) + h.phones(run, tickets, first=branch_count)
        try:
            await h.open_all(again, timeout=600)
            await asyncio.sleep(args.settle)
            held_again = run.rss_kib()
        finally:
            await h.close_all(again)
        await asyncio.sleep(args.settle)
        run.check_alive()
        after_again = run.rss_kib()
        scenario = f"memory, {len(screens):,} idle sockets"
        table.add(scenario, "sockets open", f"{opened:,} / {len(screens):,}")
        per = (held - before) / max(1, opened)
        table.add(scenario, "resident memory per idle socket (KiB)", f"{per:,.1f}", "", "", "<= 60 KiB", per <= 60)
        table.add(scenario, "server RSS before / open / after closing (MiB)",
                  f"{before / 1024:,.1f} / {held / 1024:,.1f} / {after / 1024:,.1f}")
        table.add(scenario, "RSS after closing, above before (MiB; share of the growth kept)",
                  f"{(after - before) / 1024:,.1f}", "", h.share(after - before, held - before) if held > before else "")
        table.add(scenario, "the same sockets again: RSS open / after closing (MiB)",
                  f"{held_again / 1024:,.1f} / {after_again / 1024:,.1f}", "", "",
                  "near the first round's (no leak)", after_again - after <= 0.1 * max(1, held - before))
        table.print()


if __name__ == "__main__":
    p = h.parser(__doc__)
    p.add_argument("--sockets", type=int, default=1000)
    p.add_argument("--settle", type=float, default=3.0, help="seconds to wait before each reading")
    a = p.parse_args()
    if a.tiny:
        a.sockets, a.settle = 20, 0.5
    started = time.perf_counter()
    asyncio.run(main(a))
    h.say(f"memory took {time.perf_counter() - started:.0f} s")

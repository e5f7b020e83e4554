import datetime
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tickets import errors
from tickets.models import Branch, Ticket
from tickets.simulation import simulate


class Command(BaseCommand):
    help = (
        "Write realistic history for a branch through the real queue operations, on a simulated clock: "
        "the days before today. The same seed gives the same history."
    )

    def add_arguments(self, parser):
        parser.add_argument("--branch", required=True, help="The branch's slug, e.g. demo.")
        parser.add_argument("--days", type=int, default=30, help="How many days before today (default 30).")
        parser.add_argument("--seed", type=int, default=1, help="Seed of every random choice (default 1).")
        parser.add_argument(
            "--if-empty", action="store_true",
            help="Do nothing, successfully, when the branch already has tickets in those days.",
        )

    def handle(self, *args, branch, days, seed, if_empty, **options):
        try:
            branch = Branch.objects.get(slug=branch)
        except Branch.DoesNotExist:
            raise CommandError(f"There is no branch {branch!r}.") from None
        if not 1 <= days <= 3660:
            raise CommandError("--days must be from 1 to 3660.")
        today = branch.business_day(timezone.now())
        first = today - datetime.timedelta(days=days)
        existing = Ticket.objects.filter(branch=branch, day__gte=first, day__lt=today).count()
        if existing:
            if if_empty:
                self.stdout.write(f"Branch '{branch.slug}' already has {existing} tickets since {first}: left as it is.")
                return
            raise CommandError(
                f"Branch '{branch.slug}' already has {existing} tickets between {first} and yesterday; "
                "simulating again would mix two histories."
            )
        started = time.perf_counter()

        def progress(day, issued):
            # A line per day on stderr, plain (not the error colour), so a script reading stdout sees
            # only the summary.
            done = (day - first).days + 1
            self.stderr.write(f"Day {done} of {days} ({day}): {issued} tickets so far", style_func=str)

        try:
            issued = simulate(branch, days, seed, until=today, progress=progress)
        except errors.QueueError as error:
            raise CommandError(f"{error} Simulate when no counter is serving anyone.") from None
        seconds = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(
            f"Simulated {days} day{'s' if days != 1 else ''} of '{branch.slug}' (seed {seed}): "
            f"{issued} tickets in {seconds:.1f} s."
        ))

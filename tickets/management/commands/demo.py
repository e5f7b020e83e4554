from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from tickets import actions, shield
from tickets.models import Branch, Counter, Service, StaffMembership

SERVICES = [
    ("A", "Deposits & withdrawals", 10),
    ("B", "Loans & accounts", 20),
    ("C", "Customer care", 15),
]
# Two quick-service counters, one for loans and accounts, one for whatever is left.
COUNTERS = [("1", "A"), ("2", "AC"), ("3", "AB"), ("4", "BC")]
MANAGER = "manager"
TELLERS = ["teller1", "teller2", "teller3", "teller4"]


# The Lisbon branch offers English and Portuguese; the Manila one English and Filipino (README, "Languages").
BRANCHES = [
    ("demo", {"name": "Demo Branch, Main Street", "time_zone": "Europe/Lisbon", "languages": "en,pt"}),
    ("manila", {"name": "Demo Branch, Makati", "time_zone": "Asia/Manila", "languages": "en,fil"}),
]


def make_demo(password):
    """Create or bring back branch ``demo`` (and its sister in Manila), their services, open counters, a
    manager and four tellers of both; the Lisbon branch is returned."""
    branches = [_make_branch(slug, defaults, password) for slug, defaults in BRANCHES]
    return branches[0]


def _make_branch(slug, defaults, password):
    with transaction.atomic():
        branch, _ = Branch.objects.update_or_create(slug=slug, defaults=defaults)
        services = {}
        for position, (code, name, target) in enumerate(SERVICES):
            services[code], _ = Service.objects.update_or_create(
                branch=branch,
                code=code,
                defaults={"name": name, "target_wait_minutes": target, "active": True, "position": position},
            )
        counters = []
        for name, codes in COUNTERS:
            counter, _ = Counter.objects.get_or_create(branch=branch, name=name)
            counter.services.set(services[code] for code in codes)
            counters.append(counter)
        User = get_user_model()
        for username in [MANAGER, *TELLERS]:
            user, _ = User.objects.get_or_create(username=username)
            user.set_password(password)
            user.is_active = True
            # The manager edits the feedback shield's word lists in the admin (admin.NoteWordAdmin).
            user.is_staff = username == MANAGER
            user.save()
            role = StaffMembership.Role.MANAGER if username == MANAGER else StaffMembership.Role.TELLER
            StaffMembership.objects.update_or_create(user=user, branch=branch, defaults={"role": role})
        shield.add_default_words()
    for counter in counters:
        if counter.status != Counter.Status.OPEN:
            actions.resume_counter(counter)
    return branch


class Command(BaseCommand):
    help = "Create (or bring back) the demo branch with its services, counters and staff. Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument("--password", default="frontline-demo", help="Password of every demo account.")

    def handle(self, *args, password, **options):
        make_demo(password)
        for branch in Branch.objects.filter(slug__in=[slug for slug, _ in BRANCHES]):
            self.stdout.write(self.style.SUCCESS(
                f"Branch '{branch.slug}' ({branch.name}, {branch.time_zone}, languages {branch.languages}) is ready."))
        self.stdout.write(f"  manager:  {MANAGER} / {password}  (dashboard, counters, the note word lists in /admin/)")
        for username in TELLERS:
            self.stdout.write(f"  teller:   {username} / {password}")
        self.stdout.write("These are demo accounts with a known password: do not keep them on a real branch.")

"""The fixed cast of every test: one branch, two services, two counters, and the people around them."""

import pytest
from django.contrib.auth import get_user_model

from tickets import actions
from tickets.models import ApiToken, Branch, Counter, Service, StaffMembership


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings, tmp_path_factory):
    """Tests run on a SQLite file, not in memory, so threads share one real database as in production."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if "sqlite" in database["ENGINE"]:
        database.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("db") / "test.sqlite3")


@pytest.fixture
def one_minute():
    """A rate-limit test counts in the limiter's window of a clock minute (tickets/ratelimit.py): it starts at
    the minute's second second, clock running, so a slow machine never sees the window roll over mid-test."""
    import datetime

    import time_machine

    start = datetime.datetime.now(datetime.UTC).replace(second=2, microsecond=0)
    with time_machine.travel(start, tick=True):
        yield


@pytest.fixture(autouse=True)
def fresh_grades():
    """Each test grades the predictors on its own tickets: a process keeps grades for minutes (predictors.py)."""
    from tickets import predictors

    predictors.forget()
    yield
    predictors.forget()


@pytest.fixture
def branch(db):
    return Branch.objects.create(name="Main Street", slug="main", time_zone="Europe/Lisbon")


@pytest.fixture
def other_branch(db):
    return Branch.objects.create(name="Harbour", slug="harbour", time_zone="America/New_York")


@pytest.fixture
def deposits(branch):
    return Service.objects.create(branch=branch, name="Deposits", code="A", target_wait_minutes=10, position=0)


@pytest.fixture
def loans(branch):
    return Service.objects.create(branch=branch, name="Loans", code="B", target_wait_minutes=20, position=1)


def walked_out(service, now=None):
    """A ticket whose visit is over (its holder left before being called): feedback is open for it."""
    return actions.cancel(actions.issue_ticket(service, now=now), now=now)


def open_counter(branch, name, services, teller=None):
    """An open counter with ``teller`` (by default a teller of its own) signed in at it: an open counter
    nobody sits at calls nobody."""
    teller = teller or make_user(f"teller-at-{name}", branch)
    counter = Counter.objects.create(branch=branch, name=name)
    counter.services.set(services)
    actions.sign_in(counter, teller)
    return actions.resume_counter(counter)


@pytest.fixture
def counter(branch, deposits, teller):
    """Counter 1 serves deposits only; the teller is at it."""
    return open_counter(branch, "1", [deposits], teller)


@pytest.fixture
def counter2(branch, deposits, loans, colleague):
    """Counter 2 serves deposits and loans; the teller's colleague is at it."""
    return open_counter(branch, "2", [deposits, loans], colleague)


def make_user(username, branch=None, role=StaffMembership.Role.TELLER, **extra):
    user = get_user_model().objects.create_user(username=username, password="pw-" + username, **extra)
    if branch is not None:
        StaffMembership.objects.create(user=user, branch=branch, role=role)
    return user


@pytest.fixture
def teller(branch):
    return make_user("teller", branch)


@pytest.fixture
def colleague(branch):
    """A second teller of the branch, at counter 2."""
    return make_user("colleague", branch)


@pytest.fixture
def other_teller(other_branch):
    """A teller of another branch."""
    return make_user("other_teller", other_branch)


@pytest.fixture
def manager(branch):
    return make_user("manager", branch, StaffMembership.Role.MANAGER)


@pytest.fixture
def other_manager(other_branch):
    return make_user("other_manager", other_branch, StaffMembership.Role.MANAGER)


@pytest.fixture
def superuser(db):
    return make_user("root", is_superuser=True, is_staff=True)


@pytest.fixture
def api_key(teller):
    """A raw API key that acts as the teller."""
    return ApiToken.objects.create_token(teller, "integration")[1]


@pytest.fixture
def kiosk(branch):
    """The branch's entrance kiosk, printing through its browser until a test gives it a printer."""
    from printing.models import Kiosk

    return Kiosk.objects.create(branch=branch, name="Entrance", slug="entrance")

"""Schemathesis against every operation of the API (issue 13, item 11): anonymous, as a teller and as a manager,
no server error and no answer that its description does not declare, in status, content type or shape.

Bounded (FUZZ_EXAMPLES per operation and role, default 12) so that ``make test`` stays fast; a longer run is
``FUZZ_EXAMPLES=200 make test ARGS=tests/test_api_fuzz.py``.
"""

import os

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tickets import actions
from tickets.models import ApiToken

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
schema.config.generation.update(max_examples=EXAMPLES, deterministic=True)
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck))


@pytest.fixture
def floor(branch, deposits, loans, counter, teller, manager, settings):
    """The branch with someone waiting, and a key for each role (anonymous has none)."""
    settings.TICKETS_PER_MINUTE_PER_ADDRESS = 100000
    cache.clear()
    # As Django's test client does: the WSGI handler would close the connection that holds the test's transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    ticket = actions.issue_ticket(deposits)
    actions.issue_ticket(loans)
    keys = {"anonymous": None, "teller": ApiToken.objects.create_token(teller, "fuzz")[1],
            "manager": ApiToken.objects.create_token(manager, "fuzz")[1]}
    yield {"counter": counter, "ticket": ticket, "keys": keys}
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
    cache.clear()


# Where the branch's own state refuses what the schema cannot express, with a 400 each operation describes: a
# service letter the branch has no open service for, feedback with nothing in it, a date range backwards.
# Every other check still runs on them (no server error, every status, content type and shape declared).
STATE_DECIDES = {"/api/v1/branches/{slug}/tickets/", "/api/v1/counters/{counter_id}/transfer/",
                 "/api/v1/tickets/{token}/feedback/", "/api/v1/branches/{slug}/stats/"}


def validate(case, floor, role):
    excluded = [positive_data_acceptance] if case.operation.path in STATE_DECIDES else []
    case.call_and_validate(headers=headers(floor, role), excluded_checks=excluded)


def headers(floor, role):
    key = floor["keys"][role]
    return {"Authorization": f"Bearer {key}"} if key else {}


@pytest.mark.parametrize("role", ["anonymous", "teller", "manager"])
@schema.parametrize()
@FUZZ
def test_every_operation_as_generated(case, role, floor):
    """Whatever the generator sends (unknown branches, counters and tickets, bodies in and out of the schema)."""
    validate(case, floor, role)


@pytest.mark.parametrize("role", ["anonymous", "teller", "manager"])
@schema.parametrize()
@FUZZ
def test_every_operation_on_the_real_branch(case, role, floor):
    """The same on the branch, counter and ticket that exist, so the operations themselves run."""
    real = {"slug": "main", "counter_id": floor["counter"].pk, "token": floor["ticket"].token}
    if case.path_parameters and case.meta and case.meta.generation.mode.is_positive:
        case.path_parameters = {name: real.get(name, value) for name, value in case.path_parameters.items()}
    validate(case, floor, role)

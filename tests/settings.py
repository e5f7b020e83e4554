"""The suite runs on queuesite.settings as they are, with only a test secret key supplied when none is set."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key")

from queuesite.settings import *  # noqa: E402,F403
from queuesite.settings import CACHES, CHANNEL_LAYERS, REDIS_URL  # noqa: E402

if REDIS_URL:
    # Parallel test workers share one Redis: keep their groups and cached counters apart, as their
    # databases are (each worker's branch 1 is a different branch).
    # And each run from the runs before it: the test databases number branches from 1 again, and a
    # screen's mark or sequence number left in Redis by an earlier run must not count for them. The servers
    # a test starts inherit the environment, so they share the run's prefix.
    _run = os.environ.setdefault("FRONTLINE_TEST_RUN", os.urandom(4).hex())
    _worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    CACHES["default"]["KEY_PREFIX"] = f"test-{_run}-{_worker}"
    CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] = f"test-{_run}-{_worker}"

# A password is hashed for every member of the cast in every test: the production hasher's 1,000,000
# rounds cost a third of a second each, and the suite's time (STYLE.md: make test stays fast).
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

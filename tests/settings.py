"""The suite runs on queuesite.settings as they are, with only a test secret key supplied when none is set."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key")

from queuesite.settings import *  # noqa: E402,F403
from queuesite.settings import CACHES, CHANNEL_LAYERS, REDIS_URL  # noqa: E402

if REDIS_URL:
    # Parallel test workers share one Redis: keep their groups and cached counters apart, as their
    # databases are (each worker's branch 1 is a different branch).
    _worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    CACHES["default"]["KEY_PREFIX"] = f"test-{_worker}"
    CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] = f"test-{_worker}"

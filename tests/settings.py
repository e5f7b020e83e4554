"""The suite runs on queuesite.settings as they are, with only a test secret key supplied when none is set."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key")

from queuesite.settings import *  # noqa: E402,F403

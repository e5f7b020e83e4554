"""Which release of the screens' code is running, so a screen left open for weeks picks up a deploy.

The fingerprint changes whenever a static file or template changes; every snapshot carries it, and a
screen whose page was loaded from another release reloads itself (static/js/live.js).
"""

import hashlib
from pathlib import Path

from django.conf import settings


def _fingerprint():
    digest = hashlib.sha256()
    for folder in ("static", "templates"):
        for path in sorted((Path(settings.BASE_DIR) / folder).rglob("*")):
            if path.is_file():
                digest.update(path.relative_to(settings.BASE_DIR).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


RELEASE = _fingerprint()


def release(request):
    """Template context processor: ``{{ release }}``."""
    return {"release": RELEASE}

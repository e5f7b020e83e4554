"""Django's compilemessages with polib in place of GNU msgfmt, so that a fresh machine, where Debian's gettext
is not installed, builds the catalogs from requirements.txt alone (the compiled .mo files are also committed)."""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


def compile_all():
    """Each locale/<language>/LC_MESSAGES/django.po compiled beside itself; the paths written."""
    written = []
    for root in settings.LOCALE_PATHS:
        for source in sorted(Path(root).glob("*/LC_MESSAGES/*.po")):
            polib.pofile(str(source)).save_as_mofile(str(source.with_suffix(".mo")))
            written.append(source.with_suffix(".mo"))
    return written


class Command(BaseCommand):
    help = "Compile the translation catalogs under LOCALE_PATHS (with polib: no gettext needed)."

    def handle(self, *args, **options):
        for path in compile_all():
            self.stdout.write(f"compiled {path}")

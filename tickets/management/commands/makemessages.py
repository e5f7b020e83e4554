"""Django's makemessages, knowing words.Plural as gettext's ngettext: its two arguments are msgid and
msgid_plural (Django's documented way to add xgettext keywords is this subclass)."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = makemessages.Command.xgettext_options + ["--keyword=Plural:1,2"]

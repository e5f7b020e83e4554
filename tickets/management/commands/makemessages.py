"""Django's makemessages, knowing words.Plural as gettext's ngettext (its two arguments are msgid and
msgid_plural), and never guessing: a new phrase is left untranslated rather than given a near neighbour's
translation marked fuzzy, which a tired translator may keep. Subclassing is Django's documented way."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = makemessages.Command.xgettext_options + ["--keyword=Plural:1,2"]
    msgmerge_options = makemessages.Command.msgmerge_options + ["--no-fuzzy-matching"]

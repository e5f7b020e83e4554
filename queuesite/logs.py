"""No ticket token in any log: a token is the key to its holder's ticket, and logs are read by many.

Every path that carries one (``/t/<token>/``, ``/api/v1/tickets/<token>/``, ``/ws/tickets/<token>/``) is
written with the token replaced by "…", whoever writes the line: our request log, Django's request
warnings (django.request prints the full path of every 4xx), Daphne's runserver, and Daphne's own
access log, which ``daphne queuesite.asgi:application`` writes to stdout unless told otherwise.
"""

import logging
import re

# A token segment wherever a path appears in a line, with or without its leading slash (the websocket
# router quotes paths without it), up to the next slash, space, quote or query string.
TOKEN_IN_PATH = re.compile(r"(?<![\w.-])(/?(?:t|api/v1/tickets|ws/tickets)/)[^/\s\"'?#]+")


def hide_tokens(text):
    return TOKEN_IN_PATH.sub("\\1…", text)


class HideTokens(logging.Filter):
    """On the log handlers, so it sees every logger's lines: the message and its traceback, tokens hidden."""

    def filter(self, record):
        try:
            message = record.getMessage()
        except Exception:  # a malformed log call: the handler reports it, as it would without this filter
            return True
        hidden = hide_tokens(message)
        if hidden != message:
            record.msg, record.args = hidden, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = hide_tokens(record.exc_text)
        return True


def hide_tokens_in_daphne_access_log():
    """Daphne writes its access log straight to a stream, past logging and its filters: hide them there too."""
    from daphne.access import AccessLogGenerator

    write_entry = AccessLogGenerator.write_entry
    if getattr(write_entry, "hides_tokens", False):
        return

    def write_hidden(self, host, date, request, *args, **kwargs):
        return write_entry(self, host, date, hide_tokens(request), *args, **kwargs)

    write_hidden.hides_tokens = True
    AccessLogGenerator.write_entry = write_hidden

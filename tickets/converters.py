"""The URL shape of a ticket's token, shared by the pages, the API and the websockets."""

import re

from django.urls import register_converter

from .models import Ticket


class TokenConverter:
    regex = Ticket.TOKEN_PATTERN

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


def is_token(value):
    return re.fullmatch(Ticket.TOKEN_PATTERN, value) is not None


# Registered once, here, for both the HTTP and the websocket routes that import this module.
register_converter(TokenConverter, "token")

"""Where texts go: chosen by TEXTS_BACKEND (``console``, ``http``, ``off``, or a dotted path to a class with
``send(number, text)`` that raises TextNotSent when the text did not go)."""

import json
import logging

from django.conf import settings
from django.utils.module_loading import import_string

from queuesite.outboxes import post

log = logging.getLogger("frontline.texts")


class TextNotSent(Exception):
    pass


def masked(number):
    return "•" * (len(number) - 3) + number[-3:]


class ConsoleBackend:
    """Development and tests: each text goes to the log (the number masked, since logs are kept longer than
    numbers may be) and to ``sent``, which the tests read."""

    sent = []

    def send(self, number, text):
        log.info("text to %s: %s", masked(number), text)
        self.sent.append((number, text))


class HttpGatewayBackend:
    """An SMS gateway over HTTPS: a JSON POST ``{"from", "to", "text"}`` with a bearer token to
    TEXTS_GATEWAY_URL. Another provider's format is another ``request``, in a subclass of this one."""

    def request(self, number, text):
        """The provider's request: (headers, body)."""
        headers = {"content-type": "application/json", "authorization": f"Bearer {settings.TEXTS_GATEWAY_TOKEN}"}
        body = {"from": settings.TEXTS_GATEWAY_SENDER, "to": number, "text": text}
        return headers, json.dumps(body).encode()

    def send(self, number, text):
        headers, body = self.request(number, text)
        try:
            status = post(settings.TEXTS_GATEWAY_URL, body, headers, settings.TEXTS_GATEWAY_TIMEOUT_SECONDS)
        except (OSError, ValueError) as failure:
            raise TextNotSent(f"{type(failure).__name__}: {failure}") from None
        if not 200 <= status < 300:
            raise TextNotSent(f"the gateway answered {status}")


BACKENDS = {"console": ConsoleBackend, "http": HttpGatewayBackend}


def enabled():
    return settings.TEXTS_BACKEND != "off"


def backend():
    name = settings.TEXTS_BACKEND
    return (BACKENDS[name] if name in BACKENDS else import_string(name))()

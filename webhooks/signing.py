"""Standard Webhooks signatures: ``webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">``,
keyed with the base64 part of the endpoint's ``whsec_`` secret. The README and docs/integrations.md show
a receiver's side in a few lines; ``verify`` is the same check, for the tests and for Python receivers.
"""

import base64
import hashlib
import hmac
import time

# How far a receiver believes a timestamp from its own clock: older messages could be replays.
TOLERANCE_SECONDS = 5 * 60


class InvalidSignature(Exception):
    pass


def _key(secret):
    return base64.b64decode(secret.removeprefix("whsec_"))


def signature(secret, message_id, timestamp, body):
    signed = f"{message_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(_key(secret), signed, hashlib.sha256).digest()).decode()


def headers(secret, message_id, timestamp, body):
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(secret, message_id, timestamp, body),
    }


def verify(secret, headers, body, now=None):
    """Raise InvalidSignature unless ``headers`` sign ``body`` with ``secret``, within the tolerance."""
    try:
        message_id, timestamp = headers["webhook-id"], int(headers["webhook-timestamp"])
        offered = headers["webhook-signature"].split()
    except (KeyError, ValueError):
        raise InvalidSignature("missing or malformed webhook headers") from None
    if abs((now if now is not None else time.time()) - timestamp) > TOLERANCE_SECONDS:
        raise InvalidSignature("timestamp too far from now")
    expected = signature(secret, message_id, timestamp, body)
    # A receiver in the middle of a secret's rotation may be sent several, space-separated.
    if not any(hmac.compare_digest(expected, candidate) for candidate in offered):
        raise InvalidSignature("no signature matches")

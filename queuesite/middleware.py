"""Request logging without personal data, and a clear 503 when the database is unreachable.

When the database is unreachable: a clear 503 instead of a 500, and nothing half-written.

Every queue operation is one transaction, so a failure part-way rolls back whole; this only decides
what the person or the integration sees. The next request opens a fresh connection, so the service
recovers by itself when the database is back.
"""

import logging
import re
import time
from http.client import responses as STATUS_PHRASES

from django.db import DataError, InterfaceError, OperationalError, close_old_connections
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext, gettext_noop
from django.utils.cache import add_never_cache_headers
from django.views.defaults import bad_request

from .logs import hide_tokens

log = logging.getLogger(__name__)
# English to the API (the integrators' contract), the page's language on the 503 page.
MESSAGE = gettext_noop("The queue is briefly unavailable. Please try again in a moment.")


class DatabaseErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DataError):
            # The database refused a value (a NUL byte, a number out of range): bad input, and the
            # operation's transaction has rolled back, so nothing was written.
            log.info("database refused the input of %s: %s", hide_tokens(request.path), exception)
            if request.path.startswith("/api/"):
                return JsonResponse({"error": "Invalid input."}, status=400)
            return bad_request(request, exception)
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        log.error("database unavailable on %s: %s", hide_tokens(request.path), exception)
        close_old_connections()
        if request.path.startswith("/api/"):
            response = JsonResponse({"error": MESSAGE}, status=503)
        else:
            response = render(request, "503.html", {"message": gettext(MESSAGE)}, status=503)
        response["Retry-After"] = "10"
        return response


class ApiAnswersJsonMiddleware:
    """Under /api/, every error is JSON, as the API's contract says, so integrations read all of them alike.

    Django's own answers are HTML or plain text: an unknown address (404), a wrong method (405), a request it
    refuses before the API sees it (400), a server error (500; with DEBUG on, django-ninja's is a plain-text
    traceback). Each becomes ``{"error": ...}`` with the same status; the traceback stays in the log.
    """

    MESSAGES = {400: "Bad request.", 403: "Forbidden.", 404: "Not found.", 500: "Server error."}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith("/api/") or response.status_code < 400:
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        status = response.status_code
        if status == 405:
            message = f"Method not allowed: use {response.get('Allow', '')}."
        else:
            message = self.MESSAGES.get(status) or f"{STATUS_PHRASES.get(status, 'Error')}."
        answer = JsonResponse({"error": message}, status=status)
        for header in ("Allow", "Retry-After"):
            if header in response:
                answer[header] = response[header]
        return answer


request_log = logging.getLogger("frontline.requests")


class RequestLogMiddleware:
    """One line per request: method, path (tokens hidden, no query string), status and duration.

    No addresses, no user names, nothing typed: ticket numbers are in the queue operations' own lines.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.monotonic()
        response = self.get_response(request)
        request_log.info(
            "%s %s %s %dms", request.method, hide_tokens(request.path), response.status_code,
            (time.monotonic() - started) * 1000,
        )
        return response


# Every page's scripts and styles are files of our own (STYLE.md rule 12): no inline script, style or
# handler runs, so an injected one cannot. Websockets go to the page's own host ('self' covers ws: and
# wss: there, CSP level 3); the QR codes are inline SVG, the charts too.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
# Answers that hold a ticket's key or staff data: never kept by a browser or a proxy for the next person
# at a shared kiosk, phone or counter PC.
PRIVATE_PATHS = re.compile(
    r"^/(t/|staff/|accounts/|admin/|api/v1/(tickets|counters)/|b/[^/]+/(stats|audit)/|b/[^/]+/kiosk/[^/]+/register/)"
)


class SecurityHeadersMiddleware:
    """The Content-Security-Policy on every answer, and no-store on the private ones (PRIVATE_PATHS)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        if PRIVATE_PATHS.match(request.path):
            add_never_cache_headers(response)
        return response

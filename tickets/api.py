"""The JSON API at /api/v1/, as ../shared/API.md lists it.

Built on django-ninja: it validates input with pydantic models and describes itself in OpenAPI from the
same declarations, so the contract and the code cannot drift apart. Endpoints only speak HTTP: check who
is asking, parse, call one action, answer.
"""

from typing import Annotated, Literal, Optional

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, NinjaAPI, Path, Query, Schema
from ninja.errors import HttpError, ValidationError
from ninja.responses import Status
from ninja.security import APIKeyCookie, HttpBearer
from pydantic import BeforeValidator, ConfigDict, StrictBool, StrictInt

from . import actions, care, errors, perceived, stats
from .converters import is_token
from .models import ApiToken, Branch, Counter, Service, Ticket
from .permissions import is_manager_of, is_staff_of
from .ratelimit import TicketLimit
from .state import branch_state, ticket_state
from .state import iso as state_iso

api = NinjaAPI(
    title="Frontline",
    version="1",
    description="Walk-in queue ticketing for bank branches.",
    urls_namespace="api",
)

# A refusal's HTTP status; QueueEmpty on call-next is a 204, handled where it is raised.
REFUSAL_STATUS = {
    errors.InvalidFeedback: 400,
    errors.InvalidTransfer: 400,
    errors.ServiceUnavailable: 400,
    errors.LanguageNotOffered: 400,
}


@api.exception_handler(errors.QueueError)
def queue_refused(request, exc):
    status = next((code for kind, code in REFUSAL_STATUS.items() if isinstance(exc, kind)), 409)
    return api.create_response(request, {"error": str(exc), "code": type(exc).__name__}, status=status)


def _field(location):
    """The field as the caller wrote it: Ninja's location also names where it was read from and, for
    the JSON body, our own parameter (["body", "body", "service"] is the caller's "service")."""
    parts = [str(part) for part in location]
    if parts[:1] == ["body"]:
        parts = parts[2:] or ["body"]
    elif parts[:1] in (["query"], ["path"]):
        parts = parts[1:]
    return ".".join(parts)


@api.exception_handler(ValidationError)
def invalid_input(request, exc):
    details = [{"field": _field(e.get("loc", [])), "message": e.get("msg")} for e in exc.errors]
    return api.create_response(request, {"error": "Invalid input.", "details": details}, status=400)


class TooMany(HttpError):
    """A 429, with the seconds after which the same request would be taken (Retry-After)."""

    def __init__(self, message, retry_after):
        super().__init__(429, message)
        self.retry_after = retry_after


@api.exception_handler(HttpError)
def http_error(request, exc):
    response = api.create_response(request, {"error": str(exc)}, status=exc.status_code)
    if exc.status_code == 401:
        response["WWW-Authenticate"] = "Bearer"
    if exc.status_code == 429:
        response["Retry-After"] = str(getattr(exc, "retry_after", 60))
    return response


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"error": "Not found."}, status=404)


@api.exception_handler(RequestDataTooBig)
def too_big(request, exc):
    # Raised when the body is read, over DATA_UPLOAD_MAX_MEMORY_SIZE: nothing was parsed, nothing done.
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return api.create_response(request, {"error": f"Request body too large: at most {limit} bytes."}, status=413)


# --- who is asking -------------------------------------------------------------------------------


class ApiTokenAuth(HttpBearer):
    """``Authorization: Bearer <api token>``, for a bank's own systems."""

    def authenticate(self, request, token):
        api_token = ApiToken.objects.select_related("user").filter(key_hash=ApiToken.hash_key(token)).first()
        if api_token is None or not api_token.user.is_active:
            return None
        ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=timezone.now())
        return api_token.user


class StaffSession(APIKeyCookie):
    """Django's session, with its CSRF check; anonymous callers fall through to a 401, not a CSRF 403."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request):
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request, key):
        return request.user if key and request.user.is_authenticated else None


STAFF = [ApiTokenAuth(), StaffSession()]


def staff_counter(request, counter_id, *, sign_in=True):
    """The counter the caller acts at, with the caller signed in at it (refused if another teller is)."""
    counter = get_object_or_404(Counter.objects.select_related("branch"), pk=counter_id)
    if not is_staff_of(request.auth, counter.branch):
        raise HttpError(403, "You are not staff of this branch.")
    return actions.sign_in(counter, request.auth) if sign_in else counter


# --- shapes --------------------------------------------------------------------------------------


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


def integral(value):
    """A whole number as JSON Schema counts one (4 and 4.0 alike), never a boolean: what ``integer`` declares."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


WholeNumber = Annotated[StrictInt, BeforeValidator(integral)]
# A service's code is one letter (models.Service.code); either case is taken.
SERVICE_CODE = r"^[A-Za-z]$"


class TicketRequest(Strict):
    service: str = Field(pattern=SERVICE_CODE, description=(
        "The service's one-letter code. A letter the branch has no open service for is refused with 400."))
    priority: StrictBool = False
    language: str = Field("", max_length=8, description=(
        "The customer's language, one the branch offers (its `languages`); empty: the branch's default."))


class FeedbackRequest(Strict):
    rating: Optional[WholeNumber] = Field(None, ge=1, le=5)
    note: str = Field("", max_length=500, description=(
        "The customer's own words. Control characters other than tab and new line are refused (400); a note of "
        "only spaces and invisible characters counts as empty."))
    # Feedback.Felt's values: the dashboard's wait bands.
    perceived_wait: Optional[Literal["under_5_min", "5_15_min", "15_30_min", "over_30_min"]] = Field(
        None, description="How long the wait felt, optional: the dashboard sets it against the real wait."
    )


class TransferRequest(Strict):
    service: str = Field(pattern=SERVICE_CODE, description=(
        "The service to send the customer to; 400 if the branch has no open service of that letter, or it is "
        "the ticket's own."))


class ServiceOut(Schema):
    code: str
    name: str
    waiting: int
    estimated_wait: Optional[int] = Field(description="Seconds a newcomer would wait, by the service's best predictor.")
    wait_range: Optional[list[int]] = Field(
        description="[low, high] seconds: the range told with estimated_wait, from its predictor's recent errors."
    )
    target_wait: int
    waiting_since: Optional[str] = Field(description="When the longest current wait of the service began.")
    behind_target_at: Optional[str] = Field(
        description="When that wait passes target_wait: from then on the service is behind its target."
    )
    recent_call_times: list[int] = Field(description="Unix seconds of the service's calls in the last 10 minutes.")


class ServingOut(Schema):
    number: str
    service: str
    priority: bool
    called_at: str
    recall_count: int


class CounterOut(Schema):
    id: int
    name: str
    status: str
    staffed: bool = Field(description="Whether a teller is signed in at it; only staffed open counters count in estimates.")
    services: list[str]
    served_today: int
    pause_after: bool = Field(False, description="The teller asked to pause after the current customer.")
    serving: Optional[ServingOut]


class CallOut(Schema):
    number: str
    counter: str
    called_at: str


class CallingOut(Schema):
    number: str
    counter: str
    recall: bool
    called_at: str = Field(description="When it was called, or recalled if it was.")


class WaitingOut(Schema):
    number: str
    service: str
    priority: bool
    transferred: bool
    issued_at: str
    estimated_wait: Optional[int]
    wait_range: Optional[list[int]]


class TodayOut(Schema):
    issued: int
    waiting: int
    called: int
    served: int
    no_show: int
    cancelled: int


class BranchOut(Schema):
    branch: str
    name: str
    time_zone: str
    speak_calls: bool
    services: list[ServiceOut]
    counters: list[CounterOut]
    calling: Optional[CallingOut] = Field(
        description="The latest call or recall of a customer still called to a counter; null when nobody is."
    )
    recent_calls: list[CallOut]
    queue: list[WaitingOut] = Field(description="Every ticket waiting today, in the order they will be called.")
    today: TodayOut


class ServiceMovesOut(Schema):
    waiting_since: Optional[str]
    behind_target_at: Optional[str]
    recent_call_times: list[int]


class CounterTicketOut(Schema):
    """A ticket as staff see it: everything but the holder's key (``token`` and the ``url`` made from it)."""

    number: str
    branch: str
    service: str
    service_name: str
    status: str
    priority: bool
    language: str = Field(description="The language of the ticket's page, paper and texts.")
    position: Optional[int]
    estimated_wait: Optional[int]
    wait_range: Optional[list[int]] = Field(description="[low, high] seconds: the range told with estimated_wait.")
    quoted_wait: Optional[int]
    quoted_range: Optional[list[int]] = Field(description="[low, high] seconds told when the ticket was issued.")
    quote_ends_at: Optional[str] = Field(description="When the wait passes the top of quoted_range.")
    counter: Optional[str]
    recall_count: int
    issued_at: str
    called_at: Optional[str]
    finished_at: Optional[str]
    has_feedback: bool
    expired: bool


class TicketOut(CounterTicketOut):
    """A ticket as its holder sees it: with the token that is the key to its page, cancel and feedback."""

    token: str
    url: str
    behind: Optional[int] = Field(
        description="While waiting: how many wait after it in its service's queue; null once it is not waiting."
    )
    ahead_first: Optional[list[str]] = Field(
        description="While waiting: the priority and transferred tickets ahead of it (the phone says why when one more goes ahead)."
    )
    service_moves: Optional[ServiceMovesOut] = Field(
        description="While waiting: how its service's line moves, as in the branch's services rows."
    )


class FeedbackOut(Schema):
    ticket: str
    rating: Optional[int]
    note: str
    perceived_wait: Optional[str]
    created_at: str


class Error(Schema):
    error: str
    code: Optional[str] = Field(None, description="The refusal's name, e.g. CounterStaffed, for a program to tell refusals apart.")
    details: Optional[list[dict]] = Field(None, description="For invalid input: each field and what is wrong with it.")


# Every answer an operation can give is declared with it (issue 13: the schema and the behaviour agree):
# 400 for input its types refuse (a counter id that is not a whole number, a body that is not the schema's),
# 404 for an unknown branch, ticket or counter, 413 for a body over the size limit, 503 while the database
# cannot be reached (queuesite/middleware.py).
ANY = {400: Error, 404: Error, 503: Error}
WITH_BODY = {**ANY, 413: Error}
# Staff calls: 401 without a session or key, 403 for another branch's staff (and a session without its CSRF
# header), 409 for a refusal of the queue (the counter's state).
STAFF_REFUSALS = {**ANY, 401: Error, 403: Error, 409: Error}
# The database's ids are 64-bit: a larger number is no counter, and is refused before it reaches a query
# (SQLite cannot even bind it).
MAX_ID = 2**63 - 1


def counter_id_path():
    return Path(..., ge=1, le=MAX_ID, description="The counter's id.")


# --- customers -----------------------------------------------------------------------------------


@api.get("/branches/{slug}/", response={200: BranchOut, 404: Error, 503: Error}, tags=["branches"])
def get_branch(request, slug: str):
    return branch_state(get_object_or_404(Branch, slug=slug))


@api.post(
    "/branches/{slug}/tickets/",
    response={201: TicketOut, **WITH_BODY, 429: Error},
    tags=["tickets"],
)
def take_ticket(request, slug: str, body: TicketRequest):
    """Take the next number of a service: nothing about the customer is asked. 400 for a letter the branch has no
    open service for; 429 (with Retry-After) over the address's or the registered kiosk's limit, or while the branch
    has as many phone tickets waiting as it takes."""
    branch = get_object_or_404(Branch, slug=slug)
    limit = TicketLimit(request, branch)
    wait = limit.refused()
    if wait:
        raise TooMany("Too many tickets from this address; please wait a minute.", wait)
    service = Service.objects.filter(branch=branch, code=body.service.upper()).first()
    if service is None:
        raise errors.ServiceUnavailable(f"{branch.name} has no service {body.service!r}.")
    if body.language and body.language not in branch.language_codes:
        raise errors.LanguageNotOffered(branch)
    try:
        ticket = actions.issue_ticket(service, priority=body.priority, language=body.language, channel=limit.channel)
    except errors.TooManyWaiting as full:
        raise TooMany(str(full), full.retry_after) from None
    limit.count()
    return Status(201, ticket_state(ticket))


def holder_ticket(token):
    if not is_token(token):
        raise Http404
    return get_object_or_404(Ticket.objects.select_related("branch", "service", "counter"), token=token)


@api.get("/tickets/{token}/", response={200: TicketOut, 404: Error, 503: Error}, tags=["tickets"])
def get_ticket(request, token: str):
    return ticket_state(holder_ticket(token))


@api.post("/tickets/{token}/cancel/", response={200: TicketOut, 404: Error, 409: Error, 503: Error}, tags=["tickets"])
def cancel_ticket(request, token: str):
    return ticket_state(actions.cancel(holder_ticket(token)))


@api.post(
    "/tickets/{token}/feedback/", response={201: FeedbackOut, **WITH_BODY, 409: Error}, tags=["tickets"]
)
def give_feedback(request, token: str, body: FeedbackRequest):
    """Once the visit is over (409 before, and once feedback is given). 400 when nothing is given: no rating, no
    visible note and no felt wait."""
    ticket = holder_ticket(token)
    feedback = actions.record_feedback(ticket, rating=body.rating, note=body.note, perceived_wait=body.perceived_wait)
    return Status(201, {
        "ticket": ticket.number,
        "rating": feedback.rating,
        "note": feedback.note,
        "perceived_wait": feedback.perceived_wait or None,
        "created_at": feedback.created_at.isoformat(),
    })


# --- tellers -------------------------------------------------------------------------------------

STAFF_ANSWERS = {200: CounterTicketOut, **STAFF_REFUSALS, 413: Error}
# The holder's key: a teller who had it could cancel their customer's ticket or leave its feedback.
HOLDER_ONLY = ("token", "url")


def counter_ticket_state(ticket):
    state = ticket_state(Ticket.objects.select_related("branch", "service", "counter").get(pk=ticket.pk))
    return {key: value for key, value in state.items() if key not in HOLDER_ONLY}


@api.post("/counters/{counter_id}/call-next/", auth=STAFF, response={**STAFF_ANSWERS, 204: None}, tags=["counters"])
def call_next(request, counter_id: int = counter_id_path()):
    counter = staff_counter(request, counter_id)
    try:
        ticket = actions.call_next(counter, by=request.auth)
    except errors.QueueEmpty:
        return Status(204, None)
    return counter_ticket_state(ticket)


@api.post("/counters/{counter_id}/recall/", auth=STAFF, response=STAFF_ANSWERS, tags=["counters"])
def recall(request, counter_id: int = counter_id_path()):
    return counter_ticket_state(actions.recall(staff_counter(request, counter_id), by=request.auth))


@api.post("/counters/{counter_id}/serve/", auth=STAFF, response=STAFF_ANSWERS, tags=["counters"])
def serve(request, counter_id: int = counter_id_path()):
    return counter_ticket_state(actions.mark_served(staff_counter(request, counter_id), by=request.auth))


@api.post("/counters/{counter_id}/no-show/", auth=STAFF, response=STAFF_ANSWERS, tags=["counters"])
def no_show(request, counter_id: int = counter_id_path()):
    return counter_ticket_state(actions.mark_no_show(staff_counter(request, counter_id), by=request.auth))


@api.post("/counters/{counter_id}/transfer/", auth=STAFF, response=STAFF_ANSWERS, tags=["counters"])
def transfer(request, body: TransferRequest, counter_id: int = counter_id_path()):
    counter = staff_counter(request, counter_id)
    to_service = Service.objects.filter(branch=counter.branch, code=body.service.upper()).first()
    if to_service is None:
        raise errors.InvalidTransfer(f"{counter.branch.name} has no service {body.service!r}.")
    return counter_ticket_state(actions.transfer(counter, to_service, by=request.auth))


COUNTER_ANSWERS = {200: CounterOut, **STAFF_REFUSALS, 413: Error}


def counter_state(counter):
    return next(row for row in branch_state(counter.branch)["counters"] if row["id"] == counter.pk)


@api.post("/counters/{counter_id}/pause/", auth=STAFF, response=COUNTER_ANSWERS, tags=["counters"])
def pause(request, counter_id: int = counter_id_path()):
    return counter_state(actions.pause_counter(staff_counter(request, counter_id), by=request.auth))


@api.post("/counters/{counter_id}/resume/", auth=STAFF, response=COUNTER_ANSWERS, tags=["counters"])
def resume(request, counter_id: int = counter_id_path()):
    return counter_state(actions.resume_counter(staff_counter(request, counter_id), by=request.auth))


@api.post("/counters/{counter_id}/close/", auth=STAFF, response=COUNTER_ANSWERS, tags=["counters"])
def close(request, counter_id: int = counter_id_path()):
    return counter_state(actions.close_counter(staff_counter(request, counter_id), by=request.auth))


class UndoOut(Schema):
    undone: str = Field(description="What was taken back, as the console said it, e.g. 'A005 served · A006 called to counter 1'.")
    counter: CounterOut


@api.post("/counters/{counter_id}/undo/", auth=STAFF, response={200: UndoOut, **STAFF_REFUSALS},
          tags=["counters"])
def undo(request, counter_id: int = counter_id_path()):
    """Take back the counter's last call-next (with the serve it made), no-show or close, within 10 seconds
    and while nothing else has happened at the counter; 409 otherwise."""
    counter = staff_counter(request, counter_id)
    operation = actions.undo(counter, by=request.auth)
    return {"undone": operation.summary, "counter": counter_state(counter)}


class SignInRequest(Strict):
    take_over: StrictBool = Field(False, description="Take the counter over from the teller signed in at it.")


@api.post("/counters/{counter_id}/sign-in/", auth=STAFF, response=COUNTER_ANSWERS, tags=["counters"])
def sign_in(request, body: SignInRequest, counter_id: int = counter_id_path()):
    """Work at this counter (any operation at it signs the caller in too); 409 names who is there."""
    counter = staff_counter(request, counter_id, sign_in=False)
    return counter_state(actions.sign_in(counter, request.auth, take_over=body.take_over))


@api.post("/counters/{counter_id}/leave/", auth=STAFF, response=COUNTER_ANSWERS, tags=["counters"])
def leave(request, counter_id: int = counter_id_path()):
    """Stop working at this counter: it pauses if it was open with no customer."""
    counter = staff_counter(request, counter_id, sign_in=False)
    return counter_state(actions.leave_counter(counter, request.auth))


# --- managers ------------------------------------------------------------------------------------


STATS_ANSWERS = {200: dict, **ANY, 401: Error, 403: Error}


def managed_branch(request, slug):
    branch = get_object_or_404(Branch, slug=slug)
    if not is_manager_of(request.auth, branch):
        raise HttpError(403, "Only managers of this branch see its statistics.")
    return branch


@api.get("/branches/{slug}/stats/", auth=STAFF, response=STATS_ANSWERS, tags=["statistics"])
def branch_stats(request, slug: str, from_: Optional[str] = Query(None, alias="from"), to: Optional[str] = None):
    """The branch's figures for the branch-local days ``from``..``to`` (YYYY-MM-DD, default today); 400 for a
    date that is not one, or a range that ends before it begins."""
    branch = managed_branch(request, slug)
    try:
        first, last = stats.date_range(branch, from_, to)
    except stats.InvalidRange as error:
        raise HttpError(400, str(error)) from None
    return {
        **stats.branch_stats(branch, first, last),
        "perceived_wait": perceived.perceived_summary(branch, first, last),
        "by_teller": care.tellers(branch, first, last),
        "breaks": care.break_totals(branch, first, last),
    }


class TellerDayOut(Schema):
    served: int
    service_seconds: int
    served_share: Optional[float]
    load_share: Optional[float]
    thanks: int
    five_faces: int


class TellerNowOut(Schema):
    staff: str
    name: str
    counter: str
    at_counter_since: str
    on_break: bool
    without_break_since: Optional[str] = Field(description="Since when the teller has worked without a break; null while on one.")
    today: Optional[TellerDayOut] = Field(description="Today's figures, as by_teller counts them; null before a first customer.")


@api.get("/branches/{slug}/tellers/", auth=STAFF, response={200: list[TellerNowOut], 401: Error, 403: Error, 404: Error, 503: Error},
         tags=["statistics"])
def tellers_now(request, slug: str):
    """Who is at each counter now, for how long without a break, and their share of today's load (managers)."""
    branch = managed_branch(request, slug)
    rows = care.tellers_now(branch, timezone.now())
    return [
        {**row, "at_counter_since": state_iso(row["at_counter_since"], branch),
         "without_break_since": state_iso(row["without_break_since"], branch)}
        for row in rows
    ]

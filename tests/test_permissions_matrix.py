"""Who may reach what: every route the URL resolver lists (pages, API, exports) and every websocket route,
for anonymous, a teller and a manager of the branch, a teller and a manager of another branch, and a
superuser. A route added without a row here fails ``test_every_route_has_a_row``.

Each route has a kind, and the kind says who gets through:

- ``public``: everyone (the lobby, the kiosk, health checks, the API's description);
- ``holder``: whoever has the ticket's token, signed in or not (it is the key);
- ``staff``: staff of the counter's branch and superusers; others are refused, anonymous asked to sign in;
- ``manager``: managers of the branch and superusers;
- ``account``: Django's own sign-in and password-reset pages, for everyone;
- ``signed_in``: anyone signed in (changing one's password, the list of one's own counters);
- ``admin``: the admin, whose own permissions decide (superusers in; others to its sign-in).
"""

import pytest
from django.urls import URLResolver, get_resolver

from displays.routing import websocket_urlpatterns
from tickets import actions
from tickets.models import ApiToken, Logo

ROLES = ["anonymous", "teller", "manager", "other_teller", "other_manager", "superuser"]
ALLOWED = {
    "public": set(ROLES),
    "holder": set(ROLES),
    "account": set(ROLES),
    "signed_in": set(ROLES) - {"anonymous"},
    "staff": {"teller", "manager", "superuser"},
    "manager": {"manager", "superuser"},
    "admin": {"superuser"},
}

# route -> (kind, method, the address with this test's ids filled in)
ROUTES = {
    "": ("public", "GET", "/"),
    "healthz": ("public", "GET", "/healthz"),
    "readyz": ("public", "GET", "/readyz"),
    "favicon.ico": ("public", "GET", "/favicon.ico"),
    "b/<slug:slug>/kiosk/": ("public", "GET", "/b/main/kiosk/"),
    "b/<slug:slug>/kiosk/<slug:kiosk>/": ("public", "GET", "/b/main/kiosk/entrance/"),
    "b/<slug:slug>/kiosk/<slug:kiosk>/register/": ("public", "GET", "/b/main/kiosk/entrance/register/"),
    "b/<slug:slug>/join/": ("public", "GET", "/b/main/join/"),
    "b/<slug:slug>/display/": ("public", "GET", "/b/main/display/"),
    "b/<slug:slug>/look.css": ("public", "GET", "/b/main/look.css"),
    "b/<slug:slug>/logo": ("public", "GET", "/b/main/logo"),
    "b/<slug:slug>/stats/": ("manager", "GET", "/b/main/stats/"),
    "b/<slug:slug>/stats/tickets.csv": ("manager", "GET", "/b/main/stats/tickets.csv"),
    "b/<slug:slug>/stats/summary.csv": ("manager", "GET", "/b/main/stats/summary.csv"),
    "b/<slug:slug>/stats/notes/<int:feedback_id>/hold-back/": (
        "manager", "POST", "/b/main/stats/notes/{feedback}/hold-back/"),
    "b/<slug:slug>/stats/notes/<int:feedback_id>/export.json": (
        "manager", "GET", "/b/main/stats/notes/{feedback}/export.json"),
    "b/<slug:slug>/stats/notes/<int:feedback_id>/delete/": ("manager", "POST", "/b/main/stats/notes/{feedback}/delete/"),
    "b/<slug:slug>/audit/": ("manager", "GET", "/b/main/audit/"),
    "b/<slug:slug>/audit/trail.csv": ("manager", "GET", "/b/main/audit/trail.csv"),
    "t/<token:token>/": ("holder", "GET", "/t/{token}/"),
    "t/<token:token>/print/": ("holder", "GET", "/t/{token}/print/"),
    "t/<token:token>/kiosk/<slug:kiosk>/": ("holder", "GET", "/t/{token}/kiosk/entrance/"),
    "t/<token:token>/cancel/": ("holder", "POST", "/t/{token}/cancel/"),
    "t/<token:token>/feedback/": ("holder", "POST", "/t/{served}/feedback/"),
    "t/<token:token>/language/": ("holder", "POST", "/t/{token}/language/"),
    "t/<token:token>/texts/": ("holder", "POST", "/t/{token}/texts/"),
    "staff/": ("signed_in", "GET", "/staff/"),
    "staff/counters/<int:counter_id>/": ("staff", "GET", "/staff/counters/{counter}/"),
    "staff/counters/<int:counter_id>/leave/": ("staff", "POST", "/staff/counters/{counter}/leave/"),
    "staff/counters/<int:counter_id>/<str:operation>/": ("staff", "POST", "/staff/counters/{counter}/recall/"),
    "accounts/login/": ("account", "GET", "/accounts/login/"),
    "i18n/setlang/": ("account", "POST", "/i18n/setlang/"),
    "accounts/logout/": ("account", "POST", "/accounts/logout/"),
    "accounts/password_change/": ("signed_in", "GET", "/accounts/password_change/"),
    "accounts/password_change/done/": ("signed_in", "GET", "/accounts/password_change/done/"),
    "accounts/password_reset/": ("account", "GET", "/accounts/password_reset/"),
    "accounts/password_reset/done/": ("account", "GET", "/accounts/password_reset/done/"),
    "accounts/reset/<uidb64>/<token>/": ("account", "GET", "/accounts/reset/x/y/"),
    "accounts/reset/done/": ("account", "GET", "/accounts/reset/done/"),
    "admin/": ("admin", "GET", "/admin/"),
    "api/v1/": ("public", "GET", "/api/v1/openapi.json"),
    "api/v1/openapi.json": ("public", "GET", "/api/v1/openapi.json"),
    "api/v1/docs": ("public", "GET", "/api/v1/docs"),
    "api/v1/branches/<slug>/": ("public", "GET", "/api/v1/branches/main/"),
    "api/v1/branches/<slug>/tickets/": ("public", "POST", "/api/v1/branches/main/tickets/"),
    "api/v1/tickets/<token>/": ("holder", "GET", "/api/v1/tickets/{token}/"),
    "api/v1/tickets/<token>/cancel/": ("holder", "POST", "/api/v1/tickets/{token}/cancel/"),
    "api/v1/tickets/<token>/feedback/": ("holder", "POST", "/api/v1/tickets/{served}/feedback/"),
    "api/v1/branches/<slug>/stats/": ("manager", "GET", "/api/v1/branches/main/stats/"),
    "api/v1/branches/<slug>/tellers/": ("manager", "GET", "/api/v1/branches/main/tellers/"),
    **{
        f"api/v1/counters/<counter_id>/{operation}/": ("staff", "POST", f"/api/v1/counters/{{counter}}/{operation}/")
        for operation in ["call-next", "recall", "serve", "no-show", "transfer", "pause", "resume", "close",
                          "undo", "sign-in", "leave"]
    },
}
BODIES = {"/api/v1/branches/main/tickets/": {"service": "A"}, "feedback/": {"rating": 5},
          "transfer/": {"service": "B"}, "sign-in/": {"take_over": True}}
WEBSOCKETS = {"ws/branches/<slug:branch>/": "public", "ws/tickets/<token:token>/": "holder", "": "public"}


def resolver_routes(patterns=None, prefix=""):
    """Every route the URL resolver lists; the admin's own as one (it checks its permissions itself)."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if route == "admin/":
                yield route
            else:
                yield from resolver_routes(pattern.url_patterns, route)
        else:
            yield route


def test_every_route_has_a_row(db):
    assert set(resolver_routes()) == set(ROUTES)
    assert {str(pattern.pattern) for pattern in websocket_urlpatterns} == set(WEBSOCKETS)


def answer(client, method, path, key):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key and path.startswith("/api/") else {}
    if method == "GET":
        return client.get(path, **headers)
    if path.startswith("/api/"):
        body = next((b for end, b in BODIES.items() if path.endswith(end)), None)
        return client.post(path, body, content_type="application/json", **headers)
    body = {"rating": "5"} if path.endswith("feedback/") else {}
    return client.post(path, body, **headers)


def got_through(response, path):
    """Whether the answer is past the gate: not asked to sign in (302 to a sign-in page, 401), not refused
    (403, or 404 for what one may not know exists)."""
    if response.status_code in (401, 403, 404):
        return False
    location = response.get("Location", "")
    return not (response.status_code == 302 and "login" in location and "login" not in path)


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_who_gets_through(route, client, branch, deposits, loans, counter, teller, manager, other_teller,
                          other_manager, superuser, kiosk):
    kind, method, template = ROUTES[route]
    Logo.objects.create(branch=branch, image=b"\x89PNG\r\n\x1a\n", content_type="image/png", version="1")
    if route == "readyz":
        pytest.skip("asynchronous, it reads the database on a thread of its own: tests/test_operations.py asks it")
    people = {"anonymous": None, "teller": teller, "manager": manager, "other_teller": other_teller,
              "other_manager": other_manager, "superuser": superuser}
    passed = set()
    for role, user in people.items():
        # Each role on a fresh floor: an operation one role makes must not stand in another's way.
        ticket = actions.issue_ticket(deposits)
        actions.issue_ticket(deposits)
        actions.sign_in(counter, teller, take_over=True)
        if counter.status != "open":
            actions.resume_counter(counter)
        served = actions.call_next(counter, by=teller)
        actions.mark_served(counter, by=teller)
        feedback = actions.record_feedback(served, rating=1, note="rude")
        actions.call_next(counter, by=teller)  # someone at the counter, to recall, serve or transfer
        path = template.format(token=ticket.token, served=served.token, counter=counter.pk, feedback=feedback.pk)
        client.logout()
        key = None
        if user is not None:
            client.force_login(user)
            key = ApiToken.objects.create_token(user, f"matrix-{route}")[1]
        response = answer(client, method, path, key)
        assert response.status_code < 500, (role, path, response.status_code)
        if got_through(response, path):
            passed.add(role)
        counter.refresh_from_db()
    assert passed == ALLOWED[kind], f"{method} {route}: expected {sorted(ALLOWED[kind])}, got {sorted(passed)}"

"""Every page runs under the Content-Security-Policy with nothing refused: no inline script, style or
handler anywhere, the API's docs from our own static files (queuesite/middleware.py)."""

import pytest
from django.contrib.auth import get_user_model

from .conftest import PHONE, TABLET, TV, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

LISTEN = """window.__refused = [];
document.addEventListener("securitypolicyviolation", (e) => window.__refused.push(
  e.violatedDirective + " " + (e.blockedURI || "inline") + " " + (e.sourceFile || "") + ":" + e.lineNumber));"""


def refused(page, path):
    page.goto(path)
    page.wait_for_load_state("networkidle")
    return page.evaluate("window.__refused")


def watched(open_page, viewport):
    page = open_page(viewport)
    page.add_init_script(LISTEN)
    return page


def test_the_customers_pages_break_no_rule_of_the_policy(open_page, floor):
    ticket = floor.take("A")
    for viewport, path in [(TABLET, "/b/main/kiosk/"), (PHONE, "/b/main/join/"), (TV, "/b/main/display/"),
                           (PHONE, ticket["url"]), (TABLET, f"{ticket['url']}print/"), (PHONE, "/")]:
        assert refused(watched(open_page, viewport), path) == [], path


def test_the_staff_pages_break_no_rule_of_the_policy(open_page, counter):
    teller = watched(open_page, TABLET)
    sign_in(teller, "teller", f"/staff/counters/{counter.pk}/")
    assert teller.evaluate("window.__refused") == []
    manager = watched(open_page, TABLET)
    sign_in(manager, "manager", "/b/main/stats/")
    assert manager.evaluate("window.__refused") == []
    get_user_model().objects.create_superuser("root", password="pw-root")
    admin = watched(open_page, TABLET)
    sign_in(admin, "root", "/admin/")
    for path in ["/admin/", "/admin/tickets/ticket/", "/admin/tickets/branch/add/", "/api/v1/docs"]:
        assert refused(admin, path) == [], path

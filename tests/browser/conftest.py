"""Real-browser journeys: Debian's Chromium driven by Playwright against a live Daphne.

Without Chromium these tests skip, naming the install command; in CI (CI=true) a missing Chromium is a
failure, not a skip. A failing test leaves a screenshot of each of its pages and their console logs in
test-results/. Every journey also saves its screens to screenshots/ (see `make screenshots`).
"""

import os
import re
import shutil
from pathlib import Path

import pytest

from tests.servers import Daphne, Floor

CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "screenshots"
RESULTS = ROOT / "test-results"

TV = {"width": 1920, "height": 1080}
PHONE = {"width": 390, "height": 844}
TABLET = {"width": 1280, "height": 800}

report_key = pytest.StashKey[dict]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    item.stash.setdefault(report_key, {})[report.when] = report
    return report


# One browser per test module: Playwright's sync API keeps an event loop running in this thread while
# it lives, which the asyncio tests that may run next in the same worker cannot share.
@pytest.fixture(scope="module")
def chromium():
    if not os.path.exists(CHROMIUM):
        message = f"Chromium not found at {CHROMIUM}: install it with `apt-get install -y chromium`."
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message + " CI must run the browser tests.")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread, which Django takes for async
    # code; the tests' own database calls are plain synchronous ones (Playwright's documented advice).
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM,
                args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
                      "--disable-component-update", "--disable-sync", "--no-first-run",
                      "--autoplay-policy=no-user-gesture-required"],
            )
            yield browser
            browser.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def server(transactional_db, branch, deposits, loans, counter, counter2, teller, manager):
    # Screens beat every 2 s rather than 20, so a screen that missed a message is seen catching up
    # within a test's patience.
    daphne = Daphne(env={"SCREEN_HEARTBEAT_SECONDS": "2"}).start()
    yield daphne
    daphne.stop()


@pytest.fixture
def floor(server, api_key):
    """Changes made through the server, so its screens hear of them (the test process has its own layer)."""
    return Floor(server.url, api_key)


@pytest.fixture
def open_page(chromium, server, request):
    """``open_page(viewport)``: a new page in its own context; failures leave screenshots and logs.
    ``javascript=False``: the page as the server drew it, which no script has touched."""
    contexts, pages = [], []

    def open_(viewport, path=None, javascript=True):
        context = chromium.new_context(viewport=viewport, base_url=server.url, java_script_enabled=javascript)
        page = context.new_page()
        page.console_log = []
        page.on("console", lambda message: page.console_log.append(f"{message.type}: {message.text}"))
        page.on("pageerror", lambda error: page.console_log.append(f"pageerror: {error}"))
        contexts.append(context)
        pages.append(page)
        if path:
            page.goto(path)
        return page

    yield open_
    report = request.node.stash.get(report_key, {}).get("call")
    if report is not None and report.failed:
        folder = RESULTS / re.sub(r"[^\w.-]+", "_", request.node.nodeid)
        folder.mkdir(parents=True, exist_ok=True)
        for number, page in enumerate(pages, 1):
            try:
                page.screenshot(path=folder / f"page{number}.png", full_page=True)
            except Exception as error:  # a closed page still leaves its log
                page.console_log.append(f"(no screenshot: {error})")
            (folder / f"page{number}-console.log").write_text(page.url + "\n" + "\n".join(page.console_log))
    for context in contexts:
        context.close()


AXE = Path(__file__).parent / "vendor" / "axe.min.js"


def add_axe(page):
    """axe-core in the page as a script of its own origin: the Content-Security-Policy stays on while it checks."""
    page.route("**/__axe.min.js", lambda route: route.fulfill(path=AXE, content_type="text/javascript"))
    page.add_script_tag(url="/__axe.min.js")


def shot(page, name):
    """Keep what this screen looks like now, for people to look at (screenshots/ is git-ignored)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png")


def sign_in(page, username, next_path):
    page.goto(f"/accounts/login/?next={next_path}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(f"pw-{username}")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**{next_path}")

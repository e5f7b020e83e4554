"""The kiosk as a customer at the door meets it, on a portrait 1080x1920 touch screen and a 1280x1024 one:
large targets, a priority switch, "Your number is ..." after the tap, back to the start by itself, and
the paper ticket it prints on an 80 mm roll."""

import re

import pytest
from playwright.sync_api import expect

from tickets.models import Service, Ticket

from .conftest import shot

pytestmark = pytest.mark.django_db(transaction=True)

PORTRAIT = {"width": 1080, "height": 1920}
LANDSCAPE = {"width": 1280, "height": 1024}
MM = 96 / 25.4  # CSS pixels in a millimetre
TARGET = 25 * MM  # 94.5 px: the least height of anything a customer taps

# Every box a customer can tap on the kiosk, measured at once in the page (a live update may redraw it).
TARGETS = """() => [...document.querySelectorAll('.service-button, label.priority')].map(node => {
    const box = node.getBoundingClientRect();
    return {text: node.textContent.trim().replace(/\\s+/g, ' '), top: box.top, bottom: box.bottom,
            left: box.left, right: box.right, height: box.height};
})"""


@pytest.fixture
def four_services(branch, deposits, loans):
    for code, name in [("C", "Customer care and complaints"), ("D", "Mortgages, insurance and pensions")]:
        Service.objects.create(branch=branch, code=code, name=name, position=ord(code))


def test_in_portrait_each_service_is_a_row_at_least_25_mm_high(open_page, four_services):
    kiosk = open_page(PORTRAIT, "/b/main/kiosk/")
    expect(kiosk.locator(".service-button")).to_have_count(4)
    targets = kiosk.evaluate(TARGETS)
    shot(kiosk, "kiosk-portrait-1080x1920")
    assert len(targets) == 5
    for target in targets:
        assert target["height"] >= TARGET, target
        assert target["bottom"] <= PORTRAIT["height"], f"{target['text']} is below the screen"
    buttons = sorted(targets[1:], key=lambda target: target["top"])
    for above, below in zip(buttons, buttons[1:]):
        assert below["top"] >= above["bottom"], f"{above['text']} and {below['text']} share a row"
    for button in buttons:
        assert button["right"] - button["left"] >= PORTRAIT["width"] * 0.8, button


def test_in_landscape_every_target_is_at_least_25_mm_high_and_on_the_screen(open_page, four_services):
    kiosk = open_page(LANDSCAPE, "/b/main/kiosk/")
    expect(kiosk.locator(".service-button")).to_have_count(4)
    targets = kiosk.evaluate(TARGETS)
    shot(kiosk, "kiosk-landscape-1280x1024")
    for target in targets:
        assert target["height"] >= TARGET, target
        assert target["bottom"] <= LANDSCAPE["height"], f"{target['text']} is below the screen"


def test_priority_is_a_large_switch_that_the_form_posts_without_javascript(open_page, deposits):
    kiosk = open_page(PORTRAIT, "/b/main/kiosk/", javascript=False)
    switch = kiosk.get_by_role("switch", name=re.compile("Priority"))
    expect(switch).not_to_be_checked()
    kiosk.locator("label.priority").click()
    expect(switch).to_be_checked()
    # The switch says so in words, and every service says it will give a priority ticket.
    expect(kiosk.locator("label.priority .switch")).to_have_text("On", use_inner_text=True)
    expect(kiosk.get_by_role("button", name=re.compile("Deposits"))).to_contain_text("priority ticket", use_inner_text=True)
    kiosk.screenshot(path=shot_path("kiosk-priority-on-1080x1920"), animations="disabled")
    kiosk.get_by_role("button", name=re.compile("Deposits")).click()
    expect(kiosk.locator(".issued-number")).to_have_text("A001")
    assert Ticket.objects.get().priority is True


def test_a_ticket_without_the_switch_is_not_a_priority_ticket(open_page, deposits):
    kiosk = open_page(PORTRAIT, "/b/main/kiosk/", javascript=False)
    expect(kiosk.get_by_role("button", name=re.compile("Deposits"))).not_to_contain_text("priority ticket", use_inner_text=True)
    kiosk.get_by_role("button", name=re.compile("Deposits")).click()
    expect(kiosk.locator(".issued-number")).to_have_text("A001")
    assert Ticket.objects.get().priority is False


def test_priority_left_on_is_off_again_for_the_next_customer(open_page, deposits):
    kiosk = open_page(PORTRAIT)
    kiosk.clock.install()
    kiosk.goto("/b/main/kiosk/")
    kiosk.locator("label.priority").click()
    switch = kiosk.get_by_role("switch", name=re.compile("Priority"))
    expect(switch).to_be_checked()
    kiosk.clock.run_for(20_000)
    expect(switch).to_be_checked()  # still the same customer's choice
    kiosk.clock.run_for(20_000)
    expect(switch).not_to_be_checked()


def test_an_error_left_on_the_kiosk_goes_before_the_next_customer(open_page, deposits):
    kiosk = open_page(PORTRAIT)
    kiosk.clock.install()
    kiosk.goto("/b/main/kiosk/")
    # A service that closed since the page was drawn.
    kiosk.locator('.service-button[data-code="A"]').evaluate("button => { button.value = 'Z'; }")
    kiosk.locator('.service-button[data-code="A"]').click()
    expect(kiosk.get_by_role("alert")).to_have_text("Choose a service.")
    assert not Ticket.objects.exists()
    kiosk.wait_for_load_state("load")  # the answer's script has set its timer
    kiosk.clock.run_for(40_000)
    expect(kiosk.get_by_role("alert")).to_have_count(0)
    expect(kiosk.get_by_role("button", name=re.compile("Deposits"))).to_be_visible()


def test_a_double_tap_gives_one_ticket(open_page, deposits):
    kiosk = open_page(PORTRAIT, "/b/main/kiosk/")
    expect(kiosk.locator("html")).not_to_have_class("offline")
    # Two taps in one go, and whether the page let each one through (its own listener runs first).
    let_through = kiosk.evaluate("""() => {
        const seen = [];
        window.addEventListener('submit', event => seen.push(!event.defaultPrevented));
        const button = document.querySelector('.service-button[data-code="A"]');
        button.click();
        button.click();
        return seen;
    }""")
    assert let_through == [True, False]
    expect(kiosk.locator(".issued-number")).to_have_text("A001")
    assert Ticket.objects.count() == 1


@pytest.mark.parametrize("viewport", [PORTRAIT, LANDSCAPE], ids=["portrait", "landscape"])
def test_after_a_tap_the_whole_screen_says_the_number(open_page, floor, deposits, counter, viewport):
    floor.take("A")
    kiosk = open_page(viewport, "/b/main/kiosk/")
    kiosk.get_by_role("button", name=re.compile("Deposits")).click()
    heading = kiosk.get_by_role("heading", level=1)
    expect(heading).to_have_text("Your number is A002")
    expect(kiosk.locator(".issued")).to_contain_text("Take your ticket below")
    expect(kiosk.locator(".issued .wait")).to_have_text(re.compile(r"^1 ahead of you · (about \d+ min|under 1 min)$"))
    # The paper's layout is for the printer only; the screen shows the confirmation.
    expect(kiosk.locator(".paper-ticket")).to_be_hidden()
    # The number, huge: the largest type by far, across most of the screen.
    number, take = (kiosk.locator(selector).evaluate("node => parseFloat(getComputedStyle(node).fontSize)")
                    for selector in (".issued-number", ".issued .take"))
    assert number >= 4 * take
    assert kiosk.locator(".issued-number").bounding_box()["width"] >= viewport["width"] * 0.6
    shot(kiosk, f"kiosk-your-number-{viewport['width']}x{viewport['height']}")


def test_the_confirmation_goes_back_to_the_start_by_itself_without_afterprint(open_page, deposits):
    kiosk = open_page(PORTRAIT)
    # The page's clock, moved by the test: no waiting, and no "afterprint" (headless Chromium never fires it;
    # the listener below proves it did not).
    kiosk.clock.install()
    kiosk.add_init_script("window.addEventListener('afterprint', () => { window.name = 'afterprint fired'; })")
    kiosk.goto("/b/main/kiosk/")
    kiosk.get_by_role("button", name=re.compile("Deposits")).click()
    expect(kiosk.locator(".issued-number")).to_have_text("A001")
    kiosk.wait_for_load_state("load")  # print.js has set its timer: only then may the fake clock run
    kiosk.clock.run_for(30_000)
    kiosk.wait_for_url("**/b/main/kiosk/")
    expect(kiosk.get_by_role("button", name=re.compile("Deposits"))).to_contain_text("1 waiting")
    assert kiosk.evaluate("window.name") != "afterprint fired"


# The print page as the printer lays it out, measured at once in the page.
PAPER = """() => {
    const mm = 96 / 25.4;
    const lines = node => { const range = document.createRange(); range.selectNodeContents(node);
                            return new Set([...range.getClientRects()].map(rect => Math.round(rect.top))).size; };
    const ticket = document.querySelector('.paper-ticket');
    const number = ticket.querySelector('.number');
    const canvas = document.createElement('canvas').getContext('2d');
    const style = getComputedStyle(number);
    canvas.font = style.font;
    const ink = canvas.measureText(number.textContent.trim());
    const range = document.createRange(); range.selectNodeContents(number);
    const backgrounds = [...document.querySelectorAll('html, body, body *')]
        .filter(node => node.getClientRects().length)
        .map(node => getComputedStyle(node).backgroundColor)
        .filter(colour => !['rgba(0, 0, 0, 0)', 'rgb(255, 255, 255)'].includes(colour));
    return {
        width: ticket.getBoundingClientRect().width / mm,
        height: ticket.getBoundingClientRect().height / mm,
        number_ink_mm: (ink.actualBoundingBoxAscent + ink.actualBoundingBoxDescent) / mm,
        number_width_mm: range.getBoundingClientRect().width / mm,
        one_liners: Object.fromEntries([...ticket.querySelectorAll('.branch, .number, .service, dt, dd, .watch, .time')]
            .map(node => [node.textContent.trim(), lines(node)])),
        backgrounds: backgrounds,
        shown: [...document.querySelectorAll('main > *')].filter(node => node.getClientRects().length).map(node => node.className),
    };
}"""


def printed_page(open_page, floor):
    ticket = floor.take("A")
    page = open_page(PORTRAIT)
    page.clock.install()  # the way back to the kiosk waits for the test
    # The page's own print() would race the test's printing to PDF ("Page is already being printed").
    page.add_init_script("window.print = () => { window.printed = (window.printed || 0) + 1; }")
    page.goto(ticket["url"] + "print/")
    page.wait_for_function("() => window.printed === 1")
    return page


def test_the_printed_page_is_80_mm_wide_and_one_page_long(open_page, floor, deposits):
    pdf = printed_page(open_page, floor).pdf(prefer_css_page_size=True)
    boxes = re.findall(rb"/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
    assert len(boxes) == 1, "the ticket fits one page"
    left, bottom, right, top = (float(value) for value in boxes[0])
    assert right - left == pytest.approx(80 / 25.4 * 72, abs=0.5)  # 226.77 pt
    assert top - bottom == pytest.approx(150 / 25.4 * 72, abs=0.5)


def test_the_paper_ticket_has_a_big_number_and_no_awkward_wraps(open_page, floor, deposits, counter):
    page = printed_page(open_page, floor)
    page.emulate_media(media="print")
    paper = page.evaluate(PAPER)
    page.locator(".paper-ticket").screenshot(path=shot_path("print-ticket-80mm"))
    assert paper["shown"] == ["paper-ticket"], "only the ticket is printed"
    assert paper["width"] == pytest.approx(80, abs=0.1)
    assert paper["height"] <= 150, "the ticket fits its page"
    assert paper["number_ink_mm"] >= 20
    assert paper["number_width_mm"] <= 72, "the number fits the roll's printable width"
    assert paper["backgrounds"] == [], "no grey on paper"
    assert paper["one_liners"] == {"Main Street": 1, "A001": 1, "Deposits": 1, "People ahead": 1, "0": 1,
                                   "Estimated wait": 1, "under 1 min": 1,
                                   "Watch the screen or follow on your phone": 1,
                                   paper_time(page): 1}


def test_where_only_a_wide_face_is_installed_the_number_still_fits_the_roll(open_page, floor, deposits):
    # A kiosk without narrow fonts: the number falls back to a wide face, as wide as DejaVu Sans.
    wide = '.paper-ticket .number { font-family: "DejaVu Sans", sans-serif; font-stretch: normal; }'

    def without_narrow_fonts(route):
        response = route.fetch()
        route.fulfill(response=response, body=response.text() + wide)

    ticket = floor.take("A")
    page = open_page(PORTRAIT)
    page.route("**/ticket-print.css", without_narrow_fonts)
    page.clock.install()
    page.add_init_script("window.print = () => { window.printed = (window.printed || 0) + 1; }")
    page.goto(ticket["url"] + "print/")
    page.wait_for_function("() => window.printed === 1")
    page.emulate_media(media="print")
    paper = page.evaluate(PAPER)
    assert "DejaVu Sans" in page.locator(".paper-ticket .number").evaluate("node => getComputedStyle(node).fontFamily")
    assert paper["number_width_mm"] <= 72
    assert paper["number_ink_mm"] >= 15, "as large as the roll allows"
    assert paper["one_liners"]["A001"] == 1


def shot_path(name):
    from .conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS / f"{name}.png"


def paper_time(page):
    return page.locator(".paper-ticket .time").text_content().strip()

"""Every customer's screen in each language: the kiosk, its paper, the TV and the phone, with screenshots;
the live render equals the first paint in each; Arabic lays out right to left with nothing overlapping; the
spoken call and the choice of its voice."""

import pytest
from playwright.sync_api import expect

from tickets import actions

from .conftest import PHONE, TV, shot
from .test_kiosk import PORTRAIT
from .test_live_render import assert_live_matches_a_fresh_load, follow_phone, showing

pytestmark = pytest.mark.django_db(transaction=True)

# language -> what its kiosk asks, its phone's place in line, and its TV's first label
SAID = {
    "pt": ("Toque no serviço de que precisa", "É o número 1 na fila", "A chamar"),
    "fil": ("Pindutin ang serbisyong kailangan ninyo", "Kayo ang ika-1 sa pila", "Tinatawag ngayon"),
    "zh-hant": ("請點選您需要的服務", "您排在第 1 位", "現在叫號"),
    "ar": ("اختر الخدمة التي تحتاجها", "رقمك 1 في الصف", "يُنادى الآن"),
}

# Any two pieces of text on the screen that share pixels overlap (each text's own box, not its element's,
# which may be wider than its words).
OVERLAPS = """() => {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const texts = [];
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (!node.textContent.trim() || !node.parentElement.checkVisibility()) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    [...range.getClientRects()].forEach((box) => texts.push([node, box]));
  }
  const found = [];
  texts.forEach(([a, p], i) => texts.slice(i + 1).forEach(([b, q]) => {
    // One text's runs (Arabic and Latin in one line) are laid side by side by the browser itself.
    if (a !== b && p.left < q.right - 1 && q.left < p.right - 1 && p.top < q.bottom - 1 && q.top < p.bottom - 1)
      found.push(a.textContent.trim() + " / " + b.textContent.trim() + " " + Math.round(p.bottom - q.top));
  }));
  return {found, wide: document.documentElement.scrollWidth > window.innerWidth + 1};
}"""


def speaking(branch, language):
    branch.languages = f"{language},en"
    branch.save()


@pytest.mark.parametrize("language", SAID)
def test_the_kiosk_its_paper_the_tv_and_the_phone_speak_each_language(open_page, floor, branch, counter, language):
    speaking(branch, language)
    asks, place, calling = SAID[language]
    kiosk = open_page(PORTRAIT, "/b/main/kiosk/")
    expect(kiosk.locator("h1 + .lead")).to_have_text(asks)
    expect(kiosk.locator(".language-switch button.current")).to_have_attribute("lang", language)
    shot(kiosk, f"kiosk-{language}")
    kiosk.locator(".service-button").first.click()
    kiosk.wait_for_url("**/print/")
    expect(kiosk.locator("html")).to_have_attribute("lang", language)
    shot(kiosk, f"ticket-{language}")

    phone = open_page(PHONE, kiosk.url.replace("/print/", "/"))
    showing(phone.locator("#ticket-status"), place)
    shot(phone, f"phone-{language}")

    tv = open_page(TV, "/b/main/display/")
    expect(tv.locator("#now-calling .in-language").first).to_have_text(calling)
    floor.counter(counter, "call-next")
    expect(tv.locator("#called-number")).to_have_text(phone.locator("h1.number").inner_text())
    # The counter in each of the branch's languages, the branch's own first; the number said once.
    expect(tv.locator("#called-counter .in-language")).to_have_count(2)
    shot(tv, f"display-{language}")


@pytest.mark.parametrize("language", ["pt", "zh-hant", "fil"])
def test_the_phone_redraws_live_what_a_fresh_load_shows_in_its_language(open_page, floor, branch, counter, language):
    speaking(branch, language)
    floor.take("A", language=language)
    mine = floor.take("A", language=language)
    phone, _events, _requests = follow_phone(open_page, mine)
    floor.take("A")
    floor.counter(counter, "call-next")
    showing(phone.locator("#ticket-status"), SAID[language][1])
    assert_live_matches_a_fresh_load(phone, open_page, "#ticket-page")


def test_the_lobby_redraws_live_what_a_fresh_load_shows_in_both_languages(open_page, floor, branch, counter):
    speaking(branch, "pt")
    tv = open_page(TV, "/b/main/display/")
    tv.wait_for_function("() => !document.documentElement.classList.contains('offline')")
    floor.take("A")
    floor.counter(counter, "call-next")
    expect(tv.locator("#called-counter")).to_have_text("Balcão 1Counter 1")
    fresh = open_page(TV, "/b/main/display/", javascript=False)
    for part in ("#now-calling", "#called-counter", "#at-counters", ".waiting h2"):
        assert tv.locator(part).inner_html().strip() == fresh.locator(part).inner_html().strip(), part


@pytest.mark.parametrize("viewport, path", [(PORTRAIT, "/b/main/kiosk/"), (PHONE, "{ticket}"), (TV, "/b/main/display/")])
def test_arabic_lays_out_right_to_left_with_nothing_overlapping(open_page, floor, branch, deposits, counter, viewport, path):
    speaking(branch, "ar")
    ticket = actions.issue_ticket(deposits, language="ar")
    floor.take("A")
    floor.counter(counter, "call-next")
    page = open_page(viewport, path.format(ticket=f"/t/{ticket.token}/"))
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    layout = page.evaluate(OVERLAPS)
    assert layout == {"found": [], "wide": False}
    if path.endswith("kiosk/"):
        # Right to left: a service's letter stands at its right, before its name.
        code, name = (page.locator(".service-button").first.locator(part).bounding_box() for part in (".code", ".name"))
        assert code["x"] > name["x"]
    shot(page, f"rtl-{path.strip('/{}').replace('/', '-') or 'phone'}-ar")


# A device's own voices, as speechSynthesis.getVoices() lists them.
VOICES = [{"lang": "en-GB", "localService": True, "name": "English"},
          {"lang": "pt-BR", "localService": False, "name": "Brazilian online"},
          {"lang": "pt-PT", "localService": True, "name": "European"},
          {"lang": "zh-CN", "localService": True, "name": "Mainland"}]


def test_the_call_is_spoken_in_each_branch_language_with_a_voice_of_that_language(open_page, branch):
    speaking(branch, "pt")
    tv = open_page(TV, "/b/main/display/")
    said = tv.evaluate("(voices) => Frontline.utterances('A007', '3', voices)"
                       ".map((u) => [u.language, u.voice.name, u.text])", VOICES)
    assert said == [["pt", "European", "Senha A 0 0 7, balcão 3"], ["en", "English", "Ticket A 0 0 7, counter 3"]]


def test_digits_said_as_words_where_the_branch_prefers_them(open_page, branch):
    branch.languages, branch.speak_digits_as_words = "fil,zh-hant", True
    branch.save()
    tv = open_page(TV, "/b/main/display/")
    texts = tv.evaluate("() => ['fil', 'zh-hant'].map((code) => Frontline.spokenCall('A007', '3', code, true))")
    assert texts == ["Numero A sero sero pito, sa counter 3", "A 零 零 七 號，請到 3 號櫃檯"]


def test_a_language_without_a_voice_is_left_to_the_chime_never_to_another_languages_voice(open_page, branch):
    speaking(branch, "zh-hant")
    tv = open_page(TV, "/b/main/display/")
    # A Mainland voice is not a Taiwanese or Hong Kong one: Traditional Chinese is not spoken at all.
    said = tv.evaluate("(voices) => Frontline.utterances('A007', '3', voices).map((u) => u.language)", VOICES)
    assert said == ["en"]
    assert tv.evaluate("() => Frontline.utterances('A007', '3', []).length") == 0

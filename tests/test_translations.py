"""Every word a person reads goes through the translation machinery, and each language's catalog has them.

The scans read the project's own templates, scripts and Python; what is not words (codes, the brand, the
dash, numbers) is allowed by name below. The API (tickets/api.py) answers integrators in English: it is the
contract, and left out on purpose.
"""

import ast
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
LOCALE = ROOT / "locale"
# Catalogs that must be complete for every customer's string; Arabic is the partial proof of right-to-left.
COMPLETE = ["pt", "fil", "zh_Hant"]
# The files whose strings a customer reads: every entry found in one of them must be translated.
CUSTOMER_FILES = (
    "templates/base.html", "templates/tickets/kiosk.html", "templates/tickets/join.html",
    "templates/tickets/_take_ticket.html", "templates/tickets/ticket.html", "templates/tickets/print.html",
    "templates/tickets/_language_switch.html", "templates/displays/display.html", "tickets/words.py",
    "tickets/forms.py", "tickets/views.py", "templates/texts/_phone.html", "texts/notify.py", "texts/views.py",
    "texts/errors.py",
)
# Not words: the brand, symbols, and the kinds of text a template writes around its variables.
NOT_WORDS = {"Frontline", "QR", "URL"}


def _text_of_template(source):
    source = re.sub(r"{%\s*blocktranslate.*?{%\s*endblocktranslate\s*%}", " ", source, flags=re.S)
    source = re.sub(r"{#.*?#}", " ", source, flags=re.S)
    # A page's body class names a style, not a word.
    source = re.sub(r"{%\s*block body_class\s*%}.*?{%\s*endblock\s*%}", " ", source)
    source = re.sub(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", " ", source, flags=re.S)
    source = re.sub(r"<(script|style)\b.*?</\1>", " ", source, flags=re.S)
    source = re.sub(r"<svg\b.*?</svg>", " ", source, flags=re.S)
    source = re.sub(r"{%.*?%}|{{.*?}}", " ", source, flags=re.S)  # what the template fills in or translates
    visible_attributes = re.findall(r'\b(?:aria-label|title|placeholder|alt)="([^"]*)"', source)
    return [re.sub(r"<[^>]*>", " ", source), *visible_attributes]


def _words_in(text):
    return [word for word in re.findall(r"[A-Za-z][A-Za-z'’-]+", text) if word not in NOT_WORDS]


@pytest.mark.parametrize("path", sorted(str(p.relative_to(ROOT)) for p in (ROOT / "templates").rglob("*.html")))
def test_a_template_says_nothing_outside_translate(path):
    found = [word for text in _text_of_template((ROOT / path).read_text()) for word in _words_in(text)]
    assert not found, f"{path}: words outside {{% translate %}}: {found[:12]}"


# Literals a script may hold that are no words: CSS, selectors, events, element names, data keys.
SCRIPT_LITERAL = re.compile(r'"((?:[^"\\]|\\.)*)"')


@pytest.mark.parametrize("path", sorted(str(p.relative_to(ROOT)) for p in (ROOT / "static/js").glob("*.js")))
def test_a_script_says_only_words_it_is_given(path):
    """A phrase has at least two words and a space; the scripts say none of their own (Frontline.say)."""
    code = re.sub(r"//.*", "", (ROOT / path).read_text())
    phrases = [literal for literal in SCRIPT_LITERAL.findall(code)
               if re.search(r"[A-Za-z]{2,} [A-Za-z]{2,}", literal) and not re.search(r"[\[\]=#.:>(]", literal)
               and literal not in ("use strict", "ticket-status status-")]
    assert not phrases, f"{path}: phrases of its own: {phrases}"


# Calls whose string argument is read by a person, and where it sits.
SHOWN = {"error": 1, "success": 1, "info": 1, "warning": 1, "add_error": 1, "ValidationError": 0}
TRANSLATING = {"gettext", "gettext_lazy", "_", "ngettext", "pgettext", "Plural", "format_lazy"}


def _is_plain_text(node):
    if isinstance(node, ast.JoinedStr):
        return True
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and bool(_words_in(node.value))


def _untranslated(tree):
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
        shown = []
        if name in SHOWN and len(node.args) > SHOWN[name]:
            shown.append(node.args[SHOWN[name]])
        if name and (name.endswith("Error") or name in {"ServiceUnavailable", "InvalidTransfer", "InvalidFeedback"}):
            shown.extend(node.args[:1])
        shown.extend(keyword.value for keyword in node.keywords if keyword.arg in {"label", "help_text", "verbose_name"})
        for argument in shown:
            if _is_plain_text(argument):
                yield f"line {argument.lineno}: {ast.unparse(argument)[:70]}"


# Every module of the apps but the API (the integrators' English contract), the migrations, the
# management commands, the system checks and the workers' delivery log (whose words are for the
# administrator at a terminal or in the admin's log).
PYTHON = sorted(
    str(path.relative_to(ROOT)) for folder in ("tickets", "displays", "printing", "queuesite")
    for path in (ROOT / folder).rglob("*.py")
    if "migrations" not in path.parts and "commands" not in path.parts and path.name not in ("api.py", "checks.py", "outboxes.py")
)


@pytest.mark.parametrize("path", PYTHON)
def test_python_shows_people_only_translated_text(path):
    found = list(_untranslated(ast.parse((ROOT / path).read_text())))
    assert not found, f"{path}: {found}"


@pytest.mark.parametrize("language", COMPLETE)
def test_each_language_translates_every_customers_string(language):
    catalog = polib.pofile(str(LOCALE / language / "LC_MESSAGES/django.po"))
    missing = [entry.msgid for entry in catalog
               if any(place.startswith(CUSTOMER_FILES) for place, _line in entry.occurrences)
               and (not entry.translated() or "fuzzy" in entry.flags)]
    assert not missing, f"{language}: {len(missing)} untranslated: {missing[:10]}"


@pytest.mark.parametrize("language", [*COMPLETE, "ar"])
def test_each_translation_keeps_the_placeholders_of_its_english(language):
    """A translation that drops or renames {n} or %(counter)s would show a customer the wrong thing."""
    placeholders = lambda text: sorted(re.findall(r"{\w+}|%\(\w+\)s", text))
    for entry in polib.pofile(str(LOCALE / language / "LC_MESSAGES/django.po")):
        for said in ([entry.msgstr] if not entry.msgid_plural else entry.msgstr_plural.values()):
            if said:
                assert placeholders(said) == placeholders(entry.msgid_plural or entry.msgid) or (
                    placeholders(said) == placeholders(entry.msgid)), (language, entry.msgid, said)


@pytest.mark.parametrize("language", [*COMPLETE, "ar"])
def test_the_compiled_catalogs_are_those_of_their_sources(language, tmp_path):
    source = polib.pofile(str(LOCALE / language / "LC_MESSAGES/django.po"))
    shipped = polib.mofile(str(LOCALE / language / "LC_MESSAGES/django.mo"))
    said = lambda catalog: {(e.msgid, e.msgid_plural): (e.msgstr, dict(e.msgstr_plural))
                            for e in catalog if e.msgstr or any(e.msgstr_plural.values())}
    source = [entry for entry in source if entry.translated() and "fuzzy" not in entry.flags]
    assert said(source) == said(shipped), "run `make messages` (or manage.py compilemessages) and commit the .mo"

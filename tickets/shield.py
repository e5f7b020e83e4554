"""The feedback shield: which notes insult a teller (held back from tellers) and which thank one.

Two small lists per language, kept in the database (NoteWord) so managers edit them in the admin; the
defaults below are what a new installation starts with (migration 0009 and ``manage.py demo`` put them
there). A note is checked against every language's lists when it arrives (actions.record_feedback): a
branch hears notes in the languages of its customers, not only its own. A note that slips through is
held back by a manager's flag (actions.hold_back_note). Words match whole, whatever the case and accents,
so "IDIOTA!" matches "idiota" and "obrigado" matches "Obrigado.", but "class" does not match "ass".
"""

import re
import unicodedata

from .models import NoteWord

INSULT, THANKS = NoteWord.Kind.INSULT, NoteWord.Kind.THANKS

DEFAULT_WORDS = {
    "en": {
        INSULT: ["idiot", "idiots", "stupid", "moron", "morons", "incompetent", "useless", "dumb", "lazy",
                 "clown", "clowns", "bitch", "bastard", "bastards", "asshole", "jerk", "fuck", "fucking",
                 "shit", "crap", "shut up", "retard", "pathetic"],
        THANKS: ["thank you", "thanks", "thank", "thankful", "grateful", "appreciate", "appreciated",
                 "very kind", "so kind", "so helpful", "very helpful", "great job", "well done", "lovely"],
    },
    "fil": {
        INSULT: ["tanga", "bobo", "gago", "gaga", "tarantado", "ulol", "inutil", "putangina", "putang ina",
                 "bwisit", "leche", "hayop ka", "walang kwenta", "walang silbi", "tamad"],
        THANKS: ["salamat", "salamat po", "maraming salamat", "mabait", "napakabait", "magaling",
                 "mahusay", "matulungin"],
    },
    "pt": {
        INSULT: ["idiota", "idiotas", "estúpido", "estúpida", "burro", "burra", "incompetente", "incompetentes",
                 "inútil", "inúteis", "merda", "porra", "caralho", "filho da puta", "otário", "imbecil",
                 "vagabundo", "vagabunda", "preguiçoso", "preguiçosa", "palhaço"],
        THANKS: ["obrigado", "obrigada", "muito obrigado", "muito obrigada", "agradeço", "simpático",
                 "simpática", "atencioso", "atenciosa", "prestável", "gentil", "excelente atendimento"],
    },
}


def normalized(text):
    """Lower case, accents dropped, one space between words: "Péssimo  SERVIÇO" is "pessimo servico"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.split())


def _pattern(words):
    # Whole words: neither side of the match may be a letter or digit.
    alternatives = sorted({normalized(word) for word in words if normalized(word)}, key=len, reverse=True)
    if not alternatives:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(word) for word in alternatives) + r")(?!\w)")


def word_lists():
    """``{kind: [word, ...]}`` from the database, every language together."""
    lists = {INSULT: [], THANKS: []}
    for kind, word in NoteWord.objects.values_list("kind", "word"):
        lists.setdefault(kind, []).append(word)
    return lists


def check_note(note, lists=None):
    """``(insults, thanks)`` for a note: whether it holds a word of each list (``lists``: word_lists())."""
    if not note.strip():
        return False, False
    lists = word_lists() if lists is None else lists
    text = normalized(note)
    found = {}
    for kind in (INSULT, THANKS):
        pattern = _pattern(lists.get(kind, []))
        found[kind] = bool(pattern and pattern.search(text))
    return found[INSULT], found[THANKS]


def add_default_words(note_word_model=NoteWord):
    """Add the default words the database lacks (one a manager deleted comes back), keeping any added;
    the migration passes its historical model."""
    existing = set(note_word_model.objects.values_list("language", "kind", "word"))
    note_word_model.objects.bulk_create(
        note_word_model(language=language, kind=kind, word=word)
        for language, lists in DEFAULT_WORDS.items()
        for kind, words in lists.items()
        for word in words
        if (language, kind, word) not in existing
    )

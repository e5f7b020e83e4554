"""What counts as text in a customer's note: the characters we refuse, and the notes that are empty to the eye."""

import unicodedata

# Kept: a note may have paragraphs and tabs. Every other control character is refused.
ALLOWED_CONTROLS = {"\t", "\n"}
# Letters that render as nothing (fillers of Hangul and Braille), besides the categories below.
BLANK_LETTERS = {"\u115f", "\u1160", "\u3164", "\uffa0", "\u2800"}
# Separators, format characters (zero-width space and joiners, the byte order mark, bidi marks),
# controls, and combining marks with nothing to combine with.
INVISIBLE_CATEGORIES = {"Zs", "Zl", "Zp", "Cf", "Cc", "Mn", "Me"}


def clean_note(note):
    """Browsers send a textarea's new lines as CR LF: keep them as the one new line they are."""
    return note.replace("\r\n", "\n").replace("\r", "\n")


def control_characters(note):
    """The control characters of ``note`` other than tab and new line, each once, in order."""
    found = (c for c in note if unicodedata.category(c) == "Cc" and c not in ALLOWED_CONTROLS)
    return list(dict.fromkeys(found))


def is_visible(note):
    """Whether ``note`` has at least one character a reader would see."""
    return any(
        not c.isspace() and c not in BLANK_LETTERS and unicodedata.category(c) not in INVISIBLE_CATEGORIES
        for c in note
    )

"""What a person sees of a server-rendered page: its text without the variants drawn ``hidden``.

Pages draw every state once and hide those that do not apply (their scripts show the one that does), so
"this page does not say X" means X is not in the visible text, not that X is absent from the HTML.
"""

from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
UNSEEN = {"script", "style", "template", "title", "head"}


class _Visible(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack, self.words = [], []

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        unseen = tag in UNSEEN or "hidden" in dict(attrs) or (self.stack and self.stack[-1])
        self.stack.append(bool(unseen))

    def handle_endtag(self, tag):
        if tag not in VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not (self.stack and self.stack[-1]):
            self.words.append(data)


def visible_text(html):
    """The page's visible text, one space between elements (a table's cells read "1 open A001")."""
    parser = _Visible()
    parser.feed(html)
    return " ".join(" ".join(parser.words).split())

"""Reading a statute: plain text, or HTML (legislation.gov.uk-like markup) as plain text."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

from analysis.text.wordlists import load

_WORDS = load("duties.yaml")
_BLOCK_TAGS = set(_WORDS["block_tags"])
_SKIP_TAGS = set(_WORDS["skip_tags"])
# --- reading ----------------------------------------------------------------------------------


class _TextOf(HTMLParser):
    """HTML to text with one line per block element, as a reader sees the page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self.skipping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")
        elif tag == "span":
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """Visible text of an HTML page, one block per line (stdlib parser: no extra dependency)."""
    parser = _TextOf()
    parser.feed(markup)
    parser.close()
    lines = (" ".join(line.split()) for line in html.unescape("".join(parser.parts)).split("\n"))
    return "\n".join(line for line in lines if line)


class NotText(ValueError):
    """A statute file that is not UTF-8 text (a PDF, a Word file, Latin-1 HTML): say so plainly."""


def read_text(path: str | Path) -> str:
    """A statute file as plain text; HTML is recognised by its content, not only its extension."""
    try:
        raw = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        byte = exc.object[exc.start]
        raise NotText(
            f"{path}: not UTF-8 text (byte 0x{byte:02x} at position {exc.start}); a binary file "
            "such as a PDF, or text saved in another encoding (re-save it as UTF-8 text or HTML)"
        ) from None
    looks_html = re.search(r"<(?:html|body|div|p|h\d)\b", raw[:5000], re.IGNORECASE)
    return html_to_text(raw) if looks_html else raw

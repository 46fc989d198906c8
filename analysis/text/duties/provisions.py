"""Numbered provisions: a statute split into sections, subsections and paragraphs (``10(3)(b)``)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# --- provisions -------------------------------------------------------------------------------


@dataclass
class Provision:
    """One numbered unit of a statute: a section, subsection, paragraph or sub-paragraph."""

    number: tuple[str, ...]  # ("10", "3", "b")
    heading: str
    own: str  # the unit's own words
    children: list[Provision] = field(default_factory=list)
    parent: Provision | None = field(default=None, repr=False)

    @property
    def label(self) -> str:
        """``10(3)(b)``; numbered items as in German statutes: ``3(2) no. 2``."""
        return self.number[0] + "".join(
            f" {n}" if n.startswith("no.") else f"({n})" for n in self.number[1:]
        )

    def context(self) -> str:
        """The unit's words preceded by those of its ancestors (a chapeau and its item read as one)."""
        chain, node = [], self
        while node is not None:
            if node.own:
                chain.append(node.own)
            node = node.parent
        return " ".join(reversed(chain))


_SECTION = re.compile(
    r"^(?:(?P<kw>Section|Article|Art\.|Regulation|Clause|§)\s*(?P<num>\d+[A-Z]*)\.?"
    r"|(?P<bare>\d+[A-Z]*)(?:\.(?=\s|—|–|-)|(?=\s*[—–]\s*\()|(?=\s+[A-Z])|(?=\(\d)))"
    r"\s*[—–-]?\s*(?P<rest>.*)$"
)
_MARK = re.compile(r"^\((?P<n>\d+[A-Z]*|[a-z]{1,2}[A-Z]?|[ivxlc]+|no\. \d+)\)\s*(?P<rest>.*)$")
_ROMAN = re.compile(r"^(?:i|ii|iii|iv|v|vi|vii|viii|ix|x|xi|xii|xiii|xiv|xv)$")
# An enumeration written on one line: "designed to— (a) minimise ...; (b) take down ...".
_INLINE_ITEM = re.compile(r"(?<=[—:;,–])\s*(?=\((?:\d+[A-Z]*|[a-z]{1,2}|[ivx]+)\)\s)")


def _level(mark: str, siblings: dict[int, str]) -> int:
    """1 subsection (3), 2 paragraph (b), 3 sub-paragraph (ii); (i) after (h) is a paragraph."""
    if mark[0].isdigit():
        return 1
    if mark.startswith("no."):
        return 2
    if _ROMAN.match(mark):
        previous = siblings.get(2)
        follows = previous is not None and len(previous) == 1 and ord(mark[0]) == ord(previous) + 1
        if previous is not None and not (len(mark) == 1 and follows):
            return 3
    return 2


def parse_provisions(text: str) -> list[Provision]:
    """Sections of ``text`` as trees of provisions, in document order.

    Text before the first numbered section (title, long title) is not a provision. A section
    heading is a line starting with a number and a capitalised title, "Section 10", "Article 3",
    "§ 3", or "10.—(1) ..."; subsections, paragraphs and sub-paragraphs start with "(3)", "(b)",
    "(ii)", each on its own line or enumerated on one line after a dash, colon or semicolon.
    """
    sections: list[Provision] = []
    stack: dict[int, Provision] = {}
    marks: dict[int, str] = {}
    # With "§ 3" or "Article 3" headings, a line "2. ..." is a numbered item, not a section.
    keyword_style = re.search(r"^\s*(?:§|Article|Art\.|Section)\s*\d", text, re.MULTILINE)
    for raw_line in text.splitlines():
        line = " ".join(raw_line.split())
        if not line:
            continue
        if keyword_style:
            line = re.sub(r"^(\d+)\.\s+(?=\D)", r"(no. \1) ", line)
        head = _SECTION.match(line)
        if head and (
            head.group("kw") or (not keyword_style and _plausible_heading(head.group("rest")))
        ):
            number = head.group("num") or head.group("bare")
            rest = head.group("rest").strip()
            heading = "" if rest.startswith("(") else rest
            section = Provision((number,), heading, "")
            sections.append(section)
            stack, marks = {0: section}, {}
            if rest.startswith("("):
                line = rest
            else:
                continue
        if not sections:
            continue
        for piece in _INLINE_ITEM.split(line):
            piece = piece.strip()
            mark = _MARK.match(piece)
            if mark:
                level = _level(mark.group("n"), marks)
                parent = next(stack[k] for k in range(level - 1, -1, -1) if k in stack)
                node = Provision(
                    (*parent.number, mark.group("n")), "", mark.group("rest"), parent=parent
                )
                parent.children.append(node)
                stack = {k: v for k, v in stack.items() if k < level} | {level: node}
                marks = {k: v for k, v in marks.items() if k < level} | {level: mark.group("n")}
            elif piece:
                node = stack[max(stack)]
                node.own = f"{node.own} {piece}".strip()
    return sections


def _plausible_heading(rest: str) -> bool:
    """A bare number starts a section only when a title or a subsection follows, not a sentence."""
    rest = rest.strip()
    if rest.startswith("("):
        return True
    return (
        bool(rest) and rest[0].isupper() and len(rest) < 120 and not rest.endswith((".", ";", ","))
    )


def walk(sections: list[Provision]) -> list[Provision]:
    """Every provision, depth first, in document order."""
    out: list[Provision] = []

    def visit(node: Provision) -> None:
        out.append(node)
        for child in node.children:
            visit(child)

    for section in sections:
        visit(section)
    return out

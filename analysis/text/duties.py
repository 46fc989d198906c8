"""Duties in legislation: who must do what, on what trigger, by when, with the citation.

Statutes hide their deadlines in prose ("within one hour of receipt of a removal order", "swiftly
take down"). This module reads a statute or bill as plain text or HTML (legislation.gov.uk-like
markup), splits it into numbered provisions (section 10, subsection (3), paragraph (b): ``10(3)(b)``),
finds the sentences that impose a duty ("must", "shall", "is required to", "has a duty to", "it is
the duty of", "a duty to") and extracts, for each, the duty holder, the action, the trigger that
starts the clock and the deadline, as written and in hours.

A deadline with no number ("without undue delay", "expeditiously", "swiftly") is a value, not a
gap: ``deadline_hours`` stays empty and ``deadline_words`` keeps the words. A provision that gives no
deadline itself but refers to one that does ("within the period mentioned in subsection (2)")
inherits it, and says so.

The output columns carry the rules catalogue's names (``id``, ``instrument``, ``provision``,
``event``, ``clock_starts``, ``deadline_hours``, ``deadline_words``; see
:mod:`analysis.rules.catalogue`) so extracted duties can be set beside the catalogue. Pure rules on
text (no model): the wording of legislation is regular enough, and the result must be reproducible.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import sys
from dataclasses import asdict, dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd

#: Columns of the duties table, in order; the first ones are the rules catalogue's field names.
COLUMNS: tuple[str, ...] = (
    "id",
    "instrument",
    "provision",
    "citation",
    "duty_holder",
    "action",
    "event",
    "trigger",
    "clock_starts",
    "deadline_words",
    "deadline_hours",
    "fixed_deadline",
    "deadline_from",
    "cross_references",
    "text",
)

# --- reading ----------------------------------------------------------------------------------

_BLOCK_TAGS = {
    "p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "section", "article",
    "blockquote", "dd", "dt", "table", "ul", "ol", "header", "footer", "title",
}  # fmt: skip
_SKIP_TAGS = {"script", "style", "head", "nav", "noscript"}


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


# --- duty sentences ---------------------------------------------------------------------------

_DUTY = re.compile(
    r"\b(?:it is the duty of|(?:has|have|is under|are under) a duty to|(?:is|are) required to|"
    r"(?:is|are) obliged to|must|shall)\b(?!\s+not\b)|^(?:an? |the )?duty(?:,[^,]*,)? to\b",
    re.IGNORECASE,
)
# After "shall"/"must": wording that defines or commences rather than obliges.
_NOT_DUTY = re.compile(
    r"^(?:be (?:construed|treated|read|taken|cited|known|entitled|able)|have effect|have (?:the )?power|"
    r"come into force|mean|include|apply|cease|not|may)\b",
    re.IGNORECASE,
)
#: action words (any inflection) -> canonical action, most specific first.
_ACTIONS: tuple[tuple[str, str], ...] = (
    (r"disabl\w* access|disable\w*", "disable access"),
    (r"restrict\w* access", "restrict access"),
    (r"block\w* access|block\w*", "block"),
    (r"take\w* down|taken down|took down", "take down"),
    (r"remov\w*", "remove"),
    (r"delet\w*", "delete"),
    (r"respond\w*|repl(?:y|ies|ied)", "respond"),
    (r"acknowledg\w*|send\w* a confirmation|confirm\w* (?:the )?receipt", "acknowledge"),
    (r"inform\w*|notif(?:y|ies|ied)", "notify"),
    (r"report\w*", "report"),
    (r"review\w*|assess\w*|consider\w*|examin\w*|process\w*", "review"),
    (r"decid\w*|determin\w*", "decide"),
    (r"preserv\w*|retain\w*", "preserve"),
    (r"publish\w*", "publish"),
    (r"operat\w*", "operate"),
)
_EVENT = {
    "disable access": "removal",
    "restrict access": "removal",
    "block": "removal",
    "take down": "removal",
    "remove": "removal",
    "delete": "removal",
    "respond": "response",
    "acknowledge": "response",
    "notify": "response",
    "review": "review",
    "decide": "review",
}
#: trigger words -> canonical trigger, most specific first.
_TRIGGERS: tuple[tuple[str, str], ...] = (
    (r"removal orders?", "removal order"),
    (r"removal notices?", "removal notice"),
    (r"trusted flaggers?", "trusted flagger notice"),
    (r"(?:intimate image )?content reports?|reports? (?:made|submitted) by", "report"),
    (r"complaints?", "complaint"),
    (r"notifications?", "notification"),
    (r"notices?", "notice"),
    (r"orders?", "order"),
    (r"requests?", "request"),
    (r"alerted", "alert"),
    (r"aware", "awareness"),
)
_REGULATOR = re.compile(
    r"\b(?:commissioner|regulator|competent authority|ofcom|authority|court|minister|secretary of state)\b",
    re.IGNORECASE,
)

_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    "hundred": 100,
}  # fmt: skip
_UNIT_HOURS = {"minute": 1 / 60, "hour": 1.0, "day": 24.0, "week": 168.0}
_NUM = r"\d+(?:\.\d+)?|(?:(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred)[\s-]*)+"
_FIXED = re.compile(
    r"\b(?:(?:with)?in|no later than|not later than|not more than|at the latest|before the end of|"
    r"by the end of|period of|extended to)\s+(?:the\s+)?(?:a\s+)?(?:period of\s+)?(?:(?:\d+|\w+)\s+\(\s*)?"
    rf"(?P<num>{_NUM})\s*\)?\s*(?P<working>working\s+|business\s+|calendar\s+|clear\s+)?"
    r"(?P<unit>minutes?|hours?|days?|weeks?|months?)\b",
    re.IGNORECASE,
)
_VAGUE = re.compile(
    r"\b(?:without undue delay|without delay|as soon as (?:reasonably )?practicable|"
    r"as soon as possible|expeditiously|swiftly|promptly|immediately|forthwith|in a timely manner|"
    r"timely|within a reasonable (?:time|period))\b",
    re.IGNORECASE,
)
_XREF = re.compile(
    r"\b(?P<kind>sections?|subsections?|paragraphs?|sub-paragraphs?|articles?|schedules?|s\.|art\.|§)"
    r"\s*(?P<ref>(?:\d+[A-Z]*)?(?:\s*\(\s*\w+\s*\))*)",
    re.IGNORECASE,
)


def words_to_number(words: str) -> float | None:
    """'48', 'forty-eight', 'seven', 'an' -> a number; None when it is not one."""
    words = words.strip().lower()
    if re.fullmatch(r"\d+(?:\.\d+)?", words):
        return float(words)
    total = 0
    for word in re.split(r"[\s-]+", words):
        if word not in _NUMBER_WORDS:
            return None
        value = _NUMBER_WORDS[word]
        total = total * value if value == 100 else total + value
    return float(total)


@dataclass(frozen=True)
class Deadline:
    """A deadline as written and, where the law fixes one, in hours."""

    words: str
    hours: float | None

    @property
    def fixed(self) -> bool:
        return self.hours is not None


def find_deadline(text: str) -> Deadline | None:
    """The deadline stated in ``text``: fixed hours when given, the words kept in every case.

    "as soon as reasonably practicable and no later than 48 hours" -> 48 h with all the words;
    "swiftly" -> no hours. Months and working days have no fixed length in hours: their words are
    kept and the hours left empty.
    """
    fixed = _FIXED.search(text)
    vague = _VAGUE.search(text)
    if fixed is None and vague is None:
        return None
    hours = None
    if fixed is not None:
        number = words_to_number(fixed.group("num"))
        unit = fixed.group("unit").lower().rstrip("s")
        working = (fixed.group("working") or "").strip().lower() in {"working", "business"}
        if number is not None and unit in _UNIT_HOURS and not working:
            hours = round(number * _UNIT_HOURS[unit], 4)
    spans = sorted(m.span() for m in (fixed, vague) if m is not None)
    if (
        len(spans) == 2 and 0 <= spans[1][0] - spans[0][1] <= 25
    ):  # "... practicable and in any event within"
        words = text[spans[0][0] : spans[1][1]].strip(" ,")
    else:
        words = " and ".join(text[a:b] for a, b in spans)
    return Deadline(" ".join(words.split()), hours)


def _sentences(text: str) -> list[str]:
    """Split at full stops that end sentences (not 's.10', 'Art. 3', 'No. 2', 'e.g.')."""
    pieces = re.split(r"(?<!\bs)(?<!\bArt)(?<!\bNo)(?<!\be\.g)(?<!\bi\.e)(?<=\.)\s+(?=[A-Z])", text)
    return [p.strip() for p in pieces if p.strip()]


def _holder(sentence: str, modal: re.Match[str]) -> str:
    """The duty holder: who the sentence obliges, as written."""
    said = modal.group(0).lower()
    if said.startswith("it is the duty of"):
        found = re.match(r"\s*(.+?)\s+to\b", sentence[modal.end() :])
        return found.group(1).strip(" ,") if found else ""
    before = sentence[: modal.start()]
    before = re.sub(r"\s+(?:has|have|is under|are under)\s*$", "", before)
    # Drop leading clauses ("Where a complaint is received, the provider must ...").
    clauses = [c.strip() for c in re.split(r",", before) if c.strip()]
    subordinate = re.compile(
        r"^(?:where|if|when|whenever|once|on|upon|within|following|after|before|unless|subject|"
        r"in|for|except|as|without|no later|not later|having)\b",
        re.IGNORECASE,
    )
    holder = next((c for c in clauses if not subordinate.match(c)), "")
    if holder and not _AGENT.search(holder):
        # "The procedure shall ensure that the provider of the social network removes ...".
        named = _AGENT_PHRASE.search(sentence[modal.end() :])
        if named:
            return named.group(0)
    return holder


_AGENT = re.compile(
    r"\b(?:providers?|operators?|platforms?|services?|authorit(?:y|ies)|persons?|body|bodies|"
    r"commissioner|ofcom|regulator|controllers?|intermediar(?:y|ies)|member states?|networks?)\b",
    re.IGNORECASE,
)
_AGENT_PHRASE = re.compile(
    r"\b(?:the |a |an |any |each )?(?:service |hosting (?:service )?)?(?:providers?|operators?)"
    r"(?: of (?:the |a |an |any )?(?:[\w-]+ ){0,3}?(?:networks?|services?|platforms?))?",
    re.IGNORECASE,
)


def _first(patterns: tuple[tuple[str, str], ...], text: str) -> tuple[str, str] | None:
    """(canonical, as written) of the earliest match; on a tie, the pattern listed first."""
    best: tuple[int, int, str, str] | None = None
    for rank, (pattern, name) in enumerate(patterns):
        m = re.search(rf"\b(?:{pattern})\b", text, re.IGNORECASE)
        if m and (best is None or (m.start(), rank) < (best[0], best[1])):
            best = (m.start(), rank, name, m.group(0))
    return (best[2], best[3]) if best else None


def _actions(text: str) -> list[tuple[int, str]]:
    """(position, canonical action) in the order the text names them ("remove ... or disable access")."""
    found: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []
    for pattern, name in _ACTIONS:
        for m in re.finditer(rf"\b(?:{pattern})\b", text, re.IGNORECASE):
            if not any(a < m.end() and m.start() < b for a, b in taken):
                found.append((m.start(), name))
                taken.append(m.span())
    return sorted(found)


_PURPOSE = re.compile(
    r"\s(?:to allow|so as to|which|who|whom|referred to|in respect of|where|that (?:they|it)|"
    r"within|no later than|not later than|as soon as|after|following|in any event)\s",
    re.IGNORECASE,
)


def _action(region: str) -> str:
    """What the duty requires, read from the words after the modal (or an item's own words).

    Skips a leading aside (", without undue delay,") and "ensure that the provider"; when the verb
    there is a known action, every known action up to a purpose or relative clause is listed
    ("remove ... or disable access"); otherwise the verb as written ("maintain", "operate").
    """
    region = re.sub(r"^\s*,[^,]*,", " ", region)
    region = re.sub(r"^\s*(?:to\s+)?ensure that\s+", " ", region, flags=re.IGNORECASE)
    region = re.sub(
        r"^\s*(?:(?:also|then|thereafter|promptly|swiftly|expeditiously|immediately|forthwith|"
        r"diligently)\s+)+",
        " ",
        region,
        flags=re.IGNORECASE,
    )
    agent = _AGENT_PHRASE.match(region.strip())
    if agent:
        region = region.strip()[agent.end() :]
    region = _PURPOSE.split(region, maxsplit=1)[0]
    verb = re.match(r"\s*(?:to\s+|be\s+)?([A-Za-z]+)", region)
    found = _actions(region)
    leading_clause = verb and verb.group(1).lower() in {"where", "if", "when", "once", "upon", "on"}
    if found and verb and (found[0][0] == verb.start(1) or leading_clause):
        return "; ".join(dict.fromkeys(name for _, name in found))
    return verb.group(1).lower() if verb else ""


def _trigger(text: str) -> tuple[str, str]:
    """(trigger, clock_starts in the catalogue's vocabulary)."""
    found = _first(_TRIGGERS, text)
    if found is None:
        return "", ""
    trigger = found[0]
    if trigger == "trusted flagger notice":
        return trigger, "trusted flagger"
    if trigger in {"removal order", "removal notice", "order"}:
        return trigger, "regulator order"
    if trigger in {"notice", "notification", "request"} and _REGULATOR.search(text):
        return trigger, "regulator order"
    if trigger == "awareness":
        return trigger, ""
    return trigger, "complainant notice"


def _resolve(ref_kind: str, ref: str, node: Provision, articles: bool = False) -> str:
    """'subsection (2)' inside 10(3)(b) -> '10(2)'; 'paragraph (a)' -> '10(3)(a)'; 'section 12' -> '12'.

    Schedules keep their own numbering: 'Schedule 13' -> 'Sch. 13'.
    """
    parts = re.findall(r"\w+", ref)
    kind = ref_kind.lower().rstrip("s")
    if not parts:
        return ""
    if kind.startswith("schedule"):
        return "Sch. " + parts[0] + "".join(f"({p})" for p in parts[1:])
    if kind == "subsection" and not parts[0][0].isdigit():
        return ""
    if kind == "subsection" or (articles and kind == "paragraph" and parts[0].isdigit()):
        return node.number[0] + "".join(f"({p})" for p in parts)
    if kind in {"paragraph", "sub-paragraph"} and not parts[0].isdigit():
        depth = 2 if kind == "paragraph" else 3
        if len(node.number) < depth:
            return ""
        base = node.number[:depth]
        return base[0] + "".join(f"({p})" for p in (*base[1:], *parts))
    return parts[0] + "".join(f"({p})" for p in parts[1:])


def _cross_references(text: str, node: Provision, articles: bool = False) -> list[str]:
    """Provisions ``text`` refers to, resolved against ``node`` (in an EU act "paragraph 1" is
    a paragraph of the same article)."""
    refs = []
    for m in _XREF.finditer(text):
        if m.group("ref").strip():
            resolved = _resolve(m.group("kind"), m.group("ref"), node, articles)
            if resolved and resolved != node.label and resolved not in refs:
                refs.append(resolved)
    return refs


@dataclass
class Duty:
    """One duty found, in the columns of :data:`COLUMNS`."""

    id: str
    instrument: str
    provision: str
    citation: str
    duty_holder: str
    action: str
    event: str
    trigger: str
    clock_starts: str
    deadline_words: str
    deadline_hours: float | None
    fixed_deadline: bool
    deadline_from: str
    cross_references: str
    text: str


def _prefix(text: str) -> str:
    """How the instrument cites its units: 's.' for sections, 'Art. ' for articles, '§' for §."""
    if re.search(r"^\s*(?:Article|Art\.)\s*\d", text, re.MULTILINE):
        return "Art. "
    if re.search(r"^\s*§\s*\d", text, re.MULTILINE):
        return "§"
    return "s."


def _instrument_from(text: str) -> str:
    for line in text.splitlines():
        line = line.strip()
        if line:
            return line[:150]
    return ""


def short_name(instrument: str) -> str:
    """A short id stem: the act's own abbreviation ("(TCO)", "(NetzDG)") or its initials and year."""
    abbreviations = [
        piece.strip()
        for inside in re.findall(r"\(([^()]*)\)", instrument)
        for piece in inside.split(",")
        if re.fullmatch(r"[A-Za-z][A-Za-z+]{1,11}", piece.strip())
        and piece.strip() not in {"EU", "Cth", "UK", "NI"}  # jurisdictions, not abbreviations
    ]
    year = re.search(r"\b(?:19|20)\d\d\b", instrument)
    if abbreviations:
        stem = abbreviations[-1]
    else:
        bare = re.sub(r"\([^()]*\)", " ", instrument)
        stem = "".join(w[0] for w in re.findall(r"\b[A-Z][A-Za-z]*", bare)) or instrument
    return _slug(f"{stem} {year.group(0)}" if year and year.group(0) not in stem else stem)


def _slug(text: str) -> str:
    return re.sub(r"_+", "_", re.sub(r"[^A-Z0-9]", "_", text.upper())).strip("_")


def extract_duties(text: str, instrument: str | None = None) -> list[Duty]:
    """Every duty in a statute's text, one per provision that imposes it.

    A duty imposed in a chapeau ("must— (a) ..., (b) ...") is reported once per item, with the
    item's provision number. ``instrument`` defaults to the first line of the text (its title).
    """
    instrument = instrument or _instrument_from(text)
    prefix = _prefix(text)
    nodes = walk(parse_provisions(text))
    by_label = {n.label: n for n in nodes}
    section_text = {n.label: n.context() for n in nodes}
    duties: list[Duty] = []
    for node in nodes:
        if node.children:
            continue
        context = node.context()
        for sentence in _sentences(context):
            modal = next(
                (
                    m
                    for m in _DUTY.finditer(sentence)
                    if not _NOT_DUTY.match(sentence[m.end() :].strip())
                ),
                None,
            )
            if modal is None:
                continue
            after = sentence[modal.end() :]
            holder = _holder(sentence, modal) or _default_holder(node, section_text)
            trigger, clock = _trigger(sentence)
            deadline = find_deadline(sentence)
            refs = _cross_references(context, node, articles=prefix == "Art. ")
            source = ""
            if deadline is None:
                for ref in refs:
                    target = by_label.get(ref)
                    found = find_deadline(target.context()) if target else None
                    if found:
                        deadline, source = found, ref
                        break
            # A duty in a chapeau ("must— (a) take down ...") is done by the item's own words.
            in_item = bool(node.own) and sentence.endswith(node.own)
            in_item = in_item and modal.start() < len(sentence) - len(node.own)
            action = _action(node.own if in_item else after)
            duties.append(
                Duty(
                    id=f"{short_name(instrument)}_{_slug(node.label)}",
                    instrument=instrument,
                    provision=f"{prefix}{node.label}",
                    citation=f"{instrument}, {prefix}{node.label}",
                    duty_holder=holder,
                    action=action,
                    event=_EVENT.get(action.split("; ")[0], ""),
                    trigger=trigger,
                    clock_starts=clock,
                    deadline_words=deadline.words if deadline else "",
                    deadline_hours=deadline.hours if deadline else None,
                    fixed_deadline=bool(deadline and deadline.fixed),
                    deadline_from=f"{prefix}{source}" if source else "",
                    cross_references="; ".join(
                        r if r.startswith("Sch.") else f"{prefix}{r}" for r in refs
                    ),
                    text=sentence,
                )
            )
            break  # one duty per provision: its first duty sentence
    return duties


def _default_holder(node: Provision, section_text: dict[str, str]) -> str:
    """When the sentence names nobody ("A duty to operate ..."), the provider its section is about."""
    section = node
    while section.parent is not None:
        section = section.parent
    words = " ".join(section_text[n.label] for n in walk([section]) if n.label in section_text)
    found = re.search(
        r"\b(?:providers? of [a-z\- ]+?services?|(?:service |hosting )?providers?|operators?|platforms?)\b",
        words,
        re.IGNORECASE,
    )
    return found.group(0) if found else ""


def duties_table(
    paths: list[str | Path] | str | Path, instrument: str | None = None
) -> pd.DataFrame:
    """Duties of one or more statute files as one table with :data:`COLUMNS`."""
    if isinstance(paths, str | Path):
        paths = [paths]
    rows = [asdict(d) for p in paths for d in extract_duties(read_text(p), instrument)]
    return pd.DataFrame(rows, columns=list(COLUMNS))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m analysis duties",
        description="Find duties in a statute or bill (plain text or HTML): holder, action, "
        "trigger, deadline (as written and in hours) and citation.",
    )
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
    parser.add_argument("--format", choices=["csv", "json"], default="csv")
    parser.add_argument("--instrument", help="instrument name for citations (default: first line)")
    parser.add_argument("-o", "--output", type=Path, help="write here instead of stdout")
    args = parser.parse_args(argv)
    missing = [str(p) for p in args.files if not p.is_file()]
    if missing:
        print(f"error: no such file: {', '.join(missing)}", file=sys.stderr)
        return 2
    try:
        table = duties_table(args.files, args.instrument)
    except NotText as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.format == "csv":
        from analysis.log.export import csv_text  # formula-safe, CR quoted

        out = csv_text(table)
    else:
        records = table.astype(object).where(table.notna(), None).to_dict(orient="records")
        out = json.dumps(records, indent=2, ensure_ascii=False) + "\n"
    if args.output:
        args.output.write_text(out, encoding="utf-8")
    else:
        sys.stdout.write(out)
    if table.empty:
        print("no duty sentences found", file=sys.stderr)
    return 0


# --- beside the rules catalogue ---------------------------------------------------------------

_REF = re.compile(r"(?:s\.|Art\.|§)\s*\d+[A-Z]*(?:\s*\(\w+\))*(?:\s+no\.\s*\d+)?")
_COMPARED = ("event", "clock_starts", "deadline_hours")


def _norm_ref(text: str) -> str:
    return re.sub(r"\s+", "", text).replace("no.", " no.")


def _instrument_words(text: str) -> tuple[set[str], set[str]]:
    """(significant words, years and EU numbers) of an instrument's name."""
    numbers = set(re.findall(r"\b\d{4}/\d+\b|\b(?:19|20)\d\d\b", text))
    words = {
        w
        for w in re.findall(r"[a-zà-ÿ]{3,}", text.lower())
        if w not in {"the", "and", "for", "act", "regulation", "amended", "with", "code"}
    }
    return words, numbers


def same_instrument(extracted: str, catalogued: str) -> bool:
    """Whether two names denote the same instrument: a year or EU number in common and most of
    the extracted name's words in the catalogue's ("Online Safety Act 2023" and "Online Safety Act
    2023 (c. 50)" do; "Online Safety Act 2021 (Cth)" does not)."""
    words_a, numbers_a = _instrument_words(extracted)
    words_b, numbers_b = _instrument_words(catalogued)
    if numbers_a and numbers_b and not numbers_a & numbers_b:
        return False
    return bool(words_a) and len(words_a & words_b) / len(words_a) >= 0.6


def compare_with_rules(duties: pd.DataFrame, rules: pd.DataFrame) -> pd.DataFrame:
    """Extracted duties beside the catalogue's rules, with the fields that differ.

    ``rules``: :func:`analysis.rules.catalogue.rules_frame` (rule_id, instrument, provision,
    status, event, clock_starts, deadline_hours, deadline_words). Proposed options are left out
    (no statute to read them from), and so are rules of instruments none of the texts is. A duty
    pairs with a rule whose provision cites it ("s.10(3)(b) (and s.10(3)(a))" cites two); when no
    duty has the exact number, the rule's section or article takes every duty inside it.

    One row per pair, plus a row per rule with no duty found ("not found in the text") and per
    duty no rule covers ("not in the catalogue"); ``differences`` names the fields that disagree.
    """
    real = rules[rules["status"] != "proposed option"]
    rows: list[dict] = []
    paired: set[str] = set()
    for rule in real.itertuples(index=False):
        mine = duties[[same_instrument(i, rule.instrument) for i in duties["instrument"]]]
        if mine.empty:
            continue
        refs = [_norm_ref(r) for r in _REF.findall(rule.provision)]
        provisions = mine["provision"].map(_norm_ref)
        hit = mine[provisions.isin(refs)]
        if hit.empty:
            inside = provisions.map(
                lambda p, refs=refs: any(p.startswith((r + "(", r + " ")) for r in refs)
            )
            hit = mine[inside]
        if hit.empty:
            rows.append(
                {
                    "rule_id": rule.rule_id,
                    "provision": rule.provision,
                    "differences": "not found in the text",
                }
            )
            continue
        for duty in hit.itertuples(index=False):
            paired.add(duty.id)
            differ = [
                name for name in _COMPARED if not _same(getattr(rule, name), getattr(duty, name))
            ]
            rows.append(
                {
                    "rule_id": rule.rule_id,
                    "duty_id": duty.id,
                    "provision": duty.provision,
                    "catalogue_event": rule.event,
                    "text_event": duty.event,
                    "catalogue_clock": rule.clock_starts,
                    "text_clock": duty.clock_starts,
                    "catalogue_hours": rule.deadline_hours,
                    "text_hours": duty.deadline_hours,
                    "catalogue_words": rule.deadline_words,
                    "text_words": duty.deadline_words,
                    "differences": ", ".join(differ) if differ else "agree",
                }
            )
    for duty in duties[~duties["id"].isin(paired)].itertuples(index=False):
        rows.append(
            {
                "duty_id": duty.id,
                "provision": duty.provision,
                "text_event": duty.event,
                "text_clock": duty.clock_starts,
                "text_hours": duty.deadline_hours,
                "text_words": duty.deadline_words,
                "differences": "not in the catalogue",
            }
        )
    columns = [
        "rule_id", "duty_id", "provision", "catalogue_event", "text_event", "catalogue_clock",
        "text_clock", "catalogue_hours", "text_hours", "catalogue_words", "text_words", "differences",
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def _same(a: object, b: object) -> bool:
    missing_a = a is None or (isinstance(a, float) and pd.isna(a)) or a == ""
    missing_b = b is None or (isinstance(b, float) and pd.isna(b)) or b == ""
    if missing_a or missing_b:
        return missing_a and missing_b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return abs(float(a) - float(b)) < 1e-6
    return str(a) == str(b)

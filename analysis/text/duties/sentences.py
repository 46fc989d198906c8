"""Duty sentences: which sentences impose a duty, and their holder, action, trigger and references."""

from __future__ import annotations

import re

from analysis.text.duties.provisions import Provision
from analysis.text.wordlists import load

_WORDS = load("duties.yaml")
#: action words (any inflection) -> canonical action, most specific first.
_ACTIONS: tuple[tuple[str, str], ...] = _WORDS["actions"]
#: the rules catalogue's event for each action.
EVENT: dict[str, str] = _WORDS["events"]
#: trigger words -> canonical trigger, most specific first.
_TRIGGERS: tuple[tuple[str, str], ...] = _WORDS["triggers"]
# --- duty sentences ---------------------------------------------------------------------------

DUTY = re.compile(
    r"\b(?:it is the duty of|(?:has|have|is under|are under) a duty to|(?:is|are) required to|"
    r"(?:is|are) obliged to|must|shall)\b(?!\s+not\b)|^(?:an? |the )?duty(?:,[^,]*,)? to\b",
    re.IGNORECASE,
)
# After "shall"/"must": wording that defines or commences rather than obliges.
NOT_DUTY = re.compile(
    r"^(?:be (?:construed|treated|read|taken|cited|known|entitled|able)|have effect|have (?:the )?power|"
    r"come into force|mean|include|apply|cease|not|may)\b",
    re.IGNORECASE,
)
#: action words (any inflection) -> canonical action, most specific first.
#: trigger words -> canonical trigger, most specific first.
_XREF = re.compile(
    r"\b(?P<kind>sections?|subsections?|paragraphs?|sub-paragraphs?|articles?|schedules?|s\.|art\.|§)"
    r"\s*(?P<ref>(?:\d+[A-Z]*)?(?:\s*\(\s*\w+\s*\))*)",
    re.IGNORECASE,
)
_REGULATOR = re.compile(
    r"\b(?:commissioner|regulator|competent authority|ofcom|authority|court|minister|secretary of state)\b",
    re.IGNORECASE,
)


def split_sentences(text: str) -> list[str]:
    """Split at full stops that end sentences (not 's.10', 'Art. 3', 'No. 2', 'e.g.')."""
    pieces = re.split(r"(?<!\bs)(?<!\bArt)(?<!\bNo)(?<!\be\.g)(?<!\bi\.e)(?<=\.)\s+(?=[A-Z])", text)
    return [p.strip() for p in pieces if p.strip()]


def holder_of(sentence: str, modal: re.Match[str]) -> str:
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


def action_of(region: str) -> str:
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


def trigger_of(text: str) -> tuple[str, str]:
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


def cross_references(text: str, node: Provision, articles: bool = False) -> list[str]:
    """Provisions ``text`` refers to, resolved against ``node`` (in an EU act "paragraph 1" is
    a paragraph of the same article)."""
    refs = []
    for m in _XREF.finditer(text):
        if m.group("ref").strip():
            resolved = _resolve(m.group("kind"), m.group("ref"), node, articles)
            if resolved and resolved != node.label and resolved not in refs:
                refs.append(resolved)
    return refs

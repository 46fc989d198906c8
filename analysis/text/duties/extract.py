"""Duties extracted from a statute, one row each, in the rules catalogue's column names."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

from analysis.text.duties.deadlines import find_deadline
from analysis.text.duties.provisions import Provision, parse_provisions, walk
from analysis.text.duties.reading import read_text
from analysis.text.duties.sentences import (
    DUTY,
    EVENT,
    NOT_DUTY,
    action_of,
    cross_references,
    holder_of,
    split_sentences,
    trigger_of,
)

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
        for sentence in split_sentences(context):
            modal = next(
                (
                    m
                    for m in DUTY.finditer(sentence)
                    if not NOT_DUTY.match(sentence[m.end() :].strip())
                ),
                None,
            )
            if modal is None:
                continue
            after = sentence[modal.end() :]
            holder = holder_of(sentence, modal) or _default_holder(node, section_text)
            trigger, clock = trigger_of(sentence)
            deadline = find_deadline(sentence)
            refs = cross_references(context, node, articles=prefix == "Art. ")
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
            action = action_of(node.own if in_item else after)
            duties.append(
                Duty(
                    id=f"{short_name(instrument)}_{_slug(node.label)}",
                    instrument=instrument,
                    provision=f"{prefix}{node.label}",
                    citation=f"{instrument}, {prefix}{node.label}",
                    duty_holder=holder,
                    action=action,
                    event=EVENT.get(action.split("; ")[0], ""),
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

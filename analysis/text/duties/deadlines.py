"""Deadlines as written ("within one hour of receipt", "without undue delay") and in hours."""

from __future__ import annotations

import re
from dataclasses import dataclass

from analysis.text.wordlists import load

_WORDS = load("duties.yaml")
_NUMBER_WORDS: dict[str, int] = _WORDS["number_words"]
_UNIT_HOURS: dict[str, float] = _WORDS["unit_hours"]
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

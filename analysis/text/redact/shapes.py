"""The shapes of identifiers: placeholders, regular expressions, and what a name or a school looks like.

Character-level patterns (emails, URLs, handles, UK phones and postcodes) that tokenisation cannot
split, and the letter classes that make "capitalised" mean upper case in any script.
"""

from __future__ import annotations

import re

#: The placeholders redaction writes, one per kind of identifier.
PLACEHOLDERS: tuple[str, ...] = (
    "person",
    "school",
    "organisation",
    "handle",
    "email",
    "phone",
    "postcode",
    "url",
)

# Character-level shapes. URLs before handles so "tiktok.com/@user" is one [url].
_TRAIL = r"(?<![.,;:!?)\]'\"])"
REGEXES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("email", re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")),
    (
        "url",
        re.compile(
            r"(?:\bhttps?://|\bwww\.)[^\s<>\"']+"
            + _TRAIL
            + r"|\b[\w-]+(?:\.[\w-]+)*\.(?:com|co\.uk|org\.uk|org|net|uk|io|ly|me|tv|gg|app)"
            r"(?:/[^\s<>\"']*)?" + _TRAIL,
            re.IGNORECASE,
        ),
    ),
    (
        "handle",
        # Letters of any script: "@zoë_łukasik" must not leave "ë_łukasik" behind.
        re.compile(r"(?<![\w@./])@\w(?:[\w.]*\w)?|\bu/[\w-]{3,}"),
    ),
    (
        "phone",
        re.compile(r"(?<![\w+])(?:\+44\s?(?:\(0\)\s?)?|\(?0)\d(?:[\s\-)]{0,2}\d){8,9}(?!\d)"),
    ),
    (
        "postcode",
        re.compile(
            r"\b(?:GIR\s?0AA|[A-Z]{1,2}\d[A-Z\d]?\s?\d[ABD-HJLNP-UW-Z]{2})\b", re.IGNORECASE
        ),
    ),
)


def _letter_class(test) -> str:
    """A ``re`` character class of the letters ``test`` accepts, as ranges.

    ``re`` has no ``\\p{Lu}``; names are written in any Latin script ("Zoë Łukasik", "Ó Súilleabháin",
    "Siân ap Dafydd"), so "capital" and "small" must mean Unicode upper and lower case, not A-Z.
    Built from ``str.isupper``/``str.islower`` over the Basic Multilingual Plane, so no dependency.
    """
    chars = [c for c in map(chr, range(0x10000)) if c.isalpha() and test(c)]
    ranges: list[list[str]] = []
    for c in chars:
        if ranges and ord(c) == ord(ranges[-1][1]) + 1:
            ranges[-1][1] = c
        else:
            ranges.append([c, c])
    return "[" + "".join(a if a == b else f"{a}-{b}" for a, b in ranges) + "]"


UP = _letter_class(str.isupper)
_LO = _letter_class(str.islower)
LETTER = r"[^\W\d_]"  # any letter of any script
NAME_CHAR = rf"(?:{LETTER}|['’])"

# Rank of each source when two spans of equal length overlap: lower wins.
# Layers that guess from capitalisation alone: the model may veto them.
GUESSES = frozenset({"shape", "lone"})
PRIORITY = {
    "regex": 0,
    "deny": 1,
    "school": 2,
    "title": 3,
    "cue": 4,
    "model": 5,
    "shape": 6,
    "lone": 7,
}
# A token that looks like part of a name: capitalised with a lower-case letter (McDonald, O'Neill).
NAME_SHAPE = rf"^{UP}(?:{NAME_CHAR}|-)*{_LO}(?:{NAME_CHAR}|-)*$"
_NAME_PART = rf"{UP}{NAME_CHAR}*{_LO}{NAME_CHAR}*"
NAME_WORD = re.compile(rf"(?<![\w@./'’-]){_NAME_PART}(?:-{_NAME_PART})*(?![\w@-])")
# A capitalised word in capitals ("KHAN" of "MR AHMED KHAN"): only trusted after a title.
CAPS_SHAPE = rf"^{UP}(?:{UP}|['’-])+$"
# Welsh- and Irish-medium schools put the word for school first: "Ysgol Bryn Teg", "Gaelscoil Eoin".
SCHOOL_FIRST = re.compile(
    rf"\b(?:Ysgol|Scoil|Gaelscoil|Gaelcholáiste|Coláiste|Colaiste)(?:\s+(?:{UP}[\w'’-]*|y|yr|na|an)){{1,4}}"
)
HEAD = re.compile(r"\b[A-Z][a-z]+\b")
INNER = re.compile(rf"^(?:{UP}(?:{NAME_CHAR}|[.-])*|\d+(?:st|nd|rd|th)?|['’]s)$")
NAME_RE = re.compile(NAME_SHAPE)
CANDIDATE = re.compile(
    rf"(?<![\w@./'’-]){UP}(?:{NAME_CHAR}|-)*{_LO}(?:{NAME_CHAR}|-)*|\b{UP}{{2,}}\b"
)
LOWER_WORD = re.compile(rf"(?<![\w@./'’-]){_LO}(?:{_LO}|['’-])+\b")
INITIAL = rf"^{UP}\.?$"
# Lower-case words that can join two names, where a school name matched by shape may really start.
CONNECTORS = frozenset({"of", "the", "and", "&", "upon", "on", "in", "under", "by"})
# Model labels trusted to say a capitalised sequence is not a person. Places, facilities, products
# and nationalities are not: the small model calls "abuse directed at Imran Barker" a PRODUCT and
# "aimed at Simon Adeyemi" a GPE, and redacting a place by mistake costs nothing.
NOT_PERSON = frozenset(
    {"LANGUAGE", "DATE", "TIME", "EVENT", "LAW", "MONEY", "PERCENT", "QUANTITY", "ORDINAL",
     "CARDINAL"}
)  # fmt: skip

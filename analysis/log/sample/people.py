"""Names, schools, accounts and contact details made from the name pools (all fictional)."""

from __future__ import annotations

from analysis.log.sample.vocabulary import (
    DRAMA_LANDLINES,
    EMAIL_DOMAINS,
    MOBILE_FORMATS,
    PHASE_SHAPES,
    POSTCODE_AREAS,
    SCHOOL_SHAPES,
    NamePool,
)


def make_handle(pool: NamePool, kind: int, a: int, b: int, digits: int) -> str:
    """A poster account: about the school, a nickname from a pupil's name, or a gossip account."""
    stem = pool.school_stems[a % len(pool.school_stems)].lower()
    word = pool.handle_stems[b % len(pool.handle_stems)]
    sep = "_."[digits % 2]
    if kind == 0:
        return f"@{stem}{sep}{word}"
    if kind == 1:
        first = (pool.female + pool.male)[a % (len(pool.female) + len(pool.male))].lower()
        last = pool.surnames[b % len(pool.surnames)].lower().replace("'", "")
        return f"@{first}{sep}{last}{digits:02d}"
    return f"@{word}{sep}{stem}{digits}"


def make_school_name(pool: NamePool, phase: str, shape: int, stem: int, saint: int) -> str:
    shapes = SCHOOL_SHAPES[PHASE_SHAPES.get(phase, "other")]
    return shapes[shape % len(shapes)].format(
        stem=pool.school_stems[stem % len(pool.school_stems)],
        saint=pool.saints[saint % len(pool.saints)],
    )


def make_postcode(nation: str, r: int) -> str:
    areas = POSTCODE_AREAS[nation]
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    area = areas[r % len(areas)]
    r //= len(areas)
    return f"{area}{1 + r % 29} {r // 29 % 10}{letters[r // 290 % 20]}{letters[r // 5800 % 20]}"


def make_phone(nation: str, r: int) -> str:
    landlines = DRAMA_LANDLINES[nation]
    if landlines and r % 3 == 0:
        return f"{landlines[(r // 3) % len(landlines)]}{(r // 97) % 1000:03d}"
    return MOBILE_FORMATS[(r // 3) % len(MOBILE_FORMATS)].format(d=f"{(r // 101) % 1000:03d}")


def make_email(first: str, last: str, school: str, r: int) -> str:
    local_first, local_last = first.lower(), last.lower().replace("'", "")
    shape = r % 4
    if shape == 3:
        stem = school.split()[0].lower().replace("'", "").replace(".", "")
        if stem == "st":
            stem = school.split()[1].lower().replace("'s", "")
        return f"{local_first[0]}.{local_last}@{stem}school.example"
    local = (
        f"{local_first}.{local_last}",
        f"{local_first[0]}{local_last}",
        f"{local_last}{r % 90 + 10}",
    )[shape]
    return f"{local}@{EMAIL_DOMAINS[(r // 4) % len(EMAIL_DOMAINS)]}"

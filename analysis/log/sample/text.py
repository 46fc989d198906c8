"""The free text: poster handles, post URLs, and descriptions with the identifiers planted in them."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.log.allowed_values import CATEGORIES, PLATFORMS
from analysis.log.sample.calibration import SCHOOL_NAME_SHARE, STAFF_NAME_SHARE
from analysis.log.sample.people import (
    make_email,
    make_handle,
    make_phone,
    make_postcode,
    make_school_name,
)
from analysis.log.sample.posts import Posts
from analysis.log.sample.vocabulary import (
    CATEGORY_PHRASES,
    CLOSINGS,
    CONTACT_PHRASES,
    OPENINGS,
    PLATFORM_TEXT,
    POSTER_PHRASES,
    ROLE_TEXT,
    TOKEN_ALPHABET,
    URL_TEMPLATES,
    NamePool,
)


def post_urls(
    rng: np.random.Generator, pool: NamePool, platform: np.ndarray
) -> tuple[list[str], list[str]]:
    """Poster handles and post URLs (the URL's SHA-256 is the post's content_ref)."""
    k = len(platform)
    kind, a, b = rng.integers(0, 3, k), rng.integers(0, 1 << 30, k), rng.integers(0, 1 << 30, k)
    digits = rng.integers(0, 100, k)
    handles = [
        make_handle(pool, int(kd), int(x), int(y), int(d))
        for kd, x, y, d in zip(kind, a, b, digits, strict=True)
    ]
    numbers = rng.integers(7_000_000_000_000_000_000, 7_300_000_000_000_000_000, k, dtype=np.uint64)
    tokens = TOKEN_ALPHABET[rng.integers(0, 64, (k, 11))].view("S11").ravel().astype(str)
    urls = [
        URL_TEMPLATES[PLATFORMS[p]].format(h=h[1:], n=int(num), t=tok)
        for p, h, num, tok in zip(platform, handles, numbers, tokens, strict=True)
    ]
    return handles, urls


# ----------------------------------------------------------------------------------------------
# Free text


def add_text(
    frame: pd.DataFrame,
    posts: Posts,
    post: np.ndarray,
    post_row: np.ndarray,
    handles: list[str],
    urls: list[str],
    cats: np.ndarray,
    pool: NamePool,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Fill description, staff_name and school_name; return the identifiers planted in each row."""
    n = len(frame)
    draws = rng.integers(0, 1 << 40, (n, 16))
    chance = rng.random((n, 6))
    firsts = (pool.female, pool.male)
    pupils = pool.female + pool.male
    descriptions, staff_names, school_names = [], [], []
    planted: list[tuple[str, str, str]] = []
    titles = (("Ms", "Mrs", "Miss", "Dr"), ("Mr", "Mr", "Mr", "Dr"))
    platforms = frame["platform"].to_numpy()
    nations = frame["nation"].to_numpy()
    phases = frame["phase"].to_numpy()
    roles = frame["role"].to_numpy()
    ids = frame["complaint_id"].to_numpy()
    for i in range(n):
        p = post[i]
        gender, first_i, last_i, title_i = posts.staff[p]
        first = firsts[gender][first_i % len(firsts[gender])]
        last = pool.surnames[last_i % len(pool.surnames)]
        title = titles[gender][title_i % 4]
        school = make_school_name(pool, phases[i], *posts.school[p])
        d = draws[i]
        email = make_email(first, last, school, int(d[0]))
        phone = make_phone(nations[i], int(d[1]))
        postcode = make_postcode(nations[i], int(d[2]))
        role_choices = ROLE_TEXT[roles[i]]
        # template field -> (text written, identifier planted or None); a title is not identifying.
        base: dict[str, tuple[str, tuple[str, str] | None]] = {
            "staff_title": (f"{title} {last}", ("person", last)),
            "staff_full": (f"{first} {last}", ("person", f"{first} {last}")),
            "school": (school, ("school", school)),
            "handle": (handles[post_row[i]], ("handle", handles[post_row[i]])),
            "url": (urls[post_row[i]], ("url", urls[post_row[i]])),
            "email": (email, ("email", email)),
            "phone": (phone, ("phone", phone)),
            "postcode": (postcode, ("postcode", postcode)),
            "platform": (PLATFORM_TEXT[platforms[i]], None),
            "role_text": (role_choices[d[4] % len(role_choices)], None),
        }
        found: list[tuple[str, str]] = []

        def fill(template: str, _base=base, _found=found, **extra) -> str:
            """Format a template and note the identifiers it planted."""
            values = _base | extra
            for key, (_, ident) in values.items():
                if ident and "{" + key + "}" in template:
                    _found.append(ident)
            return template.format(**{key: text for key, (text, _) in values.items()})

        opening = OPENINGS[d[3] % len(OPENINGS)]
        parts = [fill(opening)]
        for j in np.flatnonzero(cats[i]):
            phrases = CATEGORY_PHRASES[CATEGORIES[j]]
            staff = base["staff_full"] if d[6] >> j & 1 else base["staff_title"]
            parts.append(fill(phrases[(d[5] >> j) % len(phrases)], staff=staff))
        if chance[i, 0] < 0.35:
            pupil, pupil2 = (
                f"{pupils[a % len(pupils)]} {pool.surnames[b % len(pool.surnames)]}"
                for a, b in ((d[8], d[9]), (d[10], d[11]))
            )
            parts.append(
                fill(
                    POSTER_PHRASES[d[7] % len(POSTER_PHRASES)],
                    pupil=(pupil, ("person", pupil)),
                    pupil2=(pupil2, ("person", pupil2)),
                    year=(
                        str(
                            3 + d[12] % 4 if phases[i] in ("nursery", "primary") else 7 + d[12] % 5
                        ),
                        None,
                    ),
                )
            )
        if chance[i, 1] < 0.4:
            parts.append(fill(CONTACT_PHRASES[d[13] % len(CONTACT_PHRASES)]))
        if chance[i, 2] < 0.5 and "{url}" not in opening:
            parts.append(fill("Link: {url}"))
        parts.append(CLOSINGS[d[14] % len(CLOSINGS)])
        descriptions.append(" ".join(part for part in parts if part))
        staff_names.append(f"{first} {last}" if chance[i, 3] < STAFF_NAME_SHARE else None)
        school_names.append(school if chance[i, 4] < SCHOOL_NAME_SHARE else None)
        for kind, value in dict.fromkeys(found):  # first appearance order, no repeats
            planted.append((ids[i], kind, value))
    frame["description"] = np.array(descriptions, dtype=object)
    frame["staff_name"] = np.array(staff_names, dtype=object)
    frame["school_name"] = np.array(school_names, dtype=object)
    return pd.DataFrame(planted, columns=["complaint_id", "kind", "value"])

"""The generator: a seeded synthetic complaint log in the contract's columns, and what it planted."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.config import SAMPLE_AS_OF
from analysis.log.allowed_values import CATEGORIES, NATIONS, PHASES, PLATFORMS, ROLES
from analysis.log.dates import parse_as_of
from analysis.log.sample.calibration import (
    DEFAULT_ROWS,
    ID_PREFIXES,
    MISCODED_SHARE,
    NOT_REPORTED,
    ORGANISATIONS,
    PENDING_DAYS,
    PERIOD,
    PLATFORM_RESPONSE,
    REPORTER_WEIGHTS,
    RESTRICTED_SHARE,
    TRUSTED_ACTED,
    TRUSTED_MEDIAN_HOURS,
    TRUSTED_NEVER_FACTOR,
    TRUSTED_SIGMA,
    WAVE_TIKTOK_NEVER,
)
from analysis.log.sample.draws import choice, lognormal_minutes, stream
from analysis.log.sample.files import beside, write_csv
from analysis.log.sample.posts import draw_posts
from analysis.log.sample.text import add_text, post_urls
from analysis.log.sample.vocabulary import NAME_POOLS


@dataclass
class SampleLog:
    """A synthetic complaint log and what was planted in it.

    ``frame``: the log in the contract's columns and canonical values (timestamps datetime64).
    ``identifiers``: complaint_id, kind, value - every identifier written into a row's description.
    ``text_categories``: the categories each description actually expresses (aligned with ``frame``).
    ``miscoded``: the rows whose coded ``categories`` deliberately disagree with their description.
    """

    frame: pd.DataFrame
    identifiers: pd.DataFrame
    text_categories: pd.Series
    miscoded: pd.DataFrame
    seed: int
    name_pool: str
    as_of: pd.Timestamp

    def write(self, path: str | Path) -> list[Path]:
        """Write the log and, beside it, ``<stem>.identifiers.csv`` and ``<stem>.miscoded.csv``."""
        path = Path(path)
        written = [path, beside(path, "identifiers"), beside(path, "miscoded")]
        write_csv(self.frame, written[0])
        write_csv(self.identifiers, written[1])
        write_csv(self.miscoded, written[2])
        return written


def generate(
    seed: int,
    n: int = DEFAULT_ROWS,
    name_pool: str = "main",
    with_text: bool = True,
    as_of: str | pd.Timestamp = SAMPLE_AS_OF,
) -> SampleLog:
    """A synthetic complaint log of ``n`` rows, the same for the same arguments.

    ``with_text=False`` leaves description, staff_name and school_name empty and plants no
    identifiers; ``content_ref`` is then a random reference instead of a URL hash (the same posts
    share it), and every other column is identical. A million rows take a few seconds.
    """
    if name_pool not in NAME_POOLS:
        raise ValueError(f"name_pool must be one of {sorted(NAME_POOLS)}, not {name_pool!r}")
    if n < 1:
        raise ValueError("n must be at least 1")
    as_of_ts = parse_as_of(as_of) if isinstance(as_of, str) else pd.Timestamp(as_of)
    # An earlier extract date cuts the school year short: complaints stop a week before it.
    end = min(PERIOD[1], as_of_ts.normalize() - pd.Timedelta(days=PENDING_DAYS))
    if end < PERIOD[0] + pd.Timedelta(days=28):
        raise ValueError(f"the extract date must be at least five weeks after {PERIOD[0]:%Y-%m-%d}")
    pool = NAME_POOLS[name_pool]
    rng = stream(seed, 0)
    posts, counts = draw_posts(rng, n, end)

    # One row per complaint: the post's union reports, then its helpline reports; keep the first n.
    per_post = counts.sum(axis=1)
    post = np.repeat(np.arange(len(per_post)), per_post)[:n]
    org = np.repeat(np.tile([0, 1], len(counts)), counts.ravel())[:n]
    starts = np.concatenate([[0], np.cumsum(per_post)[:-1]])
    nth = np.arange(n) - starts[post]
    as_of_min = int(np.datetime64(as_of_ts, "m").astype(np.int64))
    # Later complaints about the same post come in over the next days (mean two days).
    received = posts.base[post] + np.where(nth > 0, rng.exponential(2 * 1440, n), 0).astype(
        np.int64
    )
    received = np.minimum(received, as_of_min - PENDING_DAYS * 1440)

    order = np.argsort(received, kind="stable")
    post, org, received = post[order], org[order], received[order]
    platform = posts.platform[post]
    wave = posts.wave[post]

    # Who reported it to the platform, and when.
    reporter = np.where(
        org == 0,
        choice(rng, np.array(REPORTER_WEIGHTS[0]), n),
        choice(rng, np.array(REPORTER_WEIGHTS[1]), n),
    )
    gap = np.select(
        [reporter == 0, reporter == 1],
        [
            -(5 + rng.exponential(1.5 * 1440, n)),
            np.where(rng.random(n) < 0.5, -1, 1) * (5 + rng.exponential(0.5 * 1440, n)),
        ],
        30 + lognormal_minutes(rng, 20.0, 1.0, n),
    ).astype(np.int64)
    reported = received + gap
    not_reported = (rng.random(n) < NOT_REPORTED) | (reported > as_of_min)

    # The platform's answer: never, or after a log-normal delay; trusted routes answer more often.
    never_p, acted_p, median_h, sigma = (
        np.array([PLATFORM_RESPONSE[p][i] for p in PLATFORMS]) for i in range(4)
    )
    trusted = reporter == 2
    p_never = np.where(
        wave & (platform == PLATFORMS.index("TikTok")), WAVE_TIKTOK_NEVER, never_p[platform]
    )
    p_never = np.where(trusted, p_never * TRUSTED_NEVER_FACTOR, p_never)
    delay = np.where(
        trusted,
        lognormal_minutes(rng, TRUSTED_MEDIAN_HOURS, TRUSTED_SIGMA, n),
        lognormal_minutes(rng, median_h[platform], sigma[platform], n),
    )
    response = reported + np.maximum(1, delay).astype(np.int64)
    answered = ~not_reported & (rng.random(n) >= p_never) & (response <= as_of_min)
    acted = answered & (rng.random(n) < np.where(trusted, TRUSTED_ACTED, acted_p[platform]))
    restricted = rng.random(n) < RESTRICTED_SHARE
    removal_lag = np.where(rng.random(n) < 0.6, 0, lognormal_minutes(rng, 6.0, 1.2, n))
    removed = response + removal_lag.astype(np.int64)
    removed = np.where(removed > as_of_min, response, removed)
    pending = not_reported | (~answered & (reported > as_of_min - PENDING_DAYS * 1440))
    outcome = np.select(
        [pending, ~answered, acted & restricted, acted],
        ["pending", "no response", "restricted", "removed"],
        "no breach found",
    ).astype(object)

    cats = posts.categories[post]
    police = rng.random(n) < (
        0.03 + 0.30 * cats[:, CATEGORIES.index("threat")]
        + 0.15 * cats[:, CATEGORIES.index("sexualised")]
        + 0.05 * cats[:, CATEGORIES.index("personal information exposed")]
    )  # fmt: skip
    regulator = rng.random(n) < np.where(outcome == "no response", 0.05, 0.02)
    escalation = np.array(["none", "police", "regulator", "police and regulator"], dtype=object)[
        police.astype(int) + 2 * regulator.astype(int)
    ]

    coded = _miscode(rng, cats)
    nan = np.iinfo(np.int64).min
    frame = pd.DataFrame(
        {
            "complaint_id": _ids(org),
            "received_at": _stamps(received),
            "organisation": np.array(ORGANISATIONS, dtype=object)[org],
            "nation": np.array(NATIONS, dtype=object)[posts.nation[post]],
            "phase": np.array(PHASES, dtype=object)[posts.phase[post]],
            "role": np.array(ROLES, dtype=object)[posts.role[post]],
            "platform": np.array(PLATFORMS, dtype=object)[platform],
            "categories": _category_strings(coded),
            "reported_at": _stamps(np.where(not_reported, nan, reported)),
            "reported_by": np.where(
                not_reported,
                None,
                np.array(["staff member", "school", "organisation"], dtype=object)[reporter],
            ),
            "first_response_at": _stamps(np.where(answered, response, nan)),
            "outcome": outcome,
            "removed_at": _stamps(np.where(acted, removed, nan)),
            "escalation": escalation,
            "content_ref": None,
            "description": None,
            "staff_name": None,
            "school_name": None,
        },
        copy=False,  # the arrays are new: copying a million-row log would only cost time
    )
    text_categories = pd.Series(_category_strings(cats), name="text_categories")
    miscoded_rows = np.flatnonzero((coded != cats).any(axis=1))
    miscoded = pd.DataFrame(
        {
            "complaint_id": frame["complaint_id"].to_numpy()[miscoded_rows],
            "categories": frame["categories"].to_numpy()[miscoded_rows],
            "text_categories": text_categories.to_numpy()[miscoded_rows],
        }
    )
    identifiers = pd.DataFrame(columns=["complaint_id", "kind", "value"])
    used, post_row = np.unique(post, return_inverse=True)
    if with_text:
        text_rng = stream(seed, 1)
        handles, urls = post_urls(text_rng, pool, posts.platform[used])
        frame["content_ref"] = _sha256(urls)[post_row]
        identifiers = add_text(frame, posts, post, post_row, handles, urls, cats, pool, text_rng)
    else:  # no URL text to hash: a random 256-bit reference of the same shape
        frame["content_ref"] = _random_refs(stream(seed, 3), len(used))[post_row]
    return SampleLog(frame, identifiers, text_categories, miscoded, seed, name_pool, as_of_ts)


def _ids(org: np.ndarray) -> np.ndarray:
    """Per-organisation sequential ids in order of receipt, e.g. UA-000123."""
    out = np.empty(len(org), dtype=object)
    for i, prefix in enumerate(ID_PREFIXES):
        rows = np.flatnonzero(org == i)
        width = max(6, len(str(len(rows))))
        out[rows] = [f"{prefix}{k:0{width}d}" for k in range(1, len(rows) + 1)]
    return out


def _stamps(minutes: np.ndarray) -> np.ndarray:
    """Minutes since the epoch (int64 min = missing) as datetime64[ns], with the spring-forward hour
    (01:00-01:59 on 27 Mar 2022, which does not exist in UK local time) moved to 02:00."""
    minutes = np.asarray(minutes, dtype=np.int64)
    gap = int(np.datetime64("2022-03-27T01:00", "m").astype(np.int64))
    minutes = np.where((minutes >= gap) & (minutes < gap + 60), gap + 60, minutes)
    missing = minutes == np.iinfo(np.int64).min
    out = (minutes * 60_000_000_000).astype("datetime64[ns]")
    out[missing] = np.datetime64("NaT")
    return out


def _category_strings(mask: np.ndarray) -> np.ndarray:
    """Bool (rows x categories) as ';'-joined canonical categories, via a lookup on the bit pattern."""
    codes = np.zeros(len(mask), dtype=np.int16)
    for j in range(len(CATEGORIES)):
        codes |= mask[:, j].astype(np.int16) << j
    table = np.array(
        [
            ";".join(c for i, c in enumerate(CATEGORIES) if code >> i & 1)
            for code in range(1 << len(CATEGORIES))
        ],
        dtype=object,
    )
    return table[codes]


def _miscode(rng: np.random.Generator, cats: np.ndarray) -> np.ndarray:
    """The categories as coded: a few rows lose a category the text shows or gain one it does not."""
    coded = cats.copy()
    rows = np.flatnonzero(rng.random(len(cats)) < MISCODED_SHARE)
    scores = rng.random((len(rows), cats.shape[1]))
    present = coded[rows]
    drop = (present.sum(axis=1) > 1) & (rng.random(len(rows)) < 0.5)
    dropped = np.where(present, scores, -1).argmax(axis=1)  # a category left out
    added = np.where(~present, scores, -1).argmax(axis=1)  # one the text does not support
    coded[rows[drop], dropped[drop]] = False
    coded[rows[~drop], added[~drop]] = True
    return coded


def _sha256(urls: list[str]) -> np.ndarray:
    return np.array([hashlib.sha256(u.encode()).hexdigest() for u in urls], dtype=object)


def _random_refs(rng: np.random.Generator, k: int) -> np.ndarray:
    """``k`` random 64-character hex strings, vectorised (for big logs without text)."""
    raw = rng.integers(0, 256, (k, 32), dtype=np.uint8).tobytes()
    return np.array([raw[i : i + 32].hex() for i in range(0, len(raw), 32)], dtype=object)

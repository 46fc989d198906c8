"""The posts complained about: when (the school year and the November 2021 wave), where, on which
platform, against whom, and how many complaints each gets from each organisation."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.log.allowed_values import CATEGORIES, NATIONS, PHASES, PLATFORMS, ROLES
from analysis.log.sample.calibration import (
    BACKGROUND_CATEGORIES,
    BACKGROUND_PHASES,
    BACKGROUND_PLATFORMS,
    CAPTURE_HELPLINE,
    CAPTURE_UNION,
    CAPTURE_UNION_SCOTLAND,
    HOLIDAY_FACTOR,
    HOLIDAYS,
    HOUR_WEIGHTS,
    NATION_WORKFORCE,
    PERIOD,
    REPEAT_MEAN,
    ROLE_WEIGHTS,
    WAVE_CATEGORIES,
    WAVE_PEAK,
    WAVE_PEAK_RATIO,
    WAVE_PHASES,
    WAVE_PLATFORMS,
    WAVE_SD_DAYS,
    WEEKEND_FACTOR,
)
from analysis.log.sample.draws import choice, weights


def daily_intensity(end: pd.Timestamp) -> tuple[pd.DatetimeIndex, np.ndarray, np.ndarray]:
    """Days from the start of the period to ``end``, and the background and wave rates on each day."""
    days = pd.date_range(PERIOD[0], end, freq="D")
    background = np.ones(len(days))
    for start, end in HOLIDAYS:
        background[(days >= start) & (days <= end)] = HOLIDAY_FACTOR
    offset = (days - WAVE_PEAK).days.to_numpy()
    wave = (WAVE_PEAK_RATIO - 1) * np.exp(-0.5 * (offset / WAVE_SD_DAYS) ** 2)
    weekday = np.where(days.dayofweek.to_numpy() >= 5, WEEKEND_FACTOR, 1.0)
    return days, background * weekday, wave * weekday


@dataclass
class Posts:
    """Per-post attributes (a post may be the subject of several complaints)."""

    base: np.ndarray  # minutes since epoch of the first complaint about it
    wave: np.ndarray
    platform: np.ndarray
    nation: np.ndarray
    phase: np.ndarray
    role: np.ndarray
    categories: np.ndarray  # bool (posts x categories)
    staff: np.ndarray  # (gender, first, surname, title)
    school: np.ndarray  # (shape, stem, saint)


def draw_posts(rng: np.random.Generator, n: int, end: pd.Timestamp) -> tuple[Posts, np.ndarray]:
    """Enough posts to give ``n`` complaints; returns them and the (union, helpline) counts per post."""
    nation_p = weights(NATION_WORKFORCE, NATIONS)
    expected = CAPTURE_UNION * (1 + REPEAT_MEAN) + CAPTURE_HELPLINE * (1 + REPEAT_MEAN)
    m = int(np.ceil(n / expected * 1.3)) + 100
    nation = choice(rng, nation_p, m)
    p_union = np.where(nation == NATIONS.index("Scotland"), CAPTURE_UNION_SCOTLAND, CAPTURE_UNION)
    counts = np.stack(
        [
            (rng.random(m) < p_union) * (1 + rng.poisson(REPEAT_MEAN, m)),
            (rng.random(m) < CAPTURE_HELPLINE) * (1 + rng.poisson(REPEAT_MEAN, m)),
        ],
        axis=1,
    )
    total = np.cumsum(counts.sum(axis=1))
    if total[-1] < n:  # with m at 1.3 times the expectation plus 100 this does not happen
        raise RuntimeError("not enough posts drawn")
    k = int(np.searchsorted(total, n)) + 1
    nation, counts = nation[:k], counts[:k]

    days, background, wave_rate = daily_intensity(end)
    total_rate = background + wave_rate
    day = choice(rng, total_rate, k)
    wave = rng.random(k) < wave_rate[day] / total_rate[day]
    minute = choice(rng, HOUR_WEIGHTS, k) * 60 + rng.integers(0, 60, k)
    day_minutes = (days.to_numpy().astype("datetime64[m]").astype(np.int64))[day]

    platform = np.where(
        wave,
        choice(rng, weights(WAVE_PLATFORMS, PLATFORMS), k),
        choice(rng, weights(BACKGROUND_PLATFORMS, PLATFORMS), k),
    )
    phase = np.where(
        wave,
        choice(rng, weights(WAVE_PHASES, PHASES), k),
        choice(rng, weights(BACKGROUND_PHASES, PHASES), k),
    )
    role = choice(rng, weights(ROLE_WEIGHTS, ROLES), k)
    wave_p = np.array([WAVE_CATEGORIES[c] for c in CATEGORIES])
    back_p = np.array([BACKGROUND_CATEGORIES[c] for c in CATEGORIES])
    cats = np.empty((k, len(CATEGORIES)), dtype=bool)
    for j in range(len(CATEGORIES)):  # column by column: a 10M-row log stays within memory
        cats[:, j] = rng.random(k) < np.where(wave, wave_p[j], back_p[j])
    none = ~cats.any(axis=1)  # every complaint has at least one category
    first = np.where(
        wave[none],
        choice(rng, wave_p / wave_p.sum(), int(none.sum())),
        choice(rng, back_p / back_p.sum(), int(none.sum())),
    )
    cats[np.flatnonzero(none), first] = True

    gender = np.where(cats[:, CATEGORIES.index("sexist")], 0, rng.integers(0, 2, k))
    staff = np.stack([gender, *(rng.integers(0, 1 << 30, k) for _ in range(3))], 1)
    school = np.stack([rng.integers(0, 1 << 30, k) for _ in range(3)], 1)
    posts = Posts(
        base=day_minutes + minute,
        wave=wave,
        platform=platform,
        nation=nation,
        phase=phase,
        role=role,
        categories=cats,
        staff=staff,
        school=school,
    )
    return posts, counts

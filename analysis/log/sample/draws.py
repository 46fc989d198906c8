"""Random draws for the sample: one independent, seeded stream per purpose, and how it is drawn from.

Every draw of the generator goes through these, so the same seed gives the same log on any machine.
"""

from __future__ import annotations

import numpy as np


def stream(seed: int, key: int) -> np.random.Generator:
    """An independent PCG64 stream per purpose (0 structure, 1 text, 2 messy variant)."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(key,))))


def weights(mapping: dict[str, float], vocabulary: tuple[str, ...]) -> np.ndarray:
    p = np.array([mapping.get(v, 0.0) for v in vocabulary], dtype=float)
    return p / p.sum()


def choice(rng: np.random.Generator, p: np.ndarray, size: int) -> np.ndarray:
    """Indices drawn with probabilities ``p`` (inverse CDF: fast and stable across numpy versions)."""
    return np.searchsorted(np.cumsum(p), rng.random(size) * p.sum(), side="right").clip(
        0, len(p) - 1
    )


def lognormal_minutes(
    rng: np.random.Generator, median_hours: float | np.ndarray, sigma: float | np.ndarray, size: int
) -> np.ndarray:
    """Heavy-tailed delays in minutes: log-normal with the given median (hours) and sigma."""
    return np.exp(
        np.log(np.asarray(median_hours) * 60.0) + np.asarray(sigma) * rng.standard_normal(size)
    )

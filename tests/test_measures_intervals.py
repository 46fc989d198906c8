"""Intervals for shares: the Wilson interval and where a Kaplan-Meier share falls back on it."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.measures.intervals import wilson, wilson_where_certain


def test_wilson_interval_textbook_value() -> None:
    # 8 of 10: Wilson 95% interval 0.490 to 0.943 (Newcombe 1998, method 3).
    assert wilson(8, 10) == pytest.approx((0.4902, 0.9433), abs=1e-4)
    assert np.isnan(wilson(0, 0)[0])


def test_wilson_interval_of_none_and_of_all_is_not_a_point() -> None:
    # 0 of 16: 0 to 19.4% (the WhatsApp removals within 24 h a reviewer found shown as 0-0).
    assert wilson(0, 16) == pytest.approx((0.0, 0.1936), abs=1e-4)
    assert wilson(16, 16) == pytest.approx((0.8064, 1.0), abs=1e-4)


def test_only_shares_of_exactly_0_or_1_take_the_wilson_bounds() -> None:
    share = np.array([0.0, 0.4, 1.0, np.nan])
    lower, upper = wilson_where_certain(
        share, [0.0, 0.3, 1.0, np.nan], [0.0, 0.5, 1.0, np.nan], [16, 20, 10, 0]
    )
    assert (lower[0], upper[0]) == pytest.approx(wilson(0, 16))
    assert (lower[1], upper[1]) == (0.3, 0.5)  # Greenwood's, untouched
    assert (lower[2], upper[2]) == pytest.approx(wilson(10, 10))
    assert np.isnan(lower[3]) and np.isnan(upper[3])

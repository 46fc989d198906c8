"""Medians over answered complaints only (the DSA-style figure) beside the Kaplan-Meier median."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.measures.answered_only import events_only_medians
from analysis.measures.response_times import kaplan_meier


def test_answered_only_median_leaves_out_the_unanswered_and_so_is_shorter():
    times = pd.DataFrame(
        {
            "platform": ["X", "X", "X", "X", "Reddit"],
            # X: answers at 2 h and 4 h, two never answered (followed 100 h); Reddit: not answered
            "hours_to_response": [2.0, 4.0, 100.0, 100.0, 50.0],
            "responded": [True, True, False, False, False],
            "hours_to_removal": [2.0, 100.0, 100.0, 100.0, 50.0],
            "removed": [True, False, False, False, False],
        }
    )
    kms = {clock: kaplan_meier(times, clock) for clock in ("response", "removal")}
    table = events_only_medians(times, kms).set_index(["clock", "group"])
    x = table.loc[("response", "X")]
    # counting only the two answers: median 3 h; Kaplan-Meier: S(4) = 1/2, median 4 h
    assert (x["events_only_median"], x["km_median"], x["reported"], x["events"]) == (3.0, 4.0, 4, 2)
    assert np.isnan(table.loc[("response", "Reddit"), "events_only_median"])
    # pooled: answers at 2 and 4 among five; the curve never falls to a half
    pooled = table.loc[("response", "All platforms")]
    assert pooled["events_only_median"] == 3.0 and np.isinf(pooled["km_median"])
    assert table.loc[("removal", "X"), "events_only_median"] == 2.0

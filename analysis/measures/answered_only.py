"""Medians counting only the complaints that were answered: what platforms publish, beside ours.

Platforms' transparency reports under the Digital Services Act give the median time to act on the
notices they *acted on*: a complaint never answered is not in the figure at all. That median is
always the shorter one, because the slowest cases (those not answered yet) are left out. Our
Kaplan-Meier median counts every reported complaint, the unanswered ones for as long as they were
observed. Printing the two side by side shows how much of the gap between a platform's published
figure and ours is this choice of denominator.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.measures.response_times import ALL_GROUPS, OUTCOMES, KaplanMeier


def events_only_medians(times: pd.DataFrame, kms: dict[str, KaplanMeier]) -> pd.DataFrame:
    """Per clock and platform (and pooled): the plain median of the times of complaints *with* the
    event, beside the Kaplan-Meier median of ``kms`` (:func:`kaplan_meier` per clock, by platform).

    Columns: group, clock, reported, events, km_median, km_lower, km_upper (hours, inf = not
    reached), events_only_median (hours; NaN with no event).
    """
    rows = []
    for clock, km in kms.items():
        duration, event = OUTCOMES[clock]
        with_event = times.loc[times[event].to_numpy(bool), ["platform", duration]]
        by_group = with_event.groupby("platform", observed=True)[duration].median()
        pooled = float(np.median(with_event[duration])) if len(with_event) else np.nan
        for med in km.medians.itertuples(index=False):
            group = med.platform
            rows.append(
                {
                    "group": group,
                    "clock": clock,
                    "reported": int(med.complaints),
                    "events": int(med.events),
                    "km_median": med.median_hours,
                    "km_lower": med.lower,
                    "km_upper": med.upper,
                    "events_only_median": pooled
                    if group == ALL_GROUPS
                    else float(by_group.get(group, np.nan)),
                }
            )
    return pd.DataFrame(rows)

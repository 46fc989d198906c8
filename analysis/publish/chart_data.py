"""The data a published chart carries: the chart's own points at the chart's resolution.

A chart's data file (the CSV attached to the PDF and linked from the HTML) is published as much
as the picture. A Kaplan-Meier table at every event time lists the complaints one by one (each
step is a complaint's time to the minute, each fall in the number at risk a count of 1 or 2), so
a curve is published as points on a grid of the chart's step (e.g. every 12 hours):

- share with the event and its 95% CI at each grid time, as whole percentages (what the axis can
  show), so a step of one complaint among hundreds is not in the data;
- the number still waiting rounded to :data:`AT_RISK_ROUNDING`, and the curve stopped before the
  first grid time with fewer than ``threshold`` still waiting (an estimate there rests on a
  handful of people);
- whether anyone stopped being followed (censored) during the step, as a flag for the chart's
  ``|`` marks, never as a count.

The picture is drawn from the same points, so it shows nothing the data file does not.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.publish.disclosure import check_threshold

#: Numbers still waiting on a published curve are rounded to a multiple of this.
AT_RISK_ROUNDING = 5
#: Columns of a published curve's data file.
CURVE_COLUMNS = ("hours", "share", "share_lower", "share_upper", "still_waiting")


def _round_pct(values: pd.Series) -> pd.Series:
    return (values.astype(float) * 100).round() / 100


def published_points(
    points: pd.DataFrame,
    label: str = "platform",
    *,
    step_hours: float,
    horizon: float,
    threshold: int,
    unsuppressed: bool = False,
) -> pd.DataFrame:
    """A chart's curves at the chart's resolution, from the results' curve points.

    ``points``: rows of :func:`analysis.measures.curves.curve_points` (group, hours, share,
    lower, upper, at_risk, censored), as the results model stores them; ``step_hours`` must be a
    step of their grid (12 is). Returns, per group renamed ``label``, the times up to ``horizon``
    every ``step_hours`` with :data:`CURVE_COLUMNS` and ``waiting_ended`` (True where someone
    stopped being followed during the step, for the chart's marks; :func:`published_curve` leaves
    it out of the data file). ``unsuppressed`` keeps exact numbers and the whole curve (an
    analyst's view).
    """
    threshold = check_threshold(threshold, unsuppressed)
    frames = []
    for group, curve in points.groupby("group", sort=False):
        curve = curve[curve["hours"] <= horizon].sort_values("hours")
        ended = curve["censored"].cumsum()
        on_grid = np.isclose(curve["hours"] % step_hours, 0)
        curve, ended = curve[on_grid], ended[on_grid]
        keep = np.ones(len(curve), dtype=bool)
        waiting = curve["at_risk"].astype(float)
        if not unsuppressed:
            # The curve stops at the first time fewer than the threshold are still waiting.
            keep = np.minimum.accumulate(waiting.to_numpy() >= threshold)
            waiting = (waiting / AT_RISK_ROUNDING).round() * AT_RISK_ROUNDING
        frame = pd.DataFrame(
            {
                label: group,
                "hours": curve["hours"].to_numpy(dtype=float),
                "share": curve["share"].to_numpy(dtype=float),
                "share_lower": curve["lower"].to_numpy(dtype=float),
                "share_upper": curve["upper"].to_numpy(dtype=float),
                "still_waiting": waiting.astype(int).to_numpy(),
                "waiting_ended": np.diff(ended.to_numpy(), prepend=0) > 0,
            }
        )
        if not unsuppressed:
            for col in ("share", "share_lower", "share_upper"):
                frame[col] = _round_pct(frame[col])
        frames.append(frame[keep])
    columns = [label, *CURVE_COLUMNS, "waiting_ended"]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


def published_curve(points: pd.DataFrame) -> pd.DataFrame:
    """The data file of a curve chart: the points without the marks' flag."""
    return points.drop(columns=["waiting_ended"])

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

from analysis.publish.disclosure import check_threshold, survival_at_hours

#: Numbers still waiting on a published curve are rounded to a multiple of this.
AT_RISK_ROUNDING = 5
#: Columns of a published curve's data file.
CURVE_COLUMNS = ("hours", "share", "share_lower", "share_upper", "still_waiting")


def _round_pct(values: pd.Series) -> pd.Series:
    return (values.astype(float) * 100).round() / 100


def curve_points(
    survival: pd.DataFrame,
    group: str,
    *,
    step_hours: float,
    horizon: float,
    threshold: int,
    unsuppressed: bool = False,
) -> pd.DataFrame:
    """Kaplan-Meier curves at the chart's resolution, one row per group and grid time.

    ``survival``: the tidy frame of ``analysis.measures.response_times.kaplan_meier`` (group,
    timeline, at_risk, events, censored, estimate, lower, upper). Returns ``group``,
    :data:`CURVE_COLUMNS` and ``waiting_ended`` (True where someone was censored during the step,
    for the chart's marks; :func:`published_curve` leaves it out of the data file).
    ``unsuppressed`` keeps every grid time and exact numbers (an analyst's view).
    """
    threshold = check_threshold(threshold, unsuppressed)
    grid = np.arange(0.0, horizon + step_hours / 2, step_hours)
    frames = []
    for label, curve in survival.groupby(group, sort=False):
        at = survival_at_hours(curve.drop(columns=[group]), grid)
        start = int(curve["at_risk"].iloc[0]) if len(curve) else 0
        before = np.concatenate([[start], at["at_risk"].to_numpy()[:-1]])
        keep = np.ones(len(at), dtype=bool)
        if not unsuppressed:
            # The curve stops at the first time fewer than the threshold are still waiting.
            keep = np.minimum.accumulate(at["at_risk"].to_numpy() >= threshold)
            keep &= start >= threshold
        waiting = at["at_risk"].astype(float)
        if not unsuppressed:
            waiting = (waiting / AT_RISK_ROUNDING).round() * AT_RISK_ROUNDING
        frame = pd.DataFrame(
            {
                group: label,
                "hours": grid,
                "share": 1 - at["estimate"],
                "share_lower": 1 - at["upper"],
                "share_upper": 1 - at["lower"],
                "still_waiting": waiting.astype(int),
                "waiting_ended": (at["censored"].to_numpy() > 0) & (before > 0),
            }
        )
        if not unsuppressed:
            for col in ("share", "share_lower", "share_upper"):
                frame[col] = _round_pct(frame[col])
        frames.append(frame[keep])
    columns = [group, *CURVE_COLUMNS, "waiting_ended"]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


def published_curve(points: pd.DataFrame) -> pd.DataFrame:
    """The data file of a curve chart: the points without the marks' flag."""
    return points.drop(columns=["waiting_ended"])

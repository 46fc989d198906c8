"""The points a Kaplan-Meier chart plots, at the resolution it is published at.

A curve drawn at every distinct event time would print, at each step, the exact number of people who
had the event then; the charts instead read the curve at fixed times (hourly over the first two
days, when most answers come, then every twelve hours to four weeks), which is also all a reader can
see at a chart's size. The results model stores these points, so a chart, its alt text and its title
all come from the same numbers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Hours at which a curve is published: 0-48 hourly, then every 12 hours to 4 weeks.
CURVE_HOURS: tuple[float, ...] = (
    *(float(h) for h in range(0, 48)),
    *(float(h) for h in range(48, 24 * 28 + 1, 12)),
)


def curve_points(
    survival: pd.DataFrame, by: str = "platform", hours: tuple[float, ...] = CURVE_HOURS
) -> pd.DataFrame:
    """Share with the event by each of ``hours``, per group, from a Kaplan-Meier ``survival`` frame.

    ``survival`` is :attr:`KaplanMeier.survival` (group, timeline, at_risk, events, censored,
    estimate, lower, upper). Columns: group, hours, share (1 - S(t)), lower, upper (1 minus the
    curve's bounds), at_risk (still waiting just after t), censored (waits that ended at the
    extract date without the event, since the previous point: a chart's ``|`` marks). A curve is
    read only up to its longest follow-up (beyond it S(t) is unknown), unless it had already
    reached zero.
    """
    frames = []
    grid = np.asarray(hours, dtype=float)
    for group, curve in survival.groupby(by, sort=False):
        timeline = curve["timeline"].to_numpy(dtype=float)
        estimate = curve["estimate"].to_numpy(dtype=float)
        left = (curve["at_risk"] - curve["events"] - curve["censored"]).to_numpy()
        known = grid <= timeline[-1] if estimate[-1] > 0 else np.ones(len(grid), bool)
        t = grid[known]
        row = np.searchsorted(timeline, t, side="right") - 1
        ended = np.concatenate([[0], np.cumsum(curve["censored"].to_numpy())])[row + 1]
        frames.append(
            pd.DataFrame(
                {
                    "group": group,
                    "hours": t,
                    "share": 1.0 - estimate[row],
                    "lower": 1.0 - curve["upper"].to_numpy(dtype=float)[row],
                    "upper": 1.0 - curve["lower"].to_numpy(dtype=float)[row],
                    "at_risk": left[row].astype("int64"),
                    "censored": np.diff(ended, prepend=0).astype("int64"),
                }
            )
        )
    columns = ["group", "hours", "share", "lower", "upper", "at_risk", "censored"]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)

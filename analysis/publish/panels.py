"""The complaint-log panel of "beside, never merged" under the briefing's disclosure control.

:func:`analysis.tdb.beside.beside` sets the log's own figures beside published ones, per platform,
as text. Shown as they come, they would print counts a briefing hides (a platform with two
complaints, a rule's "1 compliant / 0 breached"). :func:`controlled_log_panel` applies the same
control as notebooks 01-04: the complaint counts are a table of the release (population
"complaints", as the league table), a platform whose count reads ``[c]`` has every figure ``[c]``,
a share whose count of complaints with, or without, the event is below the threshold reads
``[c]``, and the rule tallies (whole count tables in words) are left to the rules notebook, where
they are published as tables under control.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import pandas as pd

from analysis.publish.disclosure import CONFIDENTIAL
from analysis.publish.release import Release
from analysis.publish.tables import COMPLAINTS

LOG_PANEL = "complaint_log"
_SHARE = re.compile(r"^(\d+(?:\.\d+)?)%")


def controlled_log_panel(
    panel: pd.DataFrame, headline: Mapping, release: Release, all_label: str
) -> pd.DataFrame:
    """``panel`` (rows of ``beside(...).frame``) with the complaint log's figures controlled.

    Rows of other panels pass unchanged; the log's rule rows are dropped (see the module).
    """
    platforms = headline["platforms"]
    names = [n for n in platforms if n != all_label]
    counts = pd.DataFrame(
        {"Complaints": [int(platforms[n]["complaints"]) for n in names]},
        index=pd.Index(names, name="Platform"),
    )
    table = release.table("Complaints by platform: complaints", counts, population=COMPLAINTS)
    log = panel["panel"] == LOG_PANEL
    out = panel[~(log & panel["figure"].str.startswith("rule"))].copy()
    for i in out.index[out["panel"] == LOG_PANEL]:
        name = out.at[i, "platform"]
        key = "Total" if name == all_label and "Total" in table.frame.index else name
        if key not in table.frame.index:
            continue
        if table.suppressed.loc[key, "Complaints"]:
            out.at[i, "value_text"] = CONFIDENTIAL
        elif out.at[i, "figure"] == "complaints":
            out.at[i, "value_text"] = table.frame.loc[key, "Complaints"]
        elif match := _SHARE.match(str(out.at[i, "value_text"])):
            entry = platforms[name]
            share = {"share": float(match.group(1)) / 100}
            n = entry.get("reported", entry["complaints"])
            if release.share(share, n=n, fmt=lambda _: "") == CONFIDENTIAL:
                out.at[i, "value_text"] = CONFIDENTIAL
    return out

"""Tables of words that fit the page in JupyterLab: long text wraps instead of running off screen.

pandas shows a frame as one line per row, so a redacted description or a statute's wording makes
a table several screens wide. :func:`wrapped` keeps the frame (sortable, copyable) and only
styles it: cells wrap at word boundaries, each at most ``max_em`` wide, the table no wider than
the output area.
"""

from __future__ import annotations

import pandas as pd
from pandas.io.formats.style import Styler


def wrapped(frame: pd.DataFrame, max_em: int = 28) -> Styler:
    """``frame`` styled to fit a 1440-pixel window: wrapped, top-aligned, left-aligned text."""
    cell = (
        f"white-space: normal; overflow-wrap: anywhere; min-width: 5em; max-width: {max_em}em; "
        "text-align: left; vertical-align: top;"
    )
    return frame.style.set_table_styles(
        [
            {"selector": "", "props": "max-width: 100%; table-layout: auto;"},
            {"selector": "td", "props": cell},
            {"selector": "th", "props": cell},
        ]
    )

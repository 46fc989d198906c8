"""What the briefing notebook hands the renderer: page furniture, and which outputs to print.

Shared by the notebook's own code (:mod:`analysis.report.content`, in the kernel), the
``briefings`` command and the renderer (:mod:`analysis.report.render`). It imports nothing, so
that the kernel never loads nbconvert and WeasyPrint and the command starts its render service
and kernels without waiting for them.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Cells an analyst sees in JupyterLab but a reader of the briefing does not.
ANALYST_ONLY_TAG = "analyst-only"
#: Output metadata key under which a briefing output lists its charts (each as
#: :meth:`analysis.publish.charts.Chart.to_html` gives it). Metadata is set by the package's code,
#: never by text: a log value inside the output's HTML cannot add a chart or an attachment here.
CHART_OUTPUTS = "analysis/charts"


@dataclass(frozen=True)
class PageInfo:
    """What every printed page of a briefing shows in its margins (see ``render``)."""

    title: str
    audience: str
    date: str
    marking: str

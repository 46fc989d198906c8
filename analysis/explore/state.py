"""The explorer's choices, and the briefing parameters file they can be saved as.

A briefing is made from :class:`analysis.report.params.BriefingParameters`; the explorer offers
more (roles, categories, who reported, an "as at" date, a deadline to try). :func:`briefing_parameters`
carries over what a briefing can take and lists the rest, so a saved file never claims a filter
the briefing will not apply; :func:`save_briefing_parameters` writes it as a YAML file that
``python -m analysis briefings --params FILE`` accepts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from analysis.config import SUPPRESSION_THRESHOLD
from analysis.parameters import shared_defaults
from analysis.report.params import validate_parameters

#: The deadline the explorer starts with: the 24 hours most proposed duties use.
DEFAULT_DEADLINE_HOURS = 24.0


@dataclass(frozen=True)
class ExplorerState:
    """One choice of filters. Empty tuples mean "all"."""

    period_start: dt.date
    period_end: dt.date
    as_at: dt.date
    platforms: tuple[str, ...] = ()
    nations: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    reporters: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()
    deadline_hours: float = DEFAULT_DEADLINE_HOURS
    suppression_threshold: int = SUPPRESSION_THRESHOLD
    complaint_log: str = field(default="")


def initial_state() -> ExplorerState:
    """The state the explorer opens on: the notebooks' shared defaults (params/defaults.yaml)."""
    d = validate_parameters(shared_defaults())
    return ExplorerState(
        period_start=d.period_start,
        period_end=d.period_end,
        as_at=d.as_of,
        platforms=d.platforms,
        nations=d.nations,
        rules=d.rules,
        suppression_threshold=d.suppression_threshold,
        complaint_log=d.complaint_log,
    )


def briefing_parameters(state: ExplorerState) -> tuple[dict[str, Any], list[str]]:
    """Parameters for a briefing of this selection, and the choices a briefing cannot apply.

    The briefing validates the log at the extract date of the defaults, never at the as-at date
    (that would reject later rows as errors), so a period ending after the as-at date is cut there.
    """
    base = shared_defaults()
    end = min(state.period_end, state.as_at)
    params = {
        **base,
        "complaint_log": state.complaint_log or base["complaint_log"],
        "period_start": state.period_start.isoformat(),
        "period_end": end.isoformat(),
        "nations": list(state.nations or validate_parameters(base).nations),
        "platforms": list(state.platforms),
        "rules": list(state.rules),
        "suppression_threshold": state.suppression_threshold,
    }
    validate_parameters(params)  # a file that the briefings command would refuse is never written
    left_out = [
        f"{label}: {', '.join(values)}"
        for label, values in (
            ("roles", state.roles),
            ("categories", state.categories),
            ("who reported", state.reporters),
        )
        if values
    ]
    if state.as_at.isoformat() != str(base["as_of"]):
        left_out.append(f"as at {state.as_at.isoformat()} (the period is cut there instead)")
    left_out.append(f"deadline {state.deadline_hours:g} hours (briefings compare the rules' own)")
    return params, left_out


def save_briefing_parameters(state: ExplorerState, path: str | Path) -> Path:
    """Write the briefing parameters of ``state`` to ``path`` (YAML), naming what is left out."""
    params, left_out = briefing_parameters(state)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    header = [
        "# Briefing parameters saved from the explorer (notebooks/08_explorer.ipynb).",
        f"# Build with: python -m analysis briefings --params {path.name}",
        "# Explorer choices a briefing does not apply:",
        *(f"#   {item}" for item in left_out),
    ]
    body = yaml.safe_dump(params, sort_keys=False, allow_unicode=True)
    path.write_text("\n".join(header) + "\n" + body, encoding="utf-8")
    return path

"""What every notebook starts from: the validated log, selected as the parameters say, its headline.

Notebooks present; they do not compute. This module is the one place that turns parameters into
data (validate the file, keep the period, nations and platforms asked for, run
:func:`analysis.results.headline` on that selection) and gathers the provenance a briefing's annex
prints: file, SHA-256, extract date, rows read / rejected / used, parameters, code version.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd

from analysis import __version__
from analysis.config import PROJECT_ROOT, SAMPLE_DIR
from analysis.log.validate import ValidationResult, validate_file
from analysis.publish.charts import source_line
from analysis.report.params import BriefingParameters
from analysis.results import headline
from analysis.rules.catalogue import Rule, load_rules


@dataclass
class BriefingInputs:
    """The data of one notebook run; ``headline`` is the figures' one source."""

    params: BriefingParameters
    validation: ValidationResult
    log: pd.DataFrame
    headline: dict
    rules: list[Rule]
    code_version: str
    out_of_selection: dict[str, int] = field(default_factory=dict)

    @property
    def synthetic(self) -> bool:
        """True for the bundled sample (generated, not real complaints): briefings must say so."""
        return self.params.log_path.resolve().is_relative_to(SAMPLE_DIR.resolve())

    @cached_property
    def source(self) -> str:
        """The source line under every chart and table."""
        return source_line(
            self.params.log_path.name,
            self.validation.sha256 or "",
            self.validation.as_of,
            self.synthetic,
        )


def select(log: pd.DataFrame, params: BriefingParameters) -> tuple[pd.DataFrame, dict[str, int]]:
    """Complaints received in the period, in the nations and on the platforms asked for.

    Returns the selection and how many rows each condition left out (in that order), so the annex
    can account for every valid row.
    """
    dropped: dict[str, int] = {}
    received = log["received_at"].dt.normalize()
    start, end = pd.Timestamp(params.period_start), pd.Timestamp(params.period_end)
    keep = received.between(start, end)
    dropped["outside the period"] = int((~keep).sum())
    in_nations = log["nation"].isin(params.nations)
    dropped["other nations"] = int((keep & ~in_nations).sum())
    keep &= in_nations
    if params.platforms:
        on_platforms = log["platform"].isin(params.platforms)
        dropped["other platforms"] = int((keep & ~on_platforms).sum())
        keep &= on_platforms
    return log[keep], dropped


def code_version() -> str:
    """``git describe`` of the working tree (with ``-dirty`` when edited), else the package version."""
    try:
        described = subprocess.run(
            ["git", "describe", "--always", "--dirty", "--tags"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        described = ""
    return f"analysis {__version__}" + (f" (git {described})" if described else "")


def prepare(params: BriefingParameters) -> BriefingInputs:
    """Validate the log, select what the parameters ask for, and compute the headline once.

    An empty selection is refused with the reason, rather than producing a briefing of blanks.
    """
    # A date (not a midnight timestamp): the validator reads it as the end of that day, as the
    # `analyse` command does with "YYYY-MM-DD", so both count the same complaints.
    validation = validate_file(params.log_path, params.as_of)
    log, dropped = select(validation.valid, params)
    if log.empty:
        raise ValueError(
            f"no complaint in {params.log_path.name} matches the parameters (received "
            f"{params.period_start} to {params.period_end}; nations {', '.join(params.nations)}; "
            f"platforms {', '.join(params.platforms) or 'all'}): of {len(validation.valid)} valid "
            f"rows, " + ", ".join(f"{n} {why}" for why, n in dropped.items() if n)
        )
    rules = [r for r in load_rules() if not params.rules or r.id in params.rules]
    result = headline(log, validation.as_of, list(params.rules) or None, validation)
    return BriefingInputs(
        params=params,
        validation=validation,
        log=log,
        headline=result,
        rules=rules,
        code_version=code_version(),
        out_of_selection=dropped,
    )

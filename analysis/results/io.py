"""The results as JSON: written once per extract beside the reports, read back by templates.

The file is the model's JSON (sorted keys, two-space indent, no NaN), the same text that
``python -m analysis analyse LOG --json`` prints, so a figure in a briefing can be found in it.
"""

from __future__ import annotations

import json
from pathlib import Path

from analysis.results.findings import Results


def to_json(result: Results | dict) -> str:
    """Stable JSON: sorted keys, two-space indent, no NaN (a NaN here is a bug, so it raises)."""
    data = result.model_dump(mode="json") if isinstance(result, Results) else result
    return json.dumps(data, sort_keys=True, indent=2, allow_nan=False, ensure_ascii=False)


def save_results(results: Results, path: str | Path) -> Path:
    """Write ``results`` as JSON to ``path`` (folders made as needed); returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(to_json(results) + "\n", encoding="utf-8")
    return path


def load_results(path: str | Path) -> Results:
    """Read results saved by :func:`save_results`, checked against the model (a file written by
    another schema version, or edited by hand into an impossible shape, is refused)."""
    return Results.model_validate_json(Path(path).read_text(encoding="utf-8"))

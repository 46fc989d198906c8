"""The parameters cells of the notebooks that share the briefing parameters, written from one place.

``params/defaults.yaml`` holds the values and :class:`analysis.report.params.BriefingParameters`
the types and meanings; each of :data:`SHARED_NOTEBOOKS` carries a generated copy in its cell
tagged ``parameters`` (papermill needs literal values there, and an analyst edits them there).
``python -m analysis.explore.parameter_cells`` rewrites the copies after a default changes;
``tests/test_notebooks.py`` fails, naming this command, when one is out of date.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

from analysis.config import NOTEBOOKS_DIR
from analysis.parameters import parameters_cell, shared_defaults
from analysis.report.params import BriefingParameters

#: Notebooks whose parameters are exactly the briefing parameters.
SHARED_NOTEBOOKS: tuple[str, ...] = (
    "01_complaints_overview.ipynb",
    "02_response_times.ipynb",
    "03_rules_compared.ipynb",
    "04_briefing.ipynb",
)

FIX_COMMAND = ".venv/bin/python -m analysis.explore.parameter_cells"


def expected_cell() -> str:
    """The parameters cell every shared notebook should hold."""
    return parameters_cell(BriefingParameters, shared_defaults())


def write_parameter_cells(notebooks_dir: Path = NOTEBOOKS_DIR) -> list[Path]:
    """Rewrite the parameters cell of each shared notebook; return those that changed."""
    source = expected_cell()
    changed = []
    for name in SHARED_NOTEBOOKS:
        path = notebooks_dir / name
        nb = nbformat.read(path, as_version=4)
        cells = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
        if len(cells) != 1:
            raise ValueError(f"{path}: expected one cell tagged 'parameters', found {len(cells)}")
        if cells[0].source != source:
            cells[0].source = source
            nbformat.write(nb, path)
            changed.append(path)
    return changed


def main() -> int:
    for path in write_parameter_cells():
        sys.stdout.write(f"rewrote the parameters cell of {path.name}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The notebooks as stored in git: one typed, commented parameters cell, validated next, no outputs.

nbval (``make test``) executes them; these tests check what nbval cannot: how they are stored, and
that a bad parameter stops a notebook with a message naming it.
"""

from __future__ import annotations

import ast
import copy
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbstripout import strip_output

from analysis.config import NOTEBOOKS_DIR
from analysis.report.params import BriefingParameters, validate_parameters
from analysis.report.runner import KERNELSPEC, NotebookFailed, execute, notebook_defaults

NOTEBOOKS = (
    "01_complaints_overview.ipynb",
    "02_response_times.ipynb",
    "03_rules_compared.ipynb",
    "04_briefing.ipynb",
)


def _read(name: str) -> nbformat.NotebookNode:
    return nbformat.read(NOTEBOOKS_DIR / name, as_version=4)


def _tags(cell: nbformat.NotebookNode) -> list[str]:
    return cell.get("metadata", {}).get("tags", [])


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_one_parameters_cell_typed_and_commented_then_validated(name: str) -> None:
    cells = _read(name).cells
    tagged = [i for i, c in enumerate(cells) if "parameters" in _tags(c)]
    assert len(tagged) == 1
    source = cells[tagged[0]].source
    names = []
    for node, line in zip(ast.parse(source).body, source.splitlines(), strict=True):
        assert isinstance(node, ast.AnnAssign), f"untyped parameter: {line}"
        assert "  # " in line, f"parameter without a comment: {line}"
        names.append(node.target.id)
    assert sorted(names) == sorted(BriefingParameters.model_fields)
    following = next(c for c in cells[tagged[0] + 1 :] if c.cell_type == "code")
    assert "validate_parameters(globals())" in following.source
    validate_parameters(notebook_defaults(NOTEBOOKS_DIR / name))  # the defaults are valid


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_stored_stripped_except_contract_cells(name: str) -> None:
    nb = _read(name)
    assert nb.metadata.kernelspec == KERNELSPEC  # one for everyone: never in a diff
    stripped = strip_output(copy.deepcopy(nb), keep_output=False, keep_count=False, keep_id=True)
    contracts = 0
    for cell, clean in zip(nb.cells, stripped.cells, strict=True):
        if cell.get("metadata", {}).get("keep_output"):
            contracts += 1
            assert cell.source.startswith("# NBVAL_CHECK_OUTPUT")
            assert cell.outputs, "a contract cell must keep its output for nbval to compare"
            # nbval skips a cell that looks never run, so contract cells keep a count.
            clean.execution_count = cell.execution_count
        assert cell == clean, f"cell {cell.get('id')} has outputs or counts: run nbstripout"
    assert contracts >= 1


@pytest.mark.slow
def test_a_bad_parameter_stops_the_notebook_naming_it(tmp_path) -> None:
    with pytest.raises(NotebookFailed) as info:
        execute(
            NOTEBOOKS_DIR / "02_response_times.ipynb",
            tmp_path / "out.ipynb",
            {"nations": ["Englund"]},
            cwd=NOTEBOOKS_DIR,
        )
    message = str(info.value)
    assert "02_response_times.ipynb: cell 2" in message
    assert "ParameterError" in message
    assert "parameter 'nations'" in message and "'Englund' is not a UK nation" in message


@pytest.mark.slow  # over 4 s: left out of make test-fast
def test_papermill_help_notebook_lists_types_defaults_and_meanings() -> None:
    papermill = Path(sys.executable).with_name("papermill")
    notebook = NOTEBOOKS_DIR / "02_response_times.ipynb"
    done = subprocess.run(
        [str(papermill), "--help-notebook", str(notebook)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "suppression_threshold: int (default 10)" in done.stdout
    assert "nations: list[str]" in done.stdout and "UK nations to include" in done.stdout


@pytest.mark.slow
def test_examples_are_shown_only_redacted(tmp_path) -> None:
    import pandas as pd

    from analysis.config import SAMPLE_LOG
    from analysis.text.redact import leaked_identifiers

    out = execute(
        NOTEBOOKS_DIR / "01_complaints_overview.ipynb",
        tmp_path / "out.ipynb",
        {"show_examples": True},
        cwd=NOTEBOOKS_DIR,
    )
    shown = []
    for cell in nbformat.read(out, as_version=4).cells:
        for output in cell.get("outputs", []):
            shown.append(str(output.get("data", {}).get("text/markdown", "")))
    quotes = [s for s in shown if s.startswith("> ")]
    assert len(quotes) == 3  # the examples are there...
    identifiers = pd.read_csv(SAMPLE_LOG.with_name("complaints.identifiers.csv"))
    assert leaked_identifiers("\n".join(quotes), identifiers) == []  # ...and name nobody


@pytest.mark.slow
def test_store_strips_a_run_notebook_but_keeps_its_contract_outputs(tmp_path) -> None:
    from analysis.report.runner import store

    original = _read("02_response_times.ipynb")
    edited = copy.deepcopy(original)
    for cell in edited.cells:
        if cell.get("metadata", {}).get("keep_output"):
            cell.outputs, cell.execution_count = [], None
    edited.metadata["kernelspec"] = {
        "name": "my-own-kernel",
        "display_name": "x",
        "language": "python",
    }
    path = tmp_path / "02_response_times.ipynb"
    nbformat.write(edited, path)
    store(path, cwd=NOTEBOOKS_DIR)
    assert nbformat.read(path, as_version=4) == original

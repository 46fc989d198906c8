"""The notebooks as stored in git: one typed, commented parameters cell, validated next, no outputs.

nbval (``make test``) executes them; these tests check what nbval cannot: how they are stored, and
that a bad parameter stops a notebook with a message naming it.
"""

from __future__ import annotations

import ast
import copy
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from jupyter_server.services.contents.filemanager import FileContentsManager

from analysis.config import NOTEBOOKS_DIR
from analysis.explore.clean import clean, pre_save_hook
from analysis.explore.parameter_cells import FIX_COMMAND, SHARED_NOTEBOOKS, expected_cell
from analysis.parameters import shared_defaults
from analysis.report.params import validate_parameters
from analysis.report.runner import KERNELSPEC, NotebookFailed, execute, notebook_defaults

ALL_NOTEBOOKS = sorted(p.name for p in NOTEBOOKS_DIR.glob("*.ipynb"))
#: Notebooks whose second cell takes their parameters out of the namespace (a deleted line fails).
TAKING = (
    "01_complaints_overview.ipynb",
    "02_response_times.ipynb",
    "03_rules_compared.ipynb",
    "06_text_categories.ipynb",
    "07_legislation_duties.ipynb",
)


def _read(name: str) -> nbformat.NotebookNode:
    return nbformat.read(NOTEBOOKS_DIR / name, as_version=4)


def _tags(cell: nbformat.NotebookNode) -> list[str]:
    return cell.get("metadata", {}).get("tags", [])


def _parameters_index(cells: list) -> int:
    tagged = [i for i, c in enumerate(cells) if "parameters" in _tags(c)]
    assert len(tagged) == 1
    return tagged[0]


@pytest.mark.parametrize("name", SHARED_NOTEBOOKS)
def test_one_parameters_cell_generated_from_the_shared_defaults_then_validated(name: str) -> None:
    cells = _read(name).cells
    index = _parameters_index(cells)
    source = cells[index].source
    assert source == expected_cell(), (
        f"{name}: the parameters cell differs from params/defaults.yaml: run {FIX_COMMAND}"
    )
    for node, line in zip(ast.parse(source).body, source.splitlines(), strict=True):
        assert isinstance(node, ast.AnnAssign), f"untyped parameter: {line}"
        assert "  # " in line, f"parameter without a comment: {line}"
    following = next(c for c in cells[index + 1 :] if c.cell_type == "code")
    assert re.search(
        r"(take|validate)_parameters\((BriefingParameters, )?globals\(\)\)", following.source
    )
    validate_parameters(notebook_defaults(NOTEBOOKS_DIR / name))  # the defaults are valid


@pytest.mark.parametrize("name", TAKING)
def test_the_cell_after_the_parameters_takes_them(name: str) -> None:
    cells = _read(name).cells
    following = next(c for c in cells[_parameters_index(cells) + 1 :] if c.cell_type == "code")
    assert re.search(r"^P = take_parameters\(\w+Parameters, globals\(\)\)$", following.source, re.M)


@pytest.mark.parametrize("name", ALL_NOTEBOOKS)
def test_a_shared_parameter_has_the_shared_default_everywhere(name: str) -> None:
    shared = shared_defaults()
    cells = _read(name).cells
    if not any("parameters" in _tags(c) for c in cells):
        return  # 00 and 08 have no parameters cell (08 starts from params/defaults.yaml)
    for key, value in notebook_defaults(NOTEBOOKS_DIR / name).items():
        if key in shared:
            assert value == shared[key], f"{name}: {key} = {value!r}, not params/defaults.yaml's"


@pytest.mark.parametrize("name", ALL_NOTEBOOKS)
def test_stored_stripped_except_contract_cells(name: str) -> None:
    nb = _read(name)
    assert nb.metadata.kernelspec == KERNELSPEC  # one for everyone: never in a diff
    for index, (cell, stored) in enumerate(
        zip(clean(copy.deepcopy(nb), nb).cells, nb.cells, strict=True)
    ):
        first = next(iter(stored.source.splitlines()), "")
        assert cell == stored, (
            f"notebooks/{name}: cell {index} ({first!r}) is stored with outputs, execution counts "
            f"or run metadata: run `.venv/bin/python -m analysis.explore.clean notebooks/{name}` "
            "(JupyterLab started with `make lab` strips them on save)"
        )
        if cell.get("metadata", {}).get("keep_output"):
            assert cell.source.startswith("# NBVAL_CHECK_OUTPUT")
            assert cell.outputs and cell.execution_count, "nbval compares a contract cell's output"


def test_saving_in_jupyterlab_strips_outputs_but_keeps_the_contract_and_folding(tmp_path) -> None:
    name = "02_response_times.ipynb"
    stored = _read(name)
    (tmp_path / name).write_text(nbformat.writes(stored), encoding="utf-8")
    edited = copy.deepcopy(stored)
    for cell in edited.cells:
        if cell.cell_type == "code":
            cell.execution_count = 7
            cell.outputs = [
                nbformat.v4.new_output("stream", text="a figure for other parameters\n")
            ]
            cell.metadata.setdefault("jupyter", {})["source_hidden"] = False
    edited.metadata["language_info"] = {"name": "python", "version": "3.11.2"}
    manager = FileContentsManager(root_dir=str(tmp_path))
    manager.register_pre_save_hook(pre_save_hook)
    manager.save({"type": "notebook", "format": "json", "content": edited}, name)
    assert nbformat.read(tmp_path / name, as_version=4) == stored


def test_the_landing_notebook_links_every_notebook() -> None:
    text = "\n".join(c.source for c in _read("00_start_here.ipynb").cells)
    linked = re.findall(r"\]\((\d\d_\w+\.ipynb)\)", text)
    assert sorted(linked) == [n for n in ALL_NOTEBOOKS if n != "00_start_here.ipynb"]


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


def test_papermill_reads_every_line_of_every_parameters_cell(caplog) -> None:
    """papermill splits a parameters line at ';': a line it cannot parse is dropped from what it
    knows, and every run then warns "Passed unknown parameter" for it."""
    import json
    import logging

    from papermill.translators import PythonTranslator

    for path in sorted(NOTEBOOKS_DIR.glob("*.ipynb")):
        for cell in json.loads(path.read_text())["cells"]:
            if "parameters" in cell["metadata"].get("tags", []):
                caplog.clear()
                with caplog.at_level(logging.WARNING):
                    PythonTranslator.inspect({"source": "".join(cell["source"])})
                assert not caplog.records, f"{path.name}: {caplog.records[0].getMessage()}"

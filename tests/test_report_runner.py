"""Notebooks run on a Jupyter kernel through papermill: named failures, a time limit per cell,
several at once from threads, and rendering workers that need no fork."""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from pathlib import Path

import nbformat
import pytest

from analysis.report.runner import NotebookFailed, execute

pytestmark = pytest.mark.slow  # each test starts a kernel or a process that imports WeasyPrint


def _notebook(tmp_path, cells: list[str], name: str = "test.ipynb") -> str:
    """A notebook whose first code cell is its parameters cell, with a module beside it."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# A test notebook")]
    nb.cells += [nbformat.v4.new_code_cell(source) for source in cells]
    nb.cells[1].metadata["tags"] = ["parameters"]
    path = tmp_path / name
    nbformat.write(nb, path)
    (tmp_path / "helper_beside_notebook.py").write_text("VALUE = 'found beside'\n")
    return str(path)


def _stdout(path) -> list[str]:
    cells = nbformat.read(path, as_version=4).cells
    return [o.text for c in cells if c.cell_type == "code" for o in c.outputs if "text" in o]


def test_a_failing_cell_is_named_by_its_index_in_the_source_notebook(tmp_path) -> None:
    cells = ['greeting = "hello"', "total = 1 + 1", "raise ValueError(f'no {greeting} today')"]
    notebook = _notebook(tmp_path, [*cells, "print('not reached')"])
    with pytest.raises(NotebookFailed) as info:
        execute(notebook, tmp_path / "out.ipynb", {"greeting": "tea"}, cwd=tmp_path)
    assert str(info.value) == (
        "test.ipynb: cell 3 (\"raise ValueError(f'no {greeting} today')\") failed: "
        "ValueError: no tea today"
    )
    ran = nbformat.read(tmp_path / "out.ipynb", as_version=4).cells
    assert ran[-1].outputs == [] and ran[-1].execution_count is None  # stopped at the error


@pytest.mark.parametrize("started_early", [False, True], ids=["papermill's kernel", "forked"])
def test_a_cell_that_runs_too_long_is_stopped_and_named(tmp_path, started_early) -> None:
    from analysis.report.runner import start_kernel

    notebook = _notebook(tmp_path, ["wait = 60", "import time", "time.sleep(wait)", "print(1)"])
    start = time.perf_counter()
    kernel = start_kernel(tmp_path, ["import time"]) if started_early else None
    with pytest.raises(NotebookFailed) as info:
        execute(notebook, tmp_path / "out.ipynb", {}, cwd=tmp_path, timeout=3, kernel=kernel)
    assert time.perf_counter() - start < 50  # stopped, not waited for
    assert info.value.cell_index == 3 and info.value.first_line == "time.sleep(wait)"
    assert info.value.ename == "CellTimeoutError"
    assert "still running after the 3 s allowed per cell" in str(info.value)


def test_notebooks_run_at_once_from_threads_each_in_its_own_folder(tmp_path) -> None:
    cwd = os.getcwd()
    runs = {}
    for name in ("one", "two"):
        folder = tmp_path / name
        folder.mkdir()
        cells = ["who = 'nobody'", "import helper_beside_notebook", "print(who)"]
        runs[name] = _notebook(folder, cells)
    threads = [
        threading.Thread(
            target=execute,
            args=(path, tmp_path / f"{name}.ipynb", {"who": name}, Path(path).parent),
        )
        for name, path in runs.items()
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert os.getcwd() == cwd  # the kernels' folders are theirs, not this process's
    for name in runs:
        assert _stdout(tmp_path / f"{name}.ipynb") == [f"{name}\n"]


def test_rendering_workers_start_where_there_is_no_fork_server(monkeypatch) -> None:
    from analysis.report import briefings

    asked: list[str] = []
    get_context = multiprocessing.get_context

    def recording(method: str | None = None):
        asked.append(method)
        return get_context(method)

    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    monkeypatch.setattr(multiprocessing, "get_context", recording)
    with briefings.render_pool(1) as pool:
        assert pool.submit(os.getpid).result(timeout=300) != os.getpid()
    assert asked == ["spawn"]


def test_a_kernel_started_early_has_the_notebooks_imports_and_is_stopped_after(tmp_path) -> None:
    from analysis.kernels.preload import notebook_imports
    from analysis.report.runner import start_kernel

    cells = ["who = ''", "import json\nif who:\n    import csv", "print(sorted(dir()))"]
    notebook = _notebook(tmp_path, cells)
    assert notebook_imports(notebook) == ["import json"]  # top level only
    kernel = start_kernel(tmp_path, ["import helper_beside_notebook"])  # found in cwd
    execute(notebook, tmp_path / "out.ipynb", {}, cwd=tmp_path, kernel=kernel)
    printed = _stdout(tmp_path / "out.ipynb")[0]
    assert "'helper_beside_notebook'" in printed and "'csv'" not in printed
    assert not kernel.has_kernel

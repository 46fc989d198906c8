"""Briefing runs execute notebooks in-process, each in a fork of its own: same outputs as a kernel."""

from __future__ import annotations

import gc
import os
import signal
import sys
import time

import nbformat
import pytest

from analysis.report.forks import ChildDied, Forks, shared_with_children
from analysis.report.runner import NotebookFailed, execute

CELLS = [
    'greeting: str = "hello"  # what to say',
    "import sys\nimport warnings\nfrom IPython.display import Markdown, display",
    "print(greeting)\nprint('twice')\nwarnings.warn('careful')",
    "display(Markdown(f'**{greeting}**'))\n{'answer': 42}",
    "%time x = 1",
    "h = display(Markdown('one'), display_id=True)\nh.update(Markdown('two'))",
    "import helper_beside_notebook\nhelper_beside_notebook.VALUE",
    "%matplotlib inline",
]


def _notebook(tmp_path, cells: list[str]) -> str:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# A test notebook")]
    nb.cells += [nbformat.v4.new_code_cell(source) for source in cells]
    nb.cells[1].metadata["tags"] = ["parameters"]
    path = tmp_path / "test.ipynb"
    nbformat.write(nb, path)
    (tmp_path / "helper_beside_notebook.py").write_text("VALUE = 'found beside'\n")
    return str(path)


def _first(text: str) -> str:
    return text.split("\n")[0].split(": ", 1)[-1]


def _outputs(path) -> list[list[tuple]]:
    shapes = []
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type == "code" and "injected-parameters" not in cell.metadata.get("tags", []):
            shapes.append(
                [
                    # a warning's first line without the file name, which the kernel makes up
                    (o.output_type, o.get("name"), _first(o.get("text", "")), o.get("data"))
                    for o in cell.outputs
                    # %time prints a wall time that differs between any two runs
                    if "Wall time" not in o.get("text", "")
                ]
            )
    return shapes


@pytest.mark.slow
def test_in_process_outputs_are_the_kernels(tmp_path) -> None:
    notebook = _notebook(tmp_path, CELLS)
    params = {"greeting": "bonjour"}
    kernel = execute(notebook, tmp_path / "kernel.ipynb", params, cwd=tmp_path)
    here = execute(notebook, tmp_path / "here.ipynb", params, cwd=tmp_path, in_process=True)
    assert _outputs(here) == _outputs(kernel)
    printed, shown, _, updated, beside = _outputs(here)[2:7]
    assert printed[0] == ("stream", "stdout", "bonjour", None)  # two prints, one output
    assert printed[1] == ("stream", "stderr", "UserWarning: careful", None)
    assert shown[0][3]["text/markdown"] == "**bonjour**"
    assert shown[1][0] == "execute_result" and shown[1][3]["text/plain"] == "{'answer': 42}"
    assert [o[3]["text/markdown"] for o in updated] == ["two"]  # replaced, not appended
    assert beside[0][3]["text/plain"] == "'found beside'"


def test_an_error_shown_by_a_display_fails_the_cell(tmp_path) -> None:
    broken = (
        "class Broken:\n    def _repr_html_(self):\n        raise ValueError('no html')\nBroken()"
    )
    notebook = _notebook(tmp_path, [*CELLS[:2], broken, "print('not reached')"])
    with pytest.raises(NotebookFailed, match=r"cell 3 .* failed: ValueError: no html"):
        execute(notebook, tmp_path / "out.ipynb", {}, cwd=tmp_path, in_process=True)


def test_a_failing_cell_is_named_as_with_a_kernel(tmp_path) -> None:
    cells = [*CELLS[:2], "total = 1 + 1", "raise ValueError(f'no {greeting} today')", "print(1)"]
    notebook = _notebook(tmp_path, cells)
    with pytest.raises(NotebookFailed) as info:
        execute(notebook, tmp_path / "out.ipynb", {}, cwd=tmp_path, in_process=True)
    assert str(info.value) == (
        "test.ipynb: cell 4 (\"raise ValueError(f'no {greeting} today')\") failed: "
        "ValueError: no hello today"
    )
    ran = nbformat.read(tmp_path / "out.ipynb", as_version=4).cells
    assert ran[-1].outputs == [] and ran[-1].execution_count is None  # stopped at the error


def test_a_notebook_starts_from_a_clean_namespace(tmp_path) -> None:
    first = _notebook(tmp_path, [*CELLS[:1], "left_behind = 1"])
    execute(first, tmp_path / "first.ipynb", {}, cwd=tmp_path, in_process=True)
    second = _notebook(tmp_path, [*CELLS[:1], "left_behind"])
    with pytest.raises(NotebookFailed, match="NameError: name 'left_behind' is not defined"):
        execute(second, tmp_path / "second.ipynb", {}, cwd=tmp_path, in_process=True)


# -- forks -----------------------------------------------------------------------------------------

_STATE: list[int] = []


def _remember(n: int) -> tuple[int, list[int], int]:
    _STATE.append(n)
    return n, list(_STATE), os.getpid()


def _fail(message: str) -> None:
    raise KeyError(message)


def _die(code: int) -> None:
    sys.stdout.flush()
    os._exit(code)


def test_every_call_gets_a_fresh_fork_of_this_process() -> None:
    forks = Forks(2)
    for n in range(5):  # more calls than children at once: the rest wait their turn
        forks.start(_remember, n)
    results = [outcome for _, outcome in forks.finished()]
    assert sorted(n for n, _, _ in results) == [0, 1, 2, 3, 4]
    assert all(state == [n] for n, state, _ in results)  # nothing left by an earlier call
    assert len({pid for _, _, pid in results} | {os.getpid()}) == 6
    assert _STATE == []  # and nothing comes back to the parent


def _orphan_pid(read: int) -> int:
    """Fork a child that waits forever; return its pid (from inside a process that then ends)."""
    forks = Forks(1)
    forks.start(time.sleep, 600)
    child = next(iter(forks._running.values()))[1]
    os.write(read, str(child.pid).encode())
    os._exit(0)


def test_children_end_with_their_parent() -> None:
    read, write = os.pipe()
    middle = os.fork()
    if middle == 0:  # a stand-in for the briefings command, ending abruptly
        _orphan_pid(write)
    os.waitpid(middle, 0)
    child = int(os.read(read, 32))
    for _ in range(100):
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        os.kill(child, signal.SIGKILL)
        pytest.fail("a child outlived its parent")


def test_a_child_error_or_death_comes_back_as_an_exception() -> None:
    forks = Forks(2)
    forks.start(_fail, "no such platform")
    forks.start(_die, 3)
    outcomes = {call.function.__name__: outcome for call, outcome in forks.finished()}
    assert isinstance(outcomes["_fail"], KeyError) and "no such platform" in str(outcomes["_fail"])
    assert isinstance(outcomes["_die"], ChildDied) and "exit code 3" in str(outcomes["_die"])


def _collector_after_loading(fail: bool) -> tuple[bool, int]:
    try:
        with shared_with_children():
            import email.mime.text  # noqa: F401  (something to load)

            if fail:
                raise ImportError("a module that would not load")
    except ImportError:
        pass
    return gc.isenabled(), gc.get_freeze_count()


def test_loading_for_children_leaves_the_collector_on_and_the_loaded_frozen() -> None:
    forks = Forks(2)  # in children: freezing would keep this test process's objects for good
    forks.start(_collector_after_loading, False)
    forks.start(_collector_after_loading, True)
    for _, (enabled, frozen) in forks.finished():
        assert enabled and frozen > 0

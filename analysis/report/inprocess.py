"""A papermill engine that runs a notebook's cells in this Python process, not in a kernel.

Why: a Jupyter kernel is a fresh Python that imports pandas, scipy, matplotlib and this package
again before the first cell runs, about 3-4 s per notebook on a two-core machine, and a briefing
run starts two of them. The ``briefings`` command has those modules imported already, so it runs
each notebook here instead, in a process forked for that notebook alone (so no state passes from
one notebook to another, or back to the command).

Each notebook runs in a fresh IPython shell (magics, ``display()`` and its updates, the last
expression's value all work as in JupyterLab) and its outputs are recorded in the shapes a kernel
sends: ``stream``, ``display_data``, ``execute_result`` and ``error``. Two differences: matplotlib
keeps this process's backend (Agg, which ``analysis.publish.charts`` selects in a kernel too), so a
bare ``plt.plot`` shows nothing until ``%matplotlib inline`` or ``display(fig)``; and stdout and
stderr text keep the order they were written in, where a kernel groups them. papermill then treats the notebook exactly as
after a kernel run: it injects the parameters, stops at the first failing cell and raises
``PapermillExecutionError`` for it, and nbconvert renders the result. Analysts in JupyterLab and
nbval in CI run the same notebooks on a real kernel; ``tests/test_report_inprocess.py`` checks
that the two give the same outputs.
"""

from __future__ import annotations

import ast
import base64
import contextlib
import io
import platform
import sys
import warnings
from functools import partial
from pathlib import Path
from typing import Any

import nbformat
from IPython.core.displayhook import DisplayHook
from IPython.core.displaypub import DisplayPublisher
from IPython.core.interactiveshell import InteractiveShell
from papermill.engines import Engine, papermill_engines
from traitlets import Type
from traitlets.config import Config

#: The name papermill knows this engine by (``papermill.execute_notebook(engine_name=...)``).
ENGINE_NAME = "analysis-in-process"

#: What a Python 3 kernel reports about its language; nbconvert reads it from the notebook.
LANGUAGE_INFO = {
    "name": "python",
    "version": platform.python_version(),
    "mimetype": "text/x-python",
    "file_extension": ".py",
    "pygments_lexer": "ipython3",
    "codemirror_mode": {"name": "ipython", "version": 3},
    "nbconvert_exporter": "python",
}


def _jsonable(data: dict[str, Any]) -> dict[str, Any]:
    """Binary payloads (PNG, PDF) as base64 text, as a kernel sends them."""
    return {
        mime: base64.b64encode(value).decode("ascii") if isinstance(value, bytes) else value
        for mime, value in data.items()
    }


class _Publisher(DisplayPublisher):
    """``display()`` appends a ``display_data`` output to the running cell.

    ``display(..., display_id=...)`` and its ``update()`` replace the earlier output with that id
    in place, wherever it is, as JupyterLab and nbclient do.
    """

    def publish(  # type: ignore[override]
        self,
        data: dict[str, Any],
        metadata: dict[str, Any] | None = None,
        *,
        transient: dict[str, Any] | None = None,
        update: bool = False,
        **_: Any,
    ) -> None:
        display_id = (transient or {}).get("display_id")
        output = nbformat.v4.new_output(
            "display_data", data=_jsonable(data), metadata=metadata or {}
        )
        shown = self.shell.displayed.setdefault(display_id, []) if display_id else []
        if update:
            for earlier in shown:
                earlier.data, earlier.metadata = output.data, output.metadata
            return
        self.shell.outputs.append(output)
        shown.append(output)

    def clear_output(self, wait: bool = False) -> None:
        self.shell.outputs.clear()


class _ResultHook(DisplayHook):
    """A cell's last expression becomes its ``execute_result``, with the execution count."""

    def write_output_prompt(self) -> None:
        """No ``Out[n]:`` prompt: there is no terminal."""

    def write_format_data(
        self, format_dict: dict[str, Any], md_dict: dict[str, Any] | None = None
    ) -> None:
        output = nbformat.v4.new_output(
            "execute_result",
            data=_jsonable(format_dict),
            metadata=md_dict or {},
            execution_count=self.prompt_count,
        )
        self.shell.outputs.append(output)

    def finish_displayhook(self) -> None:
        """Nothing to flush: the output is recorded already."""


class _Stream(io.TextIOBase):
    """``print`` and warnings: consecutive writes to one stream make one ``stream`` output."""

    def __init__(self, shell: _Shell, name: str) -> None:
        self.shell = shell
        self.name = name

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        outputs = self.shell.outputs
        if outputs and outputs[-1].output_type == "stream" and outputs[-1].name == self.name:
            outputs[-1].text += text
        elif text:
            outputs.append(nbformat.v4.new_output("stream", name=self.name, text=text))
        return len(text)


def _show_warning(
    stream: _Stream,
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: Any = None,
    line: str | None = None,
) -> None:
    stream.write(warnings.formatwarning(message, category, filename, lineno, line))


class _Shell(InteractiveShell):
    """An IPython shell whose outputs go to the running cell instead of a terminal."""

    displayhook_class = Type(_ResultHook)
    display_pub_class = Type(_Publisher)

    def __init__(self, **kwargs: Any) -> None:
        self.outputs: list[nbformat.NotebookNode] = []
        self.displayed: dict[str, list[nbformat.NotebookNode]] = {}  # outputs by display id
        super().__init__(**kwargs)

    def enable_gui(self, gui: str | None = None) -> None:
        """No event loop to start: ``%matplotlib inline`` needs none, and there is no screen."""

    def _showtraceback(self, etype: type, evalue: BaseException, stb: list[str]) -> None:
        self.outputs.append(
            nbformat.v4.new_output("error", ename=etype.__name__, evalue=str(evalue), traceback=stb)
        )

    def run_code_cell(self, cell: nbformat.NotebookNode) -> bool:
        """Run one code cell, put its outputs and execution count on it; False if it raised."""
        self.outputs = []
        count = self.execution_count
        stderr = _Stream(self, "stderr")
        with (
            contextlib.redirect_stdout(_Stream(self, "stdout")),
            contextlib.redirect_stderr(stderr),
            warnings.catch_warnings(),
        ):
            # Warnings print to the cell's stderr, as in a kernel, even where the caller (a
            # test runner, say) had them recorded instead.
            warnings.showwarning = partial(_show_warning, stderr)
            result = self.run_cell(cell.source, store_history=True, cell_id=cell.get("id"))
        cell.outputs = self.outputs
        cell.execution_count = count
        # An error shown without failing the run (a broken _repr_html_, say) still fails the
        # cell, as with a kernel: papermill stops at any cell with an error output.
        return result.success and not any(o.output_type == "error" for o in self.outputs)


def _fresh_shell() -> _Shell:
    """A new shell, registered as *the* shell so that ``IPython.display.display`` finds it."""
    config = Config()
    config.HistoryManager.enabled = False  # no SQLite history file for a batch run
    config.InteractiveShell.colors = "nocolor"  # tracebacks kept in the notebook stay readable
    InteractiveShell.clear_instance()
    return _Shell.instance(config=config)


class InProcessEngine(Engine):
    """Run the notebook's cells in order in a fresh shell; stop at the first that raises."""

    @classmethod
    def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, **_: Any) -> None:
        shell = _fresh_shell()
        nb_man.nb.metadata["language_info"] = dict(LANGUAGE_INFO)
        # A kernel finds modules beside the notebook (papermill has moved to its folder).
        sys.path.insert(0, "")
        try:
            for index, cell in enumerate(nb_man.nb.cells):
                nb_man.cell_start(cell, index)
                try:
                    if cell.cell_type == "code" and not shell.run_code_cell(cell):
                        nb_man.cell_exception(cell, cell_index=index)
                        break
                finally:
                    nb_man.cell_complete(cell, cell_index=index)
        finally:
            sys.path.remove("")
            _Shell.clear_instance()


papermill_engines.register(ENGINE_NAME, InProcessEngine)


def import_notebook_modules(notebook: str | Path) -> None:
    """Run, in this process, the import statements at the top level of the notebook's cells.

    Why: the briefings command forks a process per notebook from this one, and whatever is
    imported here before the fork is loaded in each child already (pandas, matplotlib and this
    package take seconds to import: paid once, not once per notebook). Imports nested in ``if``
    or ``try`` blocks are left for the notebook, which may not need them. An import that fails
    is left for the notebook's own cell to report, with the cell's number.
    """
    nb = nbformat.read(notebook, as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        try:
            body = ast.parse(cell.source).body
        except SyntaxError:  # IPython syntax (magics): the notebook runs it as it is
            continue
        for node in body:
            if isinstance(node, ast.Import | ast.ImportFrom):
                code = compile(ast.Module(body=[node], type_ignores=[]), str(notebook), "exec")
                with contextlib.suppress(Exception):
                    exec(code, {})

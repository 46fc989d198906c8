"""Execute a notebook with papermill on a Jupyter kernel, and turn a failing cell into one message.

Only public interfaces: papermill's nbclient engine, on the ``python3`` kernel that JupyterLab and
nbval use, so a briefing run and an analyst's run execute the notebook the same way. Each cell has
a time limit (``timeout``): a cell that hangs is stopped and reported like a cell that raised.

papermill's own error is a long traceback with ANSI colours; an analyst running ``make briefings``
needs to know which notebook, which cell (its index and first line, so it can be found in
JupyterLab) and what went wrong. The executed notebook is kept either way: on failure it holds
papermill's error banner and the full traceback for whoever debugs it.
"""

from __future__ import annotations

import ast
import asyncio
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import nbformat
import papermill
from jupyter_client.manager import AsyncKernelManager
from nbclient.exceptions import CellTimeoutError
from papermill.engines import NBClientEngine, papermill_engines
from papermill.exceptions import PapermillExecutionError

from analysis.kernels.provisioner import WarmKernelSpecs, factory_for, warm_kernels_enabled

#: The kernel every notebook runs on: the venv's own ``python3``, the one every Jupyter install
#: has (a custom kernel name would fail with NoSuchKernel on another machine).
KERNEL_NAME = "python3"

#: The kernelspec notebooks are stored with: the same for everyone, so it never shows in a diff,
#: and present, because ``papermill --help-notebook`` needs one (it ignores ``-k``).
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": KERNEL_NAME}

#: Run in every kernel before the notebook. pandera imports pandas-on-Spark (``pyspark.pandas``,
#: about half a second) only to register a backend for Spark frames; notebooks validate pandas
#: frames and never use pandas-on-Spark, so the kernel marks it absent (pandera then skips it).
KERNEL_EXEC_LINES = ("import sys; sys.modules.setdefault('pyspark.pandas', None)",)

#: Seconds one cell may run before it is stopped and the run fails, naming the cell.
DEFAULT_CELL_TIMEOUT = 300

#: The name papermill knows :class:`TimedEngine` by.
ENGINE_NAME = "analysis-nbclient"

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


class TimedEngine(NBClientEngine):
    """papermill's nbclient engine, with a cell that runs out of time recorded as a failed cell.

    Why: nbclient raises :class:`~nbclient.exceptions.CellTimeoutError` out of the run, which
    papermill does not record on the cell; here the cell gets an error output saying so, and
    papermill stops there and reports it (with the cell's index) like any failing cell. The
    kernel is shut down by nbclient either way.
    """

    @classmethod
    def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, **kwargs: Any) -> Any:
        try:
            return super().execute_managed_notebook(nb_man, kernel_name, **kwargs)
        except CellTimeoutError:
            # papermill has marked every cell it started complete; the last one is the culprit.
            started = [
                (index, cell)
                for index, cell in enumerate(nb_man.nb.cells)
                if cell.get("metadata", {}).get("papermill", {}).get("status")
                not in (None, nb_man.PENDING)
            ]
            if not started:
                raise
            index, cell = started[-1]
            cell.outputs.append(
                nbformat.v4.new_output(
                    "error",
                    ename="CellTimeoutError",
                    evalue=f"still running after the {kwargs.get('execution_timeout')} s "
                    "allowed per cell, so it was stopped",
                    traceback=[],
                )
            )
            nb_man.cell_exception(cell, cell_index=index)
            return nb_man.nb


papermill_engines.register(ENGINE_NAME, TimedEngine)


class NotebookFailed(RuntimeError):
    """A notebook cell raised: carries the notebook, the cell and the error."""

    def __init__(
        self, notebook: str, cell_index: int, first_line: str, ename: str, evalue: str
    ) -> None:
        super().__init__(notebook, cell_index, first_line, ename, evalue)
        self.notebook = notebook
        self.cell_index = cell_index
        self.first_line = first_line
        self.ename = ename
        self.evalue = evalue

    def __str__(self) -> str:
        return (
            f"{self.notebook}: cell {self.cell_index} ({self.first_line!r}) failed: "
            f"{self.ename}: {self.evalue}"
        )


def notebook_defaults(notebook: str | Path) -> dict[str, Any]:
    """The defaults of a notebook's ``parameters`` cell, as Python values.

    The notebook is the one place its defaults are written; the ``briefings`` command merges a
    parameters file over them before validating, so a file may give only what differs.
    """
    nb = nbformat.read(notebook, as_version=4)
    cells = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    if len(cells) != 1:
        raise ValueError(f"{notebook}: expected one cell tagged 'parameters', found {len(cells)}")
    defaults: dict[str, Any] = {}
    for node in ast.parse(cells[0].source).body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value:
            defaults[node.target.id] = ast.literal_eval(node.value)
        elif isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            defaults[node.targets[0].id] = ast.literal_eval(node.value)
    return defaults


#: Kernel options: the lines above, and no start-up warnings (TCP on localhost) in the output.
KERNEL_ARGUMENTS = (
    *(f"--IPKernelApp.exec_lines={line}" for line in KERNEL_EXEC_LINES),
    "--IPKernelApp.log_level=ERROR",
)


def kernel_preload(imports: Sequence[str] = ()) -> list[str]:
    """What a kernel runs before the notebook: :data:`KERNEL_EXEC_LINES`, then ``imports``."""
    return [*KERNEL_EXEC_LINES, *imports]


def start_factory(cwd: str | Path, imports: Sequence[str] = ()) -> None:
    """Start the kernel factory that :func:`start_kernel` (same ``cwd`` and ``imports``) forks.

    Returns at once; the factory imports in the background (see :mod:`analysis.kernels`). Does
    nothing where kernels are not forked.
    """
    if warm_kernels_enabled():
        factory_for(kernel_preload(imports), cwd)


def start_kernel(cwd: str | Path, preload: Sequence[str] = ()) -> AsyncKernelManager:
    """A ``python3`` kernel started now in ``cwd``, with ``preload`` (import lines) run first.

    Why: a kernel spends seconds importing pandas, matplotlib and this package before the first
    cell. Here it is forked from a kernel factory that has run ``preload`` already
    (:mod:`analysis.kernels`; where it cannot be, a fresh kernel runs ``preload`` as it starts,
    so the imports at least overlap whatever the caller does next). An import that fails is
    reported by the notebook's own cell, with its number. Hand the kernel to :func:`execute`.
    """
    specs = WarmKernelSpecs(preload=kernel_preload(preload))
    kernel = AsyncKernelManager(kernel_name=KERNEL_NAME, kernel_spec_manager=specs)
    arguments = [*KERNEL_ARGUMENTS, *(f"--IPKernelApp.exec_lines={line}" for line in preload)]
    asyncio.run(kernel.start_kernel(cwd=str(cwd), extra_arguments=arguments))
    return kernel


def stop_kernel(kernel: AsyncKernelManager) -> None:
    """Kill a kernel (from :func:`start_kernel`) at once; nothing is waiting for its answers."""
    if kernel.has_kernel:
        asyncio.run(kernel.shutdown_kernel(now=True))


def execute(
    notebook: str | Path,
    output: str | Path,
    parameters: dict[str, Any],
    cwd: str | Path,
    *,
    timeout: float = DEFAULT_CELL_TIMEOUT,
    kernel: AsyncKernelManager | None = None,
) -> Path:
    """Run ``notebook`` with ``parameters`` into ``output``; raise :class:`NotebookFailed`.

    On a ``python3`` kernel started in ``cwd`` (or on ``kernel``, from :func:`start_kernel`,
    which this call then stops), each cell allowed ``timeout`` seconds. Safe to call from
    several threads at once (each run has its own kernel; the working directory of this process
    is never changed).
    """
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    try:
        papermill.execute_notebook(
            str(notebook),
            str(output),
            parameters=parameters,
            engine_name=ENGINE_NAME,
            kernel_name=KERNEL_NAME,
            language="python",
            progress_bar=False,
            # Saving after every cell re-validates and rewrites the whole notebook (images
            # included) each time; papermill still writes it once at the end, error or not.
            request_save_on_cell_execute=False,
            execution_timeout=timeout,
            # The kernel's working directory, given to nbclient rather than as papermill's
            # ``cwd``, which changes this whole process's directory (not thread-safe).
            resources={"metadata": {"path": str(cwd)}},
            # The notebook is done: kill its kernel rather than wait for a graceful shutdown.
            shutdown_kernel="immediate",
            extra_arguments=list(KERNEL_ARGUMENTS),
            km=kernel,
        )
    except PapermillExecutionError as exc:
        raise _failure(Path(notebook), output, exc) from None
    finally:
        if kernel is not None:
            stop_kernel(kernel)
    return output


def _failure(notebook: Path, output: Path, exc: PapermillExecutionError) -> NotebookFailed:
    """Name the failing cell by its index in the *source* notebook, as an analyst sees it there.

    papermill counts cells of the notebook as run, which has an extra injected-parameters cell;
    map back by not counting it.
    """
    index = exc.cell_index
    try:
        executed = nbformat.read(output, as_version=4)
        # papermill puts an error banner on top *after* running: its index is of the cells as run.
        ran = [
            c
            for c in executed.cells
            if "papermill-error-cell-tag" not in c.get("metadata", {}).get("tags", [])
        ]
        injected = sum(
            "injected-parameters" in c.get("metadata", {}).get("tags", [])
            for c in ran[: exc.cell_index]
        )
        index -= injected
    except (OSError, ValueError):
        pass  # keep papermill's index if the output cannot be read back
    lines = [line for line in (exc.source or "").splitlines() if line.strip()]
    first_line = lines[0].strip() if lines else ""
    evalue = _ANSI.sub("", str(exc.evalue)).strip()
    return NotebookFailed(notebook.name, index, first_line, exc.ename, evalue)


def store(notebook: str | Path, cwd: str | Path) -> Path:
    """Store a notebook as git keeps it: run on its defaults, then strip all but contract outputs.

    Contract cells (``# NBVAL_CHECK_OUTPUT`` with ``keep_output`` metadata) keep the output of
    this run, so nbval compares future runs with it; they keep an execution count of 1 because
    nbval skips a cell that looks never run. Everything else loses outputs and counts, and the
    kernelspec becomes :data:`KERNELSPEC` whatever the analyst's kernel was called.
    """
    from nbstripout import strip_output

    notebook = Path(notebook)
    with tempfile.TemporaryDirectory() as tmp:
        executed = execute(notebook, Path(tmp) / notebook.name, {}, cwd)
        nb = nbformat.read(executed, as_version=4)
    extra = ["cell.metadata.papermill"]  # notebook metadata is replaced as a whole below
    nb = strip_output(nb, keep_output=False, keep_count=False, keep_id=True, extra_keys=extra)
    for cell in nb.cells:
        if cell.get("metadata", {}).get("keep_output"):
            cell.execution_count = 1
        if cell.get("metadata", {}).get("tags") == []:
            del cell.metadata["tags"]
        cell.get("metadata", {}).pop("execution", None)
    nb.metadata = {"kernelspec": dict(KERNELSPEC), "language_info": {"name": "python"}}
    nbformat.write(nb, notebook)
    return notebook

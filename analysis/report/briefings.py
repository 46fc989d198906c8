"""``python -m analysis briefings``: execute the briefing notebook per audience, render HTML and PDF.

Each parameters file (default ``params/minister.yaml`` and ``params/union.yaml``) is one briefing:
its values are merged over the notebook's own defaults and checked before any notebook starts. The
notebook is executed with papermill on a Jupyter kernel (:mod:`analysis.report.runner`: public
APIs only, a time limit per cell) into ``reports/executed/``, then rendered to
``reports/briefing-<params file stem>.html`` and ``.pdf``.

Outputs are never stale: a run first removes its briefings' earlier files (before it even reads
the parameters), and ``reports/executed/`` is emptied; every file is written under a hidden
temporary name and renamed only when the whole briefing succeeded, so a failed or killed run
leaves nothing that looks like a briefing (the executed notebook of a failed run is kept as
``<notebook>-<name>.failed.ipynb`` for debugging).

Speed (goal: both briefings from the sample in under 8 s on two cores): before the parameters
are checked, a kernel factory starts importing what the notebook imports (:mod:`analysis.kernels`)
and a ``forkserver`` (``spawn`` where there is none) starts the render workers with nbconvert and
WeasyPrint imported once. Each briefing's kernel is then a fork of the factory, and the notebooks
run at once, driven from threads of this process (a kernel is its own process, so a thread only
waits for it). Off Linux, kernels start the ordinary way (see :mod:`analysis.kernels`).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import multiprocessing
import os
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jupyter_client.manager import AsyncKernelManager

import analysis.report.skipped_imports  # noqa: F401  (first: before nbformat and pandera load)
from analysis.config import (
    NOTEBOOKS_DIR,
    PARAMS_DIR,
    PROJECT_ROOT,
    REPORTS_DIR,
    project_path,
)
from analysis.kernels.preload import notebook_imports
from analysis.report.page import PageInfo
from analysis.report.params import (
    AUDIENCE_LABELS,
    AUDIENCE_TITLES,
    ParameterError,
    load_params_file,
    validate_parameters,
)
from analysis.report.runner import (
    DEFAULT_CELL_TIMEOUT,
    NotebookFailed,
    execute,
    notebook_defaults,
    start_factory,
    start_kernel,
    store,
)

BRIEFING_NOTEBOOK = NOTEBOOKS_DIR / "04_briefing.ipynb"
#: What a briefing is made of, beside its executed notebook: ``briefing-<name>.<suffix>``.
PRODUCTS = (".pdf", ".html", ".json")
DEFAULT_PARAMS = (PARAMS_DIR / "minister.yaml", PARAMS_DIR / "union.yaml")


@dataclass(frozen=True)
class Job:
    """One briefing to produce: a notebook, its parameters, and where its files go."""

    name: str
    notebook: Path
    parameters: dict[str, Any]
    page: PageInfo
    out_dir: Path

    @property
    def executed(self) -> Path:
        return executed_path(self.out_dir, self.notebook, self.name)

    @property
    def html(self) -> Path:
        return self.out_dir / f"briefing-{self.name}.html"

    @property
    def pdf(self) -> Path:
        return self.out_dir / f"briefing-{self.name}.pdf"


def executed_path(out_dir: Path, notebook: Path, name: str) -> Path:
    """Where a briefing's executed notebook is kept: ``executed/<notebook>-<name>.ipynb``."""
    return out_dir / "executed" / f"{notebook.stem}-{name}.ipynb"


def pending(path: Path) -> Path:
    """The hidden name a file is written under until its whole briefing has succeeded."""
    return path.with_name(f".{path.stem}.{os.getpid()}.tmp{path.suffix}")


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)


def _say(job: Job, message: str) -> None:
    # One write per line: two threads share the terminal, and print() writes the text and its
    # newline separately, so their lines could interleave.
    sys.stdout.write(f"[{job.name}] {message}\n")
    sys.stdout.flush()


def remove_earlier_outputs(out_dir: Path, names: list[str]) -> None:
    """Remove these briefings' files from earlier runs, and everything in ``executed/``.

    Runs before the parameters are read: a run that stops at a bad parameter (or is killed)
    must not leave an earlier run's PDF looking like its own. Temporary files of a killed run
    go too.
    """
    for name in names:
        for suffix in PRODUCTS:
            (out_dir / f"briefing-{name}{suffix}").unlink(missing_ok=True)
        for leftover in out_dir.glob(f".briefing-{name}.*.tmp.*"):
            leftover.unlink(missing_ok=True)
    executed = out_dir / "executed"
    if executed.is_dir():
        for path in executed.iterdir():
            if path.is_file():
                path.unlink()


def make_job(params_file: Path, notebook: Path, out_dir: Path, today: dt.date) -> Job:
    """Merge a parameters file over the notebook's defaults and check them (ParameterError)."""
    given = load_params_file(params_file)
    merged = {**notebook_defaults(notebook), **given}
    try:
        checked = validate_parameters(merged)
    except ParameterError as exc:  # say which file, when several are given
        raise ParameterError(f"{_display(project_path(params_file))}: {exc}") from None
    page = PageInfo(
        title=AUDIENCE_TITLES[checked.audience],
        audience=AUDIENCE_LABELS[checked.audience],
        date=f"{today:%-d %B %Y} · data to {checked.as_of:%-d %B %Y}",
        marking=checked.protective_marking,
    )
    return Job(Path(params_file).stem, notebook, checked.echo(), page, out_dir)


def _load_renderer() -> None:
    """Render worker start-up (where no forkserver preloaded it): import nbconvert and WeasyPrint."""
    import analysis.report.render  # noqa: F401  (the point of a render worker)


@contextlib.contextmanager
def render_pool(workers: int) -> Iterator[Executor]:
    """Processes that render executed notebooks, started now so their imports overlap the rest.

    ``forkserver`` where the platform has it: the server imports the rendering libraries once and
    each worker is forked from it, single-threaded and free of this process's state. Elsewhere
    ``spawn``: each worker imports them itself. Starting a worker waits for those imports, so the
    workers are started from a thread: this process goes on (checking parameters) meanwhile.
    """
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    if context.get_start_method() == "forkserver":
        context.set_forkserver_preload(
            ["analysis.report.skipped_imports", "analysis.report.render"]
        )
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_load_renderer)
    starting = threading.Thread(target=lambda: [pool.submit(int) for _ in range(workers)])
    starting.start()
    try:
        yield pool
    finally:
        starting.join()
        pool.shutdown()


def _render(executed: Path, page: PageInfo, html: Path, pdf: Path) -> None:
    from analysis.report.render import render

    render(executed, page, html, pdf)


def produce(
    job: Job, renderer: Executor, timeout: float, kernel: AsyncKernelManager | None = None
) -> None:
    """Execute one briefing's notebook, have it rendered, and publish its files together.

    On ``kernel``, or on one started now for the notebook (forked warm where it can be, see
    :func:`start_kernels`). Every file is written under its :func:`pending` name and renamed once
    all are done; on any failure they are removed, and the executed notebook is kept as
    ``*.failed.ipynb``.
    """
    start = time.perf_counter()
    executed, html, pdf = pending(job.executed), pending(job.html), pending(job.pdf)
    try:
        if kernel is None:
            (kernel,) = start_kernels(job.notebook, 1)
        _say(job, f"executing {_display(job.notebook)} -> {_display(job.executed)}")
        execute(
            job.notebook,
            executed,
            job.parameters,
            cwd=job.notebook.parent,
            timeout=timeout,
            kernel=kernel,
        )
        _say(job, f"executed in {time.perf_counter() - start:.1f} s; rendering HTML and PDF")
        renderer.submit(_render, executed, job.page, html, pdf).result()
    except BaseException:
        html.unlink(missing_ok=True)
        pdf.unlink(missing_ok=True)
        if executed.exists():
            executed.replace(job.executed.with_suffix(".failed.ipynb"))
        raise
    executed.replace(job.executed)
    html.replace(job.html)
    pdf.replace(job.pdf)
    seconds = time.perf_counter() - start
    _say(job, f"wrote {_display(job.pdf)} and {_display(job.html)} ({seconds:.1f} s in all)")


def start_kernels(notebook: Path, count: int) -> list[AsyncKernelManager]:
    """``count`` kernels for ``notebook``, started now, with what it imports already imported.

    Forked from the factory :func:`~analysis.report.runner.start_factory` started for the same
    notebook (see :func:`~analysis.report.runner.start_kernel`).
    """
    preload = notebook_imports(notebook)
    return [start_kernel(notebook.parent, preload) for _ in range(count)]


def run_jobs(
    jobs: list[Job],
    workers: int,
    renderer: Executor,
    timeout: float = DEFAULT_CELL_TIMEOUT,
    kernels: list[AsyncKernelManager] | None = None,
) -> list[str]:
    """Produce the briefings, ``workers`` at a time; return one error message per failed one.

    The first jobs take the ``kernels`` started already; the others start their own when their
    turn comes.
    """
    failed: dict[str, str] = {}
    started = list(kernels or [])
    with ThreadPoolExecutor(max(1, workers)) as threads:
        running = {
            job.name: threads.submit(
                produce, job, renderer, timeout, started.pop(0) if started else None
            )
            for job in jobs
        }
        for job in jobs:
            error = running[job.name].exception()
            if error is not None:
                failed[job.name] = _failure(job.name, error)
    return [failed[job.name] for job in jobs if job.name in failed]


def _failure(name: str, exc: BaseException) -> str:
    if isinstance(exc, NotebookFailed):
        return f"[{name}] {exc}"
    return f"[{name}] {type(exc).__name__}: {exc}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m analysis briefings",
        description="Execute the briefing notebook for each parameters file and render "
        "reports/briefing-<name>.pdf and .html (executed notebooks kept in reports/executed/).",
    )
    parser.add_argument(
        "--params",
        nargs="+",
        type=Path,
        default=list(DEFAULT_PARAMS),
        metavar="YAML",
        help="parameters files, one briefing each (default: params/minister.yaml params/union.yaml)",
    )
    parser.add_argument(
        "--notebook",
        type=Path,
        default=BRIEFING_NOTEBOOK,
        help="notebook to execute (default: notebooks/04_briefing.ipynb)",
    )
    parser.add_argument(
        "--out-dir", type=Path, default=REPORTS_DIR, help="output folder (default: reports/)"
    )
    parser.add_argument(
        "--jobs", type=int, default=2, help="briefings produced at once (default: 2)"
    )
    parser.add_argument(
        "--cell-timeout",
        type=float,
        default=DEFAULT_CELL_TIMEOUT,
        metavar="SECONDS",
        help=f"stop a cell that runs longer and fail its briefing (default: {DEFAULT_CELL_TIMEOUT})",
    )
    parser.add_argument(
        "--store",
        nargs="+",
        type=Path,
        metavar="NOTEBOOK",
        help="run each notebook on its defaults and store it stripped, keeping only the outputs "
        "of its '# NBVAL_CHECK_OUTPUT' contract cells (after editing a notebook), then exit",
    )
    args = parser.parse_args(argv)
    if args.store:
        for path in args.store:
            try:
                stored = store(project_path(path), cwd=NOTEBOOKS_DIR)
            except NotebookFailed as exc:
                print(f"error: {exc}", file=sys.stderr)
                return 1
            print(f"stored {_display(stored)}")
        return 0

    start = time.perf_counter()
    notebook = project_path(args.notebook)
    out_dir = project_path(args.out_dir)
    names = [Path(p).stem for p in args.params]
    if len(set(names)) != len(names):
        parser.error("two parameters files have the same name: their briefings would collide")
    remove_earlier_outputs(out_dir, names)
    workers = max(1, min(args.jobs, len(names)))
    # The kernel factory and the render workers import while the parameters are checked.
    start_factory(notebook.parent, notebook_imports(notebook))
    with render_pool(workers) as renderer:
        try:
            today = dt.date.today()
            jobs = [make_job(p, notebook, out_dir, today) for p in args.params]
        except (ParameterError, ValueError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        for job, params_file in zip(jobs, args.params, strict=True):
            _say(job, f"parameters from {_display(project_path(params_file))} checked")
        kernels = start_kernels(notebook, workers)
        errors = run_jobs(jobs, workers, renderer, args.cell_timeout, kernels)
    for message in errors:
        print(f"error: {message}", file=sys.stderr)
    done = len(jobs) - len(errors)
    print(f"{done} of {len(jobs)} briefing(s) written in {time.perf_counter() - start:.1f} s")
    return 1 if errors else 0

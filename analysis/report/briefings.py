"""``python -m analysis briefings``: execute the briefing notebook per audience, render HTML and PDF.

Each parameters file (default ``params/minister.yaml`` and ``params/union.yaml``) is one briefing:
its values are merged over the notebook's own defaults and checked before any notebook starts. The
notebook is executed with papermill into ``reports/executed/``, then rendered to
``reports/briefing-<params file stem>.html`` and ``.pdf``.

Speed (goal: both briefings from the sample in under 8 s on two cores): the notebook's imports
are loaded once, here, and each briefing is executed in a process forked for it, in that process
(:mod:`analysis.report.inprocess`) rather than in a kernel that would import everything again.
A render service forked first imports nbconvert and WeasyPrint on the other core meanwhile, and
renders each executed notebook in a fork of its own. See :func:`run_jobs`.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import multiprocessing
import sys
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

# jsonschema (under nbformat) imports rfc3987_syntax when it is installed, only to check "iri"
# string formats that the notebook schema never uses; building that grammar costs about a second
# at every start of this command. Mark it absent before nbformat is imported. Likewise pandera
# (under the parameters' vocabularies) imports pandas-on-Spark, about half a second, to register a
# backend this command never uses.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
sys.modules.setdefault("pyspark.pandas", None)  # type: ignore[arg-type]

from analysis.config import (  # noqa: E402
    NOTEBOOKS_DIR,
    PARAMS_DIR,
    PROJECT_ROOT,
    REPORTS_DIR,
    project_path,
)
from analysis.report.forks import Forks, portable, shared_with_children  # noqa: E402
from analysis.report.inprocess import import_notebook_modules  # noqa: E402
from analysis.report.params import (  # noqa: E402
    AUDIENCE_LABELS,
    AUDIENCE_TITLES,
    PageInfo,
    ParameterError,
    load_params_file,
    validate_parameters,
)
from analysis.report.runner import (  # noqa: E402
    NotebookFailed,
    execute,
    notebook_defaults,
    store,
)

BRIEFING_NOTEBOOK = NOTEBOOKS_DIR / "04_briefing.ipynb"
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
        return self.out_dir / "executed" / f"{self.notebook.stem}-{self.name}.ipynb"

    @property
    def html(self) -> Path:
        return self.out_dir / f"briefing-{self.name}.html"

    @property
    def pdf(self) -> Path:
        return self.out_dir / f"briefing-{self.name}.pdf"


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)


def _say(job: Job, message: str) -> None:
    # One write per line: two worker processes share the terminal, and print() writes the text
    # and its newline separately, so their lines could interleave.
    sys.stdout.write(f"[{job.name}] {message}\n")
    sys.stdout.flush()


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


def execute_job(job: Job) -> float:
    """Execute one briefing's notebook in this process; return the seconds taken.

    Outputs of an earlier run are removed first: after a failure there must be no PDF that a
    reader could take for this run's.
    """
    start = time.perf_counter()
    for stale in (job.pdf, job.html):
        stale.unlink(missing_ok=True)
    _say(job, f"executing {_display(job.notebook)} -> {_display(job.executed)}")
    execute(job.notebook, job.executed, job.parameters, cwd=job.notebook.parent, in_process=True)
    seconds = time.perf_counter() - start
    _say(job, f"executed in {seconds:.1f} s; rendering HTML and PDF")
    return seconds


def render_job(job: Job, executed_in: float) -> float:
    """Render one executed briefing to HTML and PDF; return the seconds taken in all."""
    from analysis.report.render import render

    start = time.perf_counter()
    render(job.executed, job.page, job.html, job.pdf)
    seconds = executed_in + time.perf_counter() - start
    _say(job, f"wrote {_display(job.pdf)} and {_display(job.html)} ({seconds:.1f} s in all)")
    return seconds


def render_service(jobs: Connection, spare: Connection, workers: int) -> dict[str, Any]:
    """Import nbconvert and WeasyPrint, then render each job received, in a fork of its own.

    Runs in a child started before the notebooks: it imports the rendering libraries on one
    core while the parent imports the notebook's modules on the other. Receives ``(job,
    seconds executing)`` pairs until ``None``; returns each job's seconds in all, or its error.
    """
    spare.close()  # this copy of the parent's sending end is not for the service to use
    with shared_with_children():
        import analysis.report.render  # noqa: F401  (the point of this process)

    renders = Forks(workers)
    try:
        while (item := jobs.recv()) is not None:
            renders.start(render_job, *item)
    except EOFError:  # every sending end closed without the closing None: finish what started
        pass
    return {call.args[0].name: portable(outcome) for call, outcome in renders.finished()}


def run_jobs(jobs: list[Job], workers: int) -> list[str]:
    """Run jobs, ``workers`` notebooks at a time; return one error message per failed job.

    Two cores, three stages. A render service is forked first and imports nbconvert and
    WeasyPrint while this process imports what the notebook imports
    (:func:`analysis.report.inprocess.import_notebook_modules`). Each notebook then runs in a
    process forked for it alone (warm, and sharing no state with another notebook), and each
    executed notebook goes to the render service, which forks a renderer for it.
    """
    receive, send = multiprocessing.get_context("fork").Pipe(duplex=False)
    service = Forks(1)
    service.start(render_service, receive, send, workers)
    receive.close()
    with shared_with_children():
        for notebook in dict.fromkeys(job.notebook for job in jobs):
            import_notebook_modules(notebook)

    failed: dict[str, str] = {}
    executions = Forks(workers)
    for job in jobs:
        executions.start(execute_job, job)
    try:
        for call, outcome in executions.finished():
            job = call.args[0]
            if isinstance(outcome, BaseException):
                failed[job.name] = _failure(job.name, outcome)
            else:
                # A dead service cannot take the job; its death is reported below.
                with contextlib.suppress(OSError):
                    send.send((job, outcome))
    finally:
        with contextlib.suppress(OSError):
            send.send(None)
        send.close()
    for _, rendered in service.finished():
        if isinstance(rendered, BaseException):  # the service itself failed: no job rendered
            lost = RuntimeError(f"rendering failed: {type(rendered).__name__}: {rendered}")
            rendered = {job.name: lost for job in jobs if job.name not in failed}
        for name, outcome in rendered.items():
            if isinstance(outcome, BaseException):
                failed[name] = _failure(name, outcome)
    return [failed[job.name] for job in jobs if job.name in failed]


def _failure(name: str, exc: Exception) -> str:
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
    names = [Path(p).stem for p in args.params]
    if len(set(names)) != len(names):
        parser.error("two parameters files have the same name: their briefings would collide")
    try:
        today = dt.date.today()
        jobs = [make_job(p, notebook, project_path(args.out_dir), today) for p in args.params]
    except (ParameterError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for job, params_file in zip(jobs, args.params, strict=True):
        _say(job, f"parameters from {_display(project_path(params_file))} checked")
    errors = run_jobs(jobs, args.jobs)
    for message in errors:
        print(f"error: {message}", file=sys.stderr)
    done = len(jobs) - len(errors)
    print(f"{done} of {len(jobs)} briefing(s) written in {time.perf_counter() - start:.1f} s")
    return 1 if errors else 0

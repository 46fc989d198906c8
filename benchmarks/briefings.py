"""Benchmark: wall time of both briefings, our route against the plain command-line route.

    .venv/bin/python benchmarks/briefings.py [--repeat 1] [--rows 10000]

Routes, each producing the minister's and the union's PDF:

- ``python -m analysis briefings``: a kernel factory imports what the notebook imports while the
  parameters are checked, one kernel per audience is forked from it (``analysis/kernels``), the
  notebooks run through papermill's nbclient engine, rendered by worker processes that imported
  nbconvert and WeasyPrint meanwhile (see ``analysis/report/briefings.py``);
- the plain route a user would otherwise script, one CLI after another per audience:
  ``papermill``, ``jupyter nbconvert --to html --no-input``, ``weasyprint --pdf-variant
  pdf/ua-1`` (the same kind of PDF as ours);
- our command again with ``ANALYSIS_WARM_KERNELS=0``: kernels started the ordinary way, as where
  there is no ``fork``; the difference is what the factory buys.

All routes run in one invocation, on the bundled sample, and with ``--rows`` also on a generated
log of that many complaints (the sample generator, same seed, without free text). Prints seconds
per route and data set, the ratio plain / ours, whether ours met the goal, the machine's cores and
its load average (other work on the machine slows every figure; read them side by side, not
alone). Goal (issues 4 and 12): both PDFs from the sample in under 8 s on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
NOTEBOOK = ROOT / "notebooks" / "04_briefing.ipynb"
AUDIENCES = ("minister", "union")
#: Seconds both briefings from the sample may take on 2 cores.
GOAL_SECONDS = 8.0


def _timed(cmd: list[str], cwd: Path = ROOT, env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - start
    if done.returncode:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{done.stderr[-2000:]}")
    return seconds


def _params(work: Path, log: Path | None) -> list[Path]:
    """The shipped parameters files, or copies pointing at another log."""
    paths = []
    for audience in AUDIENCES:
        source = ROOT / "params" / f"{audience}.yaml"
        if log is None:
            paths.append(source)
            continue
        values = yaml.safe_load(source.read_text())
        values["complaint_log"] = str(log)
        target = work / f"{audience}.yaml"
        target.write_text(yaml.safe_dump(values))
        paths.append(target)
    return paths


def ours(work: Path, params: list[Path], warm: bool = True) -> float:
    out = work / "ours"
    cmd = [sys.executable, "-m", "analysis", "briefings", "--out-dir", str(out), "--params"]
    env = {**os.environ, "ANALYSIS_WARM_KERNELS": "1" if warm else "0"}
    return _timed(cmd + [str(p) for p in params], env=env)


def ours_without_factory(work: Path, params: list[Path]) -> float:
    return ours(work, params, warm=False)


def plain(work: Path, params: list[Path]) -> float:
    out = work / "plain"
    out.mkdir(exist_ok=True)
    total = 0.0
    for path in params:
        name = path.stem
        executed, html = out / f"{name}.ipynb", out / f"{name}.html"
        total += _timed(
            [
                *(str(BIN / "papermill"), "-k", "python3", "--no-progress-bar", str(NOTEBOOK)),
                *(str(executed), "-f", str(path), "--cwd", str(NOTEBOOK.parent)),
            ]
        )
        total += _timed(
            [str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)]
        )
        total += _timed(
            [
                *(str(BIN / "weasyprint"), "--pdf-variant", "pdf/ua-1"),
                *(str(html), str(out / f"{name}.pdf")),
            ]
        )
    return total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--rows", type=int, default=0, help="also a generated log of this many complaints"
    )
    parser.add_argument("--repeat", type=int, default=1, help="runs per route (best is printed)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        # A generated log lives in this temporary folder: make it the data folder, the only place
        # outside the project a parameters file may point at (the runs below inherit it).
        os.environ["ANALYSIS_DATA_DIR"] = tmp
        logs: list[tuple[str, Path | None]] = [("sample (600 rows)", None)]
        if args.rows:
            big = work / f"complaints-{args.rows}.csv"
            _timed(
                [
                    *(sys.executable, "-m", "analysis", "sample", "--out", str(big)),
                    *("--rows", str(args.rows), "--no-text"),
                ]
            )
            logs.append((f"generated ({args.rows:,} rows)", big))
        print(f"cores: {os.cpu_count()}, load average before: {os.getloadavg()[0]:.1f}")
        print(f"{'data':<25}{'route':<44}{'seconds':>8}")
        for label, log in logs:
            params = _params(work, log)
            best = {}
            for route, run in (
                ("python -m analysis briefings (2 at once)", ours),
                ("papermill + nbconvert + weasyprint CLIs", plain),
                ("  the same, kernels not forked (switch 0)", ours_without_factory),
            ):
                best[route] = min(run(work, params) for _ in range(args.repeat))
                print(f"{label:<25}{route:<44}{best[route]:>8.1f}", flush=True)
            mine, theirs, _ = best.values()
            print(f"{label:<25}{'ratio plain / ours':<44}{theirs / mine:>8.1f}")
            if log is None:
                verdict = "met" if mine < GOAL_SECONDS else "missed"
                print(
                    f"goal: both briefings from the sample in under {GOAL_SECONDS:g} s: {verdict}"
                )
        print(f"load average after: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Benchmark of the ``analyse`` step (validation + headline + JSON) on generated complaint logs.

    .venv/bin/python benchmarks/analyse.py                          # 10k, 1M, 10M; Parquet; CSV up to 1M
    .venv/bin/python benchmarks/analyse.py --sizes 10000 1000000 --formats parquet csv

Logs come from the sample helper's seeded generator (``analysis.log.sample.generate``, no free
text). For each size one subprocess generates the log and writes it; then, for each file format,
a fresh subprocess runs exactly what ``python -m analysis analyse LOG --json`` does after start-up
(read and validate the file, compute :func:`analysis.results.headline`, serialise it) and reports
its wall time and peak resident memory (``ru_maxrss``: the whole process, imports included, so the
baseline after imports is printed too). To show where the time goes, the same process then re-runs
each stage on its own: validation, per-complaint times, Kaplan-Meier (both clocks, with log-rank),
rule compliance, capture-recapture and totals. Those re-runs are serial and warm, while the headline
runs its measures on two threads: the stages add up to more than the headline's share of the total.

Goal (issue 3): one million complaints in under 5 s on a 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SIZES = (10_000, 1_000_000, 10_000_000)
SEED = 20211111


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _generate(n: int, folder: Path, formats: list[str]) -> dict:
    from analysis.log.sample import generate

    start = time.perf_counter()
    frame = generate(SEED, n, with_text=False).frame
    generated = time.perf_counter() - start
    sizes = {}
    for fmt in formats:
        path = folder / f"log_{n}.{fmt}"
        if fmt == "parquet":
            frame.to_parquet(path, index=False)
        else:
            frame.to_csv(path, index=False, date_format="%Y-%m-%d %H:%M")
        sizes[fmt] = path.stat().st_size
    return {"generate_s": round(generated, 2), "bytes": sizes, "peak_rss_mib": round(_rss_mib())}


def _run(path: Path, as_of: str) -> dict:
    from analysis.log.validate import validate_file
    from analysis.measures.capture_recapture import capture_recapture
    from analysis.measures.counts import totals
    from analysis.measures.response_times import complaint_times, kaplan_meier
    from analysis.results import headline, select_rules, to_json
    from analysis.rules.compliance import compliance_table

    baseline = _rss_mib()
    start = time.perf_counter()
    validation = validate_file(path, as_of)
    text = to_json(headline(validation.valid, validation.as_of, None, validation))
    total = time.perf_counter() - start
    peak = _rss_mib()

    stages: dict[str, float] = {}

    def timed(name, fn, *args):
        t = time.perf_counter()
        out = fn(*args)
        stages[name] = round(time.perf_counter() - t, 3)
        return out

    validation = timed("validate (read + check)", validate_file, path, as_of)
    log, as_of_ts = validation.valid, validation.as_of
    times = timed("complaint_times", complaint_times, log, as_of_ts)
    timed("kaplan_meier response (+log-rank)", kaplan_meier, times, "response")
    timed("kaplan_meier removal (+log-rank)", kaplan_meier, times, "removal")
    rules = timed("load rules", select_rules, None)
    timed(f"compliance_table ({len(rules)} rules)", compliance_table, times, rules)
    timed("capture_recapture", capture_recapture, log)
    timed("totals", totals, log)
    return {
        "rows": validation.rows_read,
        "rows_used": len(log),
        "analyse_s": round(total, 2),
        "peak_rss_mib": round(peak),
        "rss_after_imports_mib": round(baseline),
        "json_bytes": len(text),
        "stages_s": stages,
    }


def _limit_memory(gib: float) -> None:
    """Cap the child's address space, so an oversized run fails with MemoryError, not the OOM killer."""
    limit = int(gib * 1024**3)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _run_headline_only(path: Path, as_of: str) -> dict:
    """The headline alone on the generator's Parquet, read as is (it is valid by construction).

    Separates the cost of the measures from the validator's: used for sizes where validation does
    not fit in memory, and labelled so in the output.
    """
    import pandas as pd

    from analysis.log.dates import parse_as_of
    from analysis.results import headline, to_json

    baseline = _rss_mib()
    log = pd.read_parquet(path)
    start = time.perf_counter()
    text = to_json(headline(log, parse_as_of(as_of), None))
    total = time.perf_counter() - start
    return {
        "rows": len(log),
        "rows_used": len(log),
        "analyse_s": round(total, 2),
        "peak_rss_mib": round(_rss_mib()),
        "rss_after_imports_mib": round(baseline),
        "json_bytes": len(text),
        "stages_s": {"(headline only: no validation, file read not timed)": round(total, 2)},
    }


def _child(args: list[str], memory_gib: float) -> dict:
    proc = subprocess.run(
        [sys.executable, __file__, *args],
        capture_output=True,
        text=True,
        check=False,
        preexec_fn=lambda: _limit_memory(memory_gib),
    )
    if proc.returncode != 0:
        return {
            "error": (proc.stderr.strip().splitlines() or ["killed"])[-1],
            "rc": proc.returncode,
        }
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument(
        "--formats", nargs="+", default=["parquet", "csv"], choices=["parquet", "csv"]
    )
    parser.add_argument(
        "--csv-max", type=int, default=1_000_000, help="largest size written as CSV"
    )
    parser.add_argument("--as-of", default=None, help="extract date (default: the sample's)")
    parser.add_argument(
        "--memory-gib",
        type=float,
        default=24.0,
        help="address-space cap per run (default 24 GiB): beyond it a run fails, and says so",
    )
    parser.add_argument("--_generate", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--_run", help=argparse.SUPPRESS)
    parser.add_argument(
        "--headline-only",
        action="store_true",
        help="skip validation: time headline() on the generated Parquet read as is (measures' own cost)",
    )
    args = parser.parse_args(argv)

    from analysis.config import SAMPLE_AS_OF

    as_of = args.as_of or SAMPLE_AS_OF
    if args._generate:
        n, folder = int(args._generate[0]), Path(args._generate[1])
        print(json.dumps(_generate(n, folder, args.formats)))
        return 0
    if args._run:
        run = _run_headline_only if args.headline_only else _run
        print(json.dumps(run(Path(args._run), as_of)))
        return 0

    print(f"analyse benchmark: python {sys.version.split()[0]}, extract date {as_of}", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench_analyse_") as tmp:
        for n in args.sizes:
            formats = [f for f in args.formats if f != "csv" or n <= args.csv_max]
            if args.headline_only:
                formats = ["parquet"]
            gen = _child(["--_generate", str(n), tmp, "--formats", *formats], args.memory_gib)
            print(f"\n{n:,} complaints: generated {json.dumps(gen)}", flush=True)
            if "error" in gen:
                continue
            for fmt in formats:
                path = Path(tmp) / f"log_{n}.{fmt}"
                mode = ["--headline-only"] if args.headline_only else []
                result = _child(["--_run", str(path), "--as-of", as_of, *mode], args.memory_gib)
                path.unlink(missing_ok=True)
                if "error" in result:
                    print(f"  {fmt:<8} FAILED: {result}", flush=True)
                    continue
                print(
                    f"  {fmt:<8} analyse {result['analyse_s']:>7.2f} s   peak RSS "
                    f"{result['peak_rss_mib']:>6,} MiB (after imports {result['rss_after_imports_mib']} MiB)",
                    flush=True,
                )
                for stage, seconds in result["stages_s"].items():
                    print(f"           {stage:<36}{seconds:>8.3f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

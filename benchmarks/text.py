"""Benchmark: redaction and categories for 10,000 synthetic complaint descriptions.

Goal (issue 5): under 10 seconds on 2 cores. Prints the wall time of each step; generating the
synthetic log and loading the spaCy model are timed separately and not counted, since a report
run pays them once. Run: ``.venv/bin/python benchmarks/text.py [--rows N] [--no-model]``.
"""

from __future__ import annotations

import argparse
import os
import time

from analysis.config import SAMPLE_SEED
from analysis.log.sample import generate
from analysis.text.categories import categorise
from analysis.text.redact import deny_list_from_log, redactor


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--no-model", action="store_true")
    args = parser.parse_args()

    started = time.perf_counter()
    frame = generate(SAMPLE_SEED, args.rows).frame
    texts = frame["description"].fillna("").astype(str).tolist()
    generated = time.perf_counter()
    engine = redactor(use_model=not args.no_model)
    loaded, cpu_loaded = time.perf_counter(), time.process_time()
    redacted = engine.redact(texts, deny_list_from_log(frame))
    done_redaction = time.perf_counter()
    categories = categorise(texts)
    done, cpu_done = time.perf_counter(), time.process_time()

    tokens = sum(len(t.split()) for t in texts)
    print(f"{len(texts):,} descriptions, {tokens:,} words; model: {engine.model_name or 'none'}")
    print(f"  generate log     {generated - started:6.2f} s (not counted)")
    print(f"  load pipeline    {loaded - generated:6.2f} s (not counted)")
    print(f"  redaction        {done_redaction - loaded:6.2f} s")
    print(f"  categories       {done - done_redaction:6.2f} s")
    print(f"  TOTAL            {done - loaded:6.2f} s wall (goal: under 10 s on 2 cores)")
    # On a shared machine the wall time includes waiting for the CPU; CPU time does not.
    print(
        f"  CPU time         {cpu_done - cpu_loaded:6.2f} s; load average {os.getloadavg()[0]:.1f}"
    )
    assert len(redacted) == len(categories) == len(texts)


if __name__ == "__main__":
    main()

"""Time JupyterLab as an analyst meets it, on the bundled sample, in headless chromium.

Prints: server answering (``/api/status``), landing notebook drawn, the explorer's first chart
after "run all" (imports, validation and the first render in a fresh kernel), and the explorer's
update after one widget change (in the browser: change to new chart title). Goal (issue 13):
under 10 s from ``make lab`` to a first chart. Run: ``.venv/bin/python benchmarks/lab.py``.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from analysis.explore.browser import (
    CHROMIUM_ARGS,
    VIEWPORT,
    chromium_path,
    follow_link,
    jupyterlab,
    run_all,
)

TITLE = ".chart-title"


def main() -> int:
    chromium = chromium_path()
    if chromium is None:
        sys.stdout.write("chromium is not installed: apt-get install chromium\n")
        return 1
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        start = time.perf_counter()
        browser = pw.chromium.launch(executable_path=chromium, args=list(CHROMIUM_ARGS))
        with jupyterlab(Path(tmp)) as lab:
            answering = time.perf_counter() - start
            page = browser.new_page(viewport=VIEWPORT)
            page.goto(lab.url("/"))  # the landing notebook, as `make lab` opens it
            page.wait_for_selector(".jp-Notebook .jp-MarkdownOutput", timeout=120_000)
            drawn = time.perf_counter() - start
            follow_link(page, "08_explorer.ipynb")  # its link on the landing notebook
            opened = time.perf_counter() - start
            run_start = time.perf_counter()
            errors = run_all(page)
            page.wait_for_selector(TITLE, timeout=60_000)
            first_chart = time.perf_counter() - run_start
            total = time.perf_counter() - start
            before = page.locator(TITLE).inner_text()
            changed = time.perf_counter()
            select = page.locator(".widget-select-multiple", has_text="Platforms").locator("select")
            select.select_option(["TikTok", "Facebook"])
            page.wait_for_function(
                "t => document.querySelector('.chart-title')?.innerText !== t", arg=before
            )
            update = time.perf_counter() - changed
        browser.close()
    rows = [
        ("JupyterLab answering (server started, /api/status)", answering),
        ("landing notebook drawn (00_start_here)", drawn),
        ("explorer opened from its link, kernel idle", opened),
        ("explorer: run all to first chart", first_chart),
        ("make-lab-to-first-chart, total", total),
        ("explorer: one widget change to new chart title", update),
    ]
    for label, seconds in rows:
        sys.stdout.write(f"{label:<55} {seconds:6.2f} s\n")
    if errors:
        sys.stdout.write(f"errors: {errors}\n")
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())

"""JupyterLab in a real browser: every notebook runs clean, the explorer reacts, saving strips.

Drives the project's JupyterLab (``jupyter/`` settings, as ``make lab`` starts it) with Playwright
for Python and Debian's chromium (:mod:`analysis.explore.browser`). Skipped, with the reason, where
chromium or Playwright is missing (``.ci/run`` installs chromium). Screenshots of every notebook
are kept under each test's temporary folder.
"""

from __future__ import annotations

import urllib.request

import nbformat
import pytest

from analysis.config import NOTEBOOKS_DIR
from analysis.explore.browser import (
    CHROMIUM_ARGS,
    VIEWPORT,
    chromium_path,
    jupyterlab,
    open_notebook,
    run_all,
    widest_output,
)

pytestmark = pytest.mark.slow

NOTEBOOKS = sorted(p.name for p in NOTEBOOKS_DIR.glob("*.ipynb"))
TITLE = ".chart-title"


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    chromium = chromium_path()
    if chromium is None:
        pytest.skip("chromium is not installed (apt-get install chromium): browser test skipped")
    playwright = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
    with jupyterlab(tmp_path_factory.mktemp("lab")) as server, playwright.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=list(CHROMIUM_ARGS))
        yield server, browser
        browser.close()


@pytest.fixture
def page(lab):
    server, browser = lab
    page = browser.new_page(viewport=VIEWPORT)
    yield page
    page.close()
    # One kernel per notebook: stop it, so that the next notebook has the machine to itself.
    with urllib.request.urlopen(server.url("/api/kernels")) as response:
        import json

        kernels = json.load(response)
    for kernel in kernels:
        request = urllib.request.Request(
            server.url(f"/api/kernels/{kernel['id']}"), method="DELETE"
        )
        urllib.request.urlopen(request).close()


def _save(page) -> None:
    page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
    page.wait_for_function(
        "() => !window.jupyterapp.shell.currentWidget.context.model.dirty", timeout=30_000
    )


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_each_notebook_runs_without_errors_fits_the_window_and_saves_clean(
    lab, page, name, tmp_path
) -> None:
    server, _ = lab
    path = NOTEBOOKS_DIR / name
    original = path.read_bytes()
    try:
        open_notebook(page, server, name)
        assert run_all(page) == []
        page.screenshot(path=tmp_path / f"{path.stem}.png")
        assert widest_output(page) <= VIEWPORT["width"], f"{name}: an output runs off the window"
        assert page.get_by_text("Jupyter news").count() == 0  # no news banner
        _save(page)  # with every output on screen: the project's save hook strips them
        assert nbformat.reads(path.read_text(encoding="utf-8"), as_version=4) == nbformat.reads(
            original.decode("utf-8"), as_version=4
        )
    finally:
        path.write_bytes(original)


def test_the_explorer_updates_in_place_and_an_analysts_own_plot_shows(lab, page, tmp_path) -> None:
    server, _ = lab
    open_notebook(page, server, "08_explorer.ipynb")
    assert run_all(page) == []
    page.wait_for_selector(TITLE, timeout=60_000)
    before = page.locator(TITLE).inner_text()
    page.screenshot(path=tmp_path / "explorer-before.png")
    platforms = page.locator(".widget-select-multiple", has_text="Platforms").locator("select")
    platforms.select_option(["TikTok", "Facebook"])
    page.wait_for_function(
        "t => document.querySelector('.chart-title')?.innerText !== t", arg=before, timeout=30_000
    )
    after = page.locator(TITLE).inner_text()
    assert after != before and "Facebook" in after
    page.screenshot(path=tmp_path / "explorer-after.png")
    # An analyst's own plot, with pyplot, below the explorer.
    page.evaluate(
        """() => {
          const app = window.jupyterapp;
          return app.commands.execute('notebook:insert-cell-below').then(() => {
            app.shell.currentWidget.content.activeCell.model.sharedModel.setSource(
              'import matplotlib.pyplot as plt\\nplt.plot([1, 2, 3])\\nplt.show()');
            return app.commands.execute('notebook:run-cell');
          });
        }"""
    )
    page.wait_for_selector(
        '.jp-Cell.jp-mod-selected .jp-OutputArea-output[data-mime-type="image/png"], '
        '.jp-Cell .jp-OutputArea-output[data-mime-type="image/png"] img',
        timeout=60_000,
    )
    page.screenshot(path=tmp_path / "explorer-own-plot.png")

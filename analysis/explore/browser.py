"""JupyterLab driven in a real browser: the browser test's and the lab benchmark's one driver.

Starts the project's JupyterLab (its ``jupyter/`` settings, copied to a temporary config dir so a
run leaves no workspace behind) on a free local port with a token, and drives Debian's
``chromium`` through Playwright for Python (``playwright install`` cannot download browsers here,
so the system browser is launched through ``executable_path``). Only tests and benchmarks import
this module; Playwright is a development dependency.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analysis.config import PROJECT_ROOT

#: Headless, and nothing fetched or synced behind the test's back.
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
#: The window the tables must fit (issue 13: nothing runs off a 1440-pixel window).
VIEWPORT = {"width": 1440, "height": 900}
#: Every cell attached to the page, so that every output can be checked in the DOM.
_NOTEBOOK_SETTINGS = {"windowingMode": "none"}


def chromium_path() -> str | None:
    """The system chromium, or None when it is not installed."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class Lab:
    """A running JupyterLab: its address, token and how long it took to answer."""

    base: str
    token: str
    answering_seconds: float

    def url(self, path: str) -> str:
        return f"{self.base}{path}?token={self.token}"


def _config_dir(tmp: Path) -> Path:
    config = tmp / "jupyter-config"
    shutil.copytree(PROJECT_ROOT / "jupyter", config, ignore=shutil.ignore_patterns("workspaces"))
    tracker = (
        config / "lab/user-settings/@jupyterlab/notebook-extension/tracker.jupyterlab-settings"
    )
    tracker.parent.mkdir(parents=True, exist_ok=True)
    tracker.write_text(json.dumps(_NOTEBOOK_SETTINGS), encoding="utf-8")
    return config


@contextmanager
def jupyterlab(tmp: Path, timeout: float = 120) -> Iterator[Lab]:
    """The project's JupyterLab on a free port, stopped (its process group) on exit."""
    port, token = _free_port(), secrets.token_hex(16)
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(_config_dir(tmp)),
        "JUPYTER_RUNTIME_DIR": str(tmp / "jupyter-runtime"),
        "JUPYTER_PREFER_ENV_PATH": "1",
    }
    command = [
        str(Path(sys.executable).with_name("jupyter")),
        "lab",
        "--no-browser",
        f"--port={port}",
        "--port-retries=0",
        f"--IdentityProvider.token={token}",
        "--LabApp.expose_app_in_browser=True",  # lets the driver run commands (run all cells)
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    started = time.perf_counter()
    log = (tmp / "jupyterlab.log").open("wb")
    server = subprocess.Popen(
        command, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        while True:
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2):
                    break
            except OSError:
                if server.poll() is not None or time.perf_counter() - started > timeout:
                    raise RuntimeError(
                        f"JupyterLab did not start; see {tmp / 'jupyterlab.log'}"
                    ) from None
                time.sleep(0.1)
        yield Lab(base, token, time.perf_counter() - started)
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


_KERNEL_IDLE_AND_ALL_RUN = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  if (!panel || !panel.content || !panel.sessionContext.session) return false;
  const kernel = panel.sessionContext.session.kernel;
  if (!kernel || kernel.status !== 'idle') return false;
  const cells = Array.from(panel.content.model.cells);
  return cells.every(c => c.type !== 'code' || c.executionCount !== null);
}"""

_ERRORS = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  const found = [];
  for (const cell of panel.content.model.cells) {
    if (cell.type !== 'code') continue;
    for (let i = 0; i < cell.outputs.length; i++) {
      const out = cell.outputs.get(i).toJSON();
      if (out.output_type === 'error') found.push(out.ename + ': ' + out.evalue);
    }
  }
  return found;
}"""


def open_notebook(page: Any, lab: Lab, name: str, timeout: float = 60) -> None:
    """Open ``notebooks/<name>`` (alone: ``reset`` drops tabs restored from before) and wait for
    its kernel to be ready."""
    page.goto(lab.url(f"/lab/tree/notebooks/{name}") + "&reset")
    _wait_until_ready(page, name, timeout)


def follow_link(page: Any, name: str, timeout: float = 60) -> None:
    """Click the link to ``<name>`` in the open notebook's text, as an analyst opens a notebook
    from the landing page, and wait for its kernel to be ready."""
    # JupyterLab rewrites a relative link to the file's URL and opens it in a tab when clicked.
    page.locator(f'.jp-RenderedMarkdown a[href*="/notebooks/{name}?"]').first.click()
    _wait_until_ready(page, name, timeout)


def _wait_until_ready(page: Any, name: str, timeout: float) -> None:
    page.wait_for_function(
        """path => {
          const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
          const session = panel && panel.context && panel.context.path === path
            && panel.sessionContext.session;
          return Boolean(session && session.kernel && session.kernel.status === 'idle');
        }""",
        arg=f"notebooks/{name}",
        timeout=timeout * 1000,
    )


def run_all(page: Any, timeout: float = 300) -> list[str]:
    """Run every cell, wait until the kernel is idle with every cell run; return the errors shown.

    Errors are the notebook's error outputs, and stderr outputs that hold a traceback.
    """
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function(_KERNEL_IDLE_AND_ALL_RUN, timeout=timeout * 1000, polling=250)
    errors = list(page.evaluate(_ERRORS))
    stderr = page.locator(
        '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
    ).all_inner_texts()
    errors += [text for text in stderr if "Traceback" in text or "Error" in text]
    return errors


def widest_output(page: Any) -> int:
    """The widest rendered output (pixels, including what scrolls out of view)."""
    return int(
        page.evaluate(
            "() => Math.max(0, ...Array.from(document.querySelectorAll('.jp-OutputArea-output'))"
            ".map(e => e.getBoundingClientRect().left + e.scrollWidth))"
        )
    )

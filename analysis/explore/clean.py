"""Notebooks as git keeps them: no outputs or counts, except the contract cells nbval compares.

One function, :func:`clean`, used three ways: by JupyterLab on every save (:func:`pre_save_hook`,
configured in ``jupyter/jupyter_server_config.py``, which ``make lab`` uses), by the pre-commit
hook and by hand (``python -m analysis.explore.clean notebooks/*.ipynb``, the command the notebook
test names). nbstripout does the stripping; on its own it would also blank the contract cells'
execution counts, and nbval skips a cell that looks never run.

On save, a contract cell (``keep_output`` metadata) keeps the output *stored on disk*, not the one
just computed: an analyst who changed a parameter and saved must not rewrite what the test
expects. So does a cell's folding (``metadata.jupyter``): unfolding code to read it is not an edit.
"""

from __future__ import annotations

import copy
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import nbformat
from nbstripout import strip_output

from analysis.report.runner import KERNELSPEC

#: Cell and notebook metadata that JupyterLab, papermill or nbconvert add on a run or a save.
VOLATILE_KEYS = [
    "metadata.signature",
    "metadata.widgets",
    "cell.metadata.collapsed",
    "cell.metadata.scrolled",
    "cell.metadata.execution",
    "cell.metadata.ExecuteTime",
    "cell.metadata.papermill",
    "cell.metadata.trusted",
]


def _contract(cell: nbformat.NotebookNode) -> bool:
    return bool(cell.get("metadata", {}).get("keep_output"))


def clean(
    nb: nbformat.NotebookNode, stored: nbformat.NotebookNode | None = None
) -> nbformat.NotebookNode:
    """``nb`` stripped for git; with ``stored`` (the version on disk), its contract outputs kept."""
    before = {c.get("id"): c for c in stored.cells} if stored is not None else {}
    nb = strip_output(
        nb, keep_output=False, keep_count=False, keep_id=True, extra_keys=VOLATILE_KEYS
    )
    for cell in nb.cells:
        old = before.get(cell.get("id"))
        if old is not None and "jupyter" in old.get("metadata", {}):
            cell.metadata["jupyter"] = old.metadata["jupyter"]
        elif old is not None:
            cell.metadata.pop("jupyter", None)
        if _contract(cell):
            if old is not None and _contract(old):
                cell.outputs = old.outputs
            cell.execution_count = 1 if cell.outputs else None
        if cell.get("metadata", {}).get("tags") == []:
            del cell.metadata["tags"]
    nb.metadata = {"kernelspec": dict(KERNELSPEC), "language_info": {"name": "python"}}
    return nb


def pre_save_hook(model: dict[str, Any], path: str, contents_manager: Any, **_: Any) -> None:
    """JupyterLab's ``ContentsManager.pre_save_hook``: every notebook is saved clean."""
    if model.get("type") != "notebook" or not isinstance(model.get("content"), dict):
        return
    on_disk = Path(contents_manager.root_dir) / path.lstrip("/")
    stored = nbformat.read(on_disk, as_version=4) if on_disk.is_file() else None
    nb = nbformat.from_dict(model["content"])
    model["content"] = clean(nb, stored)


def main(argv: Sequence[str] | None = None) -> int:
    """Clean the notebooks named on the command line in place; say which ones changed."""
    for name in argv if argv is not None else sys.argv[1:]:
        path = Path(name)
        original = nbformat.read(path, as_version=4)
        cleaned = clean(copy.deepcopy(original), original)
        if cleaned != original:
            nbformat.write(cleaned, path)
            sys.stdout.write(f"cleaned {path}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

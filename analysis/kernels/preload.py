"""What a kernel factory imports before forking: the import statements a notebook starts with."""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat


def notebook_imports(notebook: str | Path) -> list[str]:
    """The import statements at the top level of a notebook's cells, one line each.

    Imports nested in ``if`` or ``try`` blocks are left out (the notebook may not need them), and
    so are cells in IPython syntax that Python cannot parse (magics).
    """
    lines: list[str] = []
    for cell in nbformat.read(notebook, as_version=4).cells:
        if cell.cell_type != "code":
            continue
        try:
            body = ast.parse(cell.source).body
        except SyntaxError:
            continue
        lines += [ast.unparse(n) for n in body if isinstance(n, ast.Import | ast.ImportFrom)]
    return list(dict.fromkeys(lines))

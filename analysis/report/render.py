"""Executed notebook -> standalone HTML (nbconvert, own template) -> PDF (WeasyPrint).

Why this route: it needs neither LaTeX (about 600 MB of apt packages) nor a browser download
(``nbconvert --to webpdf`` fails offline), and WeasyPrint honours CSS paged media, which gives the
marking, "Page X of Y" and the audience in the margins of every page. Files are written to a
temporary name in the same folder and renamed, so a failure never leaves half a PDF behind.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import asdict
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter
from nbconvert.preprocessors import Preprocessor, TagRemovePreprocessor
from weasyprint import HTML

from analysis.report.params import PageInfo

TEMPLATES_DIR = Path(__file__).parent / "templates"
CSS_PATH = Path(__file__).parent / "briefing.css"

#: Cells an analyst sees in JupyterLab but a reader of the briefing does not.
ANALYST_ONLY_TAG = "analyst-only"


class _DropStreams(Preprocessor):
    """Drop printed text (warnings on stderr, stray prints): a briefing shows only displays."""

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs if o.output_type != "stream"]
        return cell, resources


def _exporter() -> HTMLExporter:
    exporter = HTMLExporter(
        template_name="briefing",
        extra_template_basedirs=[str(TEMPLATES_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    remove = TagRemovePreprocessor(remove_cell_tags={ANALYST_ONLY_TAG}, enabled=True)
    exporter.register_preprocessor(remove, enabled=True)
    exporter.register_preprocessor(_DropStreams(), enabled=True)
    return exporter


def to_html(notebook: nbformat.NotebookNode | str | Path, page: PageInfo) -> str:
    """The briefing as one self-contained HTML document (CSS and images inlined)."""
    nb = notebook if isinstance(notebook, nbformat.NotebookNode) else nbformat.read(notebook, 4)
    resources = {"briefing": {**asdict(page), "css": CSS_PATH.read_text(encoding="utf-8")}}
    html, _ = _exporter().from_notebook_node(nb, resources=resources)
    return html


def html_to_pdf_bytes(html: str) -> bytes:
    """Print HTML with WeasyPrint; tagged PDF so images keep their alt text for screen readers."""
    return HTML(string=html, base_url=str(TEMPLATES_DIR)).write_pdf(pdf_tags=True)


def write_atomic(path: str | Path, data: bytes | str) -> Path:
    """Write to a temporary file beside ``path``, then rename: readers never see half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes files private; a report is for readers
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def render(
    notebook: str | Path, page: PageInfo, html_path: str | Path, pdf_path: str | Path
) -> tuple[Path, Path]:
    """Render an executed notebook to ``html_path`` and ``pdf_path`` (both written atomically)."""
    html = to_html(notebook, page)
    pdf = html_to_pdf_bytes(html)
    return write_atomic(html_path, html), write_atomic(pdf_path, pdf)

"""Executed notebook -> standalone HTML (nbconvert, own template) -> tagged PDF/UA-1 (WeasyPrint).

Why this route: it needs neither LaTeX (about 600 MB of apt packages) nor a browser download
(``nbconvert --to webpdf`` fails offline), and WeasyPrint honours CSS paged media, which gives the
marking, "Page X of Y" and the audience in the margins of every page. Files are written to a
temporary name in the same folder and renamed, so a failure never leaves half a PDF behind.

Why the renderer fetches almost nothing: the HTML carries text from a complaint log, which is not
trusted. Every value is escaped where the HTML is built, and this module is the second wall: the
PDF renderer is given a URL fetcher (:class:`OwnAssets`) that serves only the package's own asset
files (by exact path) and the images the notebook itself produced (by SHA-256, registered from
the notebook's outputs before any HTML exists), and refuses everything else, network and
``file://`` included, without fetching it. The chart data a PDF carries are attached from the
notebook's chart outputs, never from a link in the HTML, and the base URL is fixed here, so no
relative or log-provided path is ever resolved.
"""

from __future__ import annotations

import base64
import hashlib
import mimetypes
import os
import re
import tempfile
from dataclasses import asdict, dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote_to_bytes, urlsplit
from urllib.request import url2pathname

import nbformat
from nbconvert import HTMLExporter
from nbconvert.preprocessors import Preprocessor, TagRemovePreprocessor
from weasyprint import HTML, Attachment
from weasyprint.document import Document
from weasyprint.urls import URLFetcher, URLFetcherResponse

from analysis.report.page import ANALYST_ONLY_TAG, CHART_OUTPUTS, PageInfo

PACKAGE_DIR = Path(__file__).parent
TEMPLATES_DIR = PACKAGE_DIR / "templates"
CSS_PATH = PACKAGE_DIR / "briefing.css"

#: The only files the PDF renderer may read: the package's stylesheet, fonts and images, by exact
#: resolved path (a symlink or ``..`` pointing elsewhere does not match).
ASSET_SUFFIXES = frozenset({".css", ".woff", ".woff2", ".ttf", ".otf", ".png", ".svg"})
PACKAGE_ASSETS = frozenset(
    p.resolve() for p in PACKAGE_DIR.rglob("*") if p.is_file() and p.suffix in ASSET_SUFFIXES
)

#: Printed as PDF/UA-1: tagged, with the document language, a title, and alt text for screen readers.
PDF_VARIANT = "pdf/ua-1"

#: Schemes a link in the PDF may keep (besides links within the document).
LINK_SCHEMES = frozenset({"http", "https", "mailto"})

#: The HTML twin is opened in browsers: it may load nothing but its own inline CSS and embedded
#: images, whatever its text holds.
CONTENT_SECURITY_POLICY = (
    '<meta http-equiv="Content-Security-Policy" '
    "content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\">"
)
_CHARSET_META = re.compile(r'<meta charset="utf-8"\s*/?>', re.IGNORECASE)


_CHART_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")


class RefusedURL(ValueError):
    """The renderer was asked for something that is not one of the project's own assets."""


@dataclass(frozen=True)
class ChartData:
    """The data behind one chart, attached to the PDF as ``name``."""

    name: str
    csv: bytes


@dataclass(frozen=True)
class Briefing:
    """One briefing ready to print: its HTML twin, the HTML the PDF is printed from, its assets."""

    html: str
    print_html: str
    images: frozenset[str]
    charts: tuple[ChartData, ...]


class OwnAssets(URLFetcher):
    """WeasyPrint URL fetcher that serves the project's own assets and refuses anything else.

    Served: ``file://`` URLs of :data:`PACKAGE_ASSETS`, and ``data:image/png`` URLs whose bytes
    have a SHA-256 in ``images`` (PNGs the notebook's own outputs carry). Refused with
    :class:`RefusedURL`, before any byte is read: every other file, every network scheme, every
    other ``data:`` URL (a CSV attachment link included: chart data are attached by
    :func:`html_to_pdf_bytes` itself). WeasyPrint logs a refusal and leaves the resource out.
    """

    def __init__(self, images: frozenset[str] = frozenset()) -> None:
        super().__init__(allowed_protocols=(), allow_redirects=False)
        self.images = images

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        scheme = urlsplit(url).scheme.lower()
        if scheme == "file":
            path = Path(url2pathname(urlsplit(url).path)).resolve()
            if path in PACKAGE_ASSETS:
                kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": kind})
        elif scheme == "data":
            kind, body = _data_url(url)
            if kind == "image/png" and _sha256(body) in self.images:
                return URLFetcherResponse(url, body, {"Content-Type": kind})
        raise RefusedURL(f"not one of the project's own assets: {url[:80]}")


def _data_url(url: str) -> tuple[str, bytes]:
    """(media type, bytes) of a ``data:`` URL; ("", b"") for any other URL or bad base64."""
    if url[:5].lower() != "data:":
        return "", b""
    header, _, payload = url[5:].partition(",")
    kind, *options = header.split(";")
    if "base64" not in options:
        return kind.strip().lower(), unquote_to_bytes(payload)
    try:
        return kind.strip().lower(), base64.b64decode(payload, validate=True)
    except ValueError:
        return "", b""


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class _Elements(HTMLParser):
    """The start tags of one HTML output, with their attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))


def _chart(html: str) -> tuple[ChartData, bytes] | None:
    """The data and image of a chart output (:meth:`analysis.publish.charts.Chart.to_html`), if it is one.

    A chart output is a whole display output: one ``figure.chart`` holding exactly one PNG and
    exactly one CSV download link named after the figure. Log text inside a value cannot start an
    output, so an attachment anywhere else (or a second one in a chart) is never registered.
    """
    text = html.strip()
    if not (text.startswith('<figure class="chart"') and text.endswith("</figure>")):
        return None
    parser = _Elements()
    parser.feed(text)
    parser.close()
    figures = [a for t, a in parser.tags if t == "figure"]
    images = [a for t, a in parser.tags if t == "img"]
    links = [a for t, a in parser.tags if t == "a"]
    if len(figures) != 1 or len(images) != 1 or len(links) != 1:
        return None
    name = figures[0].get("id", "")
    link = links[0]
    if not _CHART_NAME.fullmatch(name) or link.get("download") != f"{name}.csv":
        return None
    png_kind, png = _data_url(images[0].get("src", ""))
    csv_kind, csv = _data_url(link.get("href", ""))
    if png_kind != "image/png" or csv_kind != "text/csv" or link.get("rel") != "attachment":
        return None
    return ChartData(f"{name}.csv", csv), png


def own_assets(nb: nbformat.NotebookNode) -> tuple[frozenset[str], tuple[ChartData, ...]]:
    """The PNGs (by SHA-256) and chart data the notebook's own outputs carry, read before any HTML.

    Images: every ``image/png`` output, and the image of every chart output or chart listed in an
    output's :data:`CHART_OUTPUTS` metadata. Chart data: one CSV per such chart (:func:`_chart`). Cells tagged :data:`ANALYST_ONLY_TAG` are not printed and
    give nothing.
    """
    images: set[str] = set()
    charts: dict[str, ChartData] = {}
    for cell in nb.cells:
        if cell.cell_type != "code" or ANALYST_ONLY_TAG in cell.get("metadata", {}).get("tags", []):
            continue
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "image/png" in data:
                images.add(_sha256(base64.b64decode(data["image/png"])))
            listed = output.get("metadata", {}).get(CHART_OUTPUTS, [])
            for html in [str(data.get("text/html", "")), *map(str, listed)]:
                found = _chart(html)
                if found is not None:
                    chart, png = found
                    images.add(_sha256(png))
                    charts[chart.name] = chart
    return frozenset(images), tuple(charts.values())


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


def _read(notebook: nbformat.NotebookNode | str | Path) -> nbformat.NotebookNode:
    return notebook if isinstance(notebook, nbformat.NotebookNode) else nbformat.read(notebook, 4)


def to_html(notebook: nbformat.NotebookNode | str | Path, page: PageInfo) -> str:
    """The briefing as one self-contained HTML document (CSS and images inlined).

    A Content-Security-Policy in its head stops a browser loading anything from elsewhere.
    """
    resources = {"briefing": {**asdict(page), "css": CSS_PATH.read_text(encoding="utf-8")}}
    html, _ = _exporter().from_notebook_node(_read(notebook), resources=resources)
    html, found = _CHARSET_META.subn(lambda m: f"{m[0]}\n{CONTENT_SECURITY_POLICY}", html)
    if found != 1:
        raise ValueError("the briefing template must have one <meta charset> to follow")
    return html


_ANCHOR = re.compile(r"<a\s[^>]*>.*?</a>", re.IGNORECASE | re.DOTALL)


def _attached_note(html: str, charts: tuple[ChartData, ...]) -> str:
    """``html`` with each chart's download link replaced by a note naming the attached file.

    nbconvert re-serialises the outputs, so a link is recognised by what it is (an anchor whose
    download name and CSV bytes are a registered chart's), not by its text. A PDF link annotation
    to an attachment cannot be tagged as PDF/UA requires; the data are attached to the document.
    """
    by_name = {c.name: c.csv for c in charts}

    def note(match: re.Match[str]) -> str:
        parser = _Elements()
        parser.feed(match[0])
        attrs = parser.tags[0][1] if parser.tags else {}
        name = attrs.get("download", "")
        if name not in by_name or _data_url(attrs.get("href", "")) != ("text/csv", by_name[name]):
            return match[0]
        return f'<span class="chart-data">Data for this chart: {name}, attached to this PDF</span>'

    return _ANCHOR.sub(note, html)


def prepare(notebook: nbformat.NotebookNode | str | Path, page: PageInfo) -> Briefing:
    """The HTML twin, the HTML to print (chart links become notes), and the notebook's assets."""
    nb = _read(notebook)
    images, charts = own_assets(nb)
    html = to_html(nb, page)
    return Briefing(html, _attached_note(html, charts), images, charts)


def _safe_links(document: Document) -> None:
    """Keep the links a reader may follow: within the document, and to http(s) and mailto.

    Any other (``javascript:``, ``file:``, ``data:``, a link-borne attachment) is dropped before
    the PDF is written: its text stays, it is no longer a link. Attachments the HTML asks for
    (``<link rel=attachment>``) are dropped too: a briefing attaches only its charts' data.
    """
    document.metadata.attachments = []
    for page in document.pages:
        page.links[:] = [
            link
            for link in page.links
            if link[0] == "internal"
            or (link[0] == "external" and urlsplit(link[1]).scheme.lower() in LINK_SCHEMES)
        ]


def html_to_pdf_bytes(
    html: str, images: frozenset[str] = frozenset(), charts: tuple[ChartData, ...] = ()
) -> bytes:
    """Print HTML as a tagged PDF/UA-1, fetching only the project's own assets (:class:`OwnAssets`).

    ``charts``' data are attached to the document (an embedded file each), not fetched; links
    are kept only where :func:`_safe_links` allows.
    """
    fetcher = OwnAssets(images)
    attachments = [
        Attachment(string=c.csv, name=c.name, description="Data for the chart", url_fetcher=fetcher)
        for c in charts
    ]
    options = {"pdf_variant": PDF_VARIANT, "attachments": attachments}
    document = HTML(string=html, base_url=None, url_fetcher=fetcher).render(**options)
    _safe_links(document)
    return document.write_pdf(**options)


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
    """Render an executed notebook to its HTML twin and its PDF (both written atomically)."""
    briefing = prepare(notebook, page)
    pdf = html_to_pdf_bytes(briefing.print_html, briefing.images, briefing.charts)
    return write_atomic(html_path, briefing.html), write_atomic(pdf_path, pdf)

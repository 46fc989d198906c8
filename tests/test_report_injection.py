"""End to end: a complaint log whose every text field is an injection payload, through both briefings.

A log is written by many hands and is not trusted input. The sample log is rewritten so that
organisation names, descriptions (shown, redacted, with ``show_examples``), school and staff
names, some platforms and the log's own file name carry HTML, Markdown, CSS, template and URL
payloads, some pointing at a local HTTP server that counts requests. Both briefings are built by
``python -m analysis briefings`` in a child process whose sockets may not connect anywhere (each
attempt is logged). A reader's files must then hold no live markup from the log, the PDFs no
attachment but the project's own chart data, and nothing may have been fetched.

Which code each assertion exercises (for whoever reads a failure): live tags in the HTML come from
the code that builds HTML from values (the briefing notebook's prose and ``analysis.report.story``,
``analysis.publish.tables``, ``analysis.publish.charts``); fetches, attachments and PDF links come
from the renderer (``analysis.report.render``).
"""

from __future__ import annotations

import base64
import csv
import http.server
import io
import os
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

import nbformat
import pandas as pd
import pytest
import yaml
from pypdf import PdfReader

from analysis.config import PARAMS_DIR, PROJECT_ROOT, SAMPLE_LOG
from analysis.report.params import ParameterError, validate_parameters

pytestmark = pytest.mark.slow

#: Marks every payload, so the test can tell that log text reached the briefing (as text).
MARK = "PAYLOAD"
#: A template expression: rendered by a template engine it would read "TPL49".
TEMPLATE = "TPL{{7*7}}"
#: The file name of the hostile log (a file name cannot hold "/").
LOG_NAME = f"{MARK}<img src=x onerror=alert(1)><b>{TEMPLATE}<script>alert(1)<script>.csv"


def payloads(port: int) -> list[str]:
    """Markup, Markdown, CSS, template and URL payloads; ``port`` is the counting server's."""
    here = f"http://127.0.0.1:{port}"
    passwd = base64.b64encode(b"root:x:0:0:smuggled").decode()
    return [
        "<img src=x onerror=alert(1)>",
        "<script>alert(1)</script>",
        '<a rel="attachment" href="file:///etc/passwd">passwd</a>',
        "<link rel=attachment href=/etc/passwd>",
        f'<a rel="attachment" download="chart.csv" href="data:text/csv;base64,{passwd}">x</a>',
        f'<img src="{here}/img">',
        f'<div style="background: url({here}/css-attr)">x</div>',
        f"<style>@import url({here}/css-import); p {{ background: url(file:///etc/passwd) }}</style>",
        f"<link rel=stylesheet href={here}/css-link>",
        f"![chart]({here}/md-image)",
        "[click](javascript:alert(1))",
        '<a href="javascript:alert(1)">click</a>',
        f"<iframe src={here}/frame></iframe>",
        TEMPLATE,
        "{% raw %}{{ config }}",
        "${7*7}",
    ]


class _Counter(http.server.BaseHTTPRequestHandler):
    requests: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[int, list[str]]]:
    """A local HTTP server that records every request made to it."""
    _Counter.requests = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Counter)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_address[1], _Counter.requests
    httpd.shutdown()
    httpd.server_close()


def hostile_log(folder: Path, port: int) -> Path:
    """The sample log with every text field replaced by payloads, under a payload file name."""
    log = pd.read_csv(SAMPLE_LOG, dtype=str, keep_default_na=False)
    attack = " ".join(payloads(port))
    # Two organisations still (capture-recapture needs both), each named by payloads.
    for n, name in enumerate(sorted(log["organisation"].unique())):
        log.loc[log["organisation"] == name, "organisation"] = f"{MARK} org {n} {attack}"
    log["description"] = log["description"].map(lambda text: f"{MARK} {attack} {text}")
    log["school_name"] = f"{MARK} school {attack}"
    log["staff_name"] = f"{MARK} staff {attack}"
    log.loc[log.index[:5], "platform"] = f"{MARK} {attack}"  # free text where a platform goes
    path = folder / LOG_NAME
    log.to_csv(path, index=False, quoting=csv.QUOTE_ALL)
    return path


#: Run in the child: every socket connection is logged and refused unless it is to this machine.
GUARD = textwrap.dedent(
    """
    import socket, sys
    record = open(sys.argv[1], "a", buffering=1)
    real = socket.socket.connect

    def connect(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6):
            record.write(f"{address!r}\\n")
            if address[0] not in ("127.0.0.1", "::1", "localhost"):
                raise OSError(f"test: no connection may leave the machine ({address!r})")
        return real(self, address)

    socket.socket.connect = connect
    from analysis.report.briefings import main
    raise SystemExit(main(sys.argv[2:]))
    """
)


@pytest.fixture(scope="module")
def built(tmp_path_factory, server) -> dict[str, object]:
    """Both briefings from the hostile log, and every socket connection their build attempted."""
    port, _ = server
    work = tmp_path_factory.mktemp("hostile")
    log = hostile_log(work, port)
    params = []
    for audience in ("minister", "union"):
        values = yaml.safe_load((PARAMS_DIR / f"{audience}.yaml").read_text(encoding="utf-8"))
        values.update(complaint_log=str(log), show_examples=True)
        path = work / f"{audience}.yaml"
        path.write_text(yaml.safe_dump(values), encoding="utf-8")
        params.append(str(path))
    connections = work / "connections.log"
    out = work / "reports"
    done = subprocess.run(
        [sys.executable, "-c", GUARD, str(connections), "--out-dir", str(out), "--params", *params],
        cwd=PROJECT_ROOT,
        # The hostile log sits in the run's data folder, the one place outside the project a
        # parameters file may point at.
        env={**os.environ, "ANALYSIS_DATA_DIR": str(work)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    attempts = connections.read_text().splitlines() if connections.exists() else []
    return {"out": out, "connections": attempts, "stderr": done.stderr}


AUDIENCES = ("minister", "union")


class _Tags(HTMLParser):
    """Every element (tag, attributes) and the text of a document, as a browser would parse it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {k: v or "" for k, v in attrs}))

    handle_startendtag = handle_starttag

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(path: Path) -> _Tags:
    parser = _Tags()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser


def _live(tag: str, attrs: dict[str, str]) -> list[str]:
    """What makes an element one that no code of ours writes (so it came from the log)."""
    found = []
    if tag in {"script", "iframe", "object", "embed", "link", "base", "form"}:
        found.append(f"<{tag}>")
    for name, value in attrs.items():
        lowered = value.lower()
        if name.startswith("on"):
            found.append(f"<{tag} {name}=...>")
        if any(s in lowered for s in ("javascript:", "file:", "127.0.0.1", "/etc/passwd")):
            found.append(f"<{tag} {name}={value[:60]!r}>")
        if name == "style" and "url(" in lowered:
            found.append(f"<{tag} style={value[:60]!r}>")
    if tag == "img" and not attrs.get("src", "").startswith("data:image/png;base64,"):
        found.append(f"<img src={attrs.get('src', '')[:60]!r}>")
    if tag == "a":
        href = attrs.get("href", "")
        if not (href.startswith("#") or href.startswith("data:text/csv;base64,")):
            found.append(f"<a href={href[:60]!r}>")
    if MARK in " ".join([tag, *attrs]):
        found.append(f"<{tag}> named by the log")
    return found


@pytest.mark.parametrize("audience", AUDIENCES)
def test_html_holds_no_live_markup_from_the_log(built, audience: str) -> None:
    # Fails today in notebooks/04_briefing.ipynb (helper "brief": prose built as Markdown/HTML
    # from the log's file name, organisation names and example descriptions, unescaped).
    parsed = _parse(built["out"] / f"briefing-{audience}.html")
    live = [f for tag, attrs in parsed.elements for f in _live(tag, attrs)]
    styles = [tag for tag, _ in parsed.elements if tag == "style"]
    text = "".join(parsed.text)
    assert not live, f"live markup from the log: {sorted(set(live))[:20]}"
    assert len(styles) == 1, "only the briefing's own stylesheet"
    assert "TPL49" not in text, "a template expression from the log was evaluated"


def test_log_text_reaches_the_briefings_as_text(built) -> None:
    # The log's file name and organisation names are printed: as the characters they are.
    text = "".join("".join(_parse(built["out"] / f"briefing-{a}.html").text) for a in AUDIENCES)
    assert MARK in text
    assert "<img src=x onerror=alert(1)>" in text


def _chart_data(executed: Path) -> dict[str, bytes]:
    """The data of each chart the executed notebook displayed: file name -> CSV bytes.

    Read from the charts the notebook listed in its output's metadata (``Chart.to_html`` each,
    under ``analysis/charts``), not from the briefing's HTML, whose structure a payload may have
    broken.
    """
    out = {}
    for cell in nbformat.read(executed, as_version=4).cells:
        for output in cell.get("outputs", []):
            for html in output.get("metadata", {}).get("analysis/charts", []):
                _csv_links(html, out)
    return out


def _csv_links(html: str, out: dict[str, bytes]) -> None:
    """Add the CSV data links of one chart's HTML to ``out``."""
    if not html.startswith('<figure class="chart"'):
        return
    parser = _Tags()
    parser.feed(html)
    for tag, attrs in parser.elements:
        href = attrs.get("href", "")
        if tag == "a" and href.startswith("data:text/csv;base64,"):
            out[attrs["download"]] = base64.b64decode(href.split(",", 1)[1])


def _pdf_files(reader: PdfReader) -> dict[str, list[bytes]]:
    """Every file a PDF carries: the document's attachments and those of file annotations."""
    files: dict[str, list[bytes]] = {k: list(v) for k, v in reader.attachments.items()}
    for page in reader.pages:
        for ref in page.get("/Annots") or []:
            annot = ref.get_object()
            if annot.get("/Subtype") == "/FileAttachment":
                spec = annot["/FS"].get_object()
                name = str(spec.get("/UF") or spec.get("/F"))
                data = spec["/EF"].get_object()["/F"].get_object().get_data()
                files.setdefault(name, []).append(data)
    return files


@pytest.mark.parametrize("audience", AUDIENCES)
def test_pdf_carries_only_the_projects_chart_data(built, audience: str) -> None:
    # The renderer (analysis/report/render.py): attachments and links in the PDF.
    reader = PdfReader(built["out"] / f"briefing-{audience}.pdf")
    charts = _chart_data(built["out"] / "executed" / f"04_briefing-{audience}.ipynb")
    files = _pdf_files(reader)
    assert files, "the chart data are attached"
    for name, contents in files.items():
        assert name in charts, f"attachment {name!r} is not one of the briefing's charts"
        assert all(c == charts[name] for c in contents), f"{name} is not the chart's data"
        assert not any(b"root:" in c or MARK.encode() in c for c in contents)
    for page in reader.pages:
        for ref in page.get("/Annots") or []:
            action = ref.get_object().get("/A")
            if action is None:
                continue
            action = action.get_object()
            assert action.get("/S") not in ("/JavaScript", "/Launch", "/SubmitForm")
            uri = str(action.get("/URI", "")).lower()
            assert not uri.startswith(("javascript:", "file:", "data:")), uri
            assert "127.0.0.1" not in uri


def test_nothing_was_fetched_and_no_connection_was_made(built, server) -> None:
    # The renderer: no URL from the log may be fetched, over the network or from files.
    _, requests = server
    assert requests == [], f"the local server was asked for {requests}"
    assert built["connections"] == [], f"connections attempted: {built['connections']}"


def test_text_parameters_cannot_carry_markup() -> None:
    # The other free-text parameter, the protective marking printed on every page, is refused.
    with pytest.raises(ParameterError, match="protective marking"):
        validate_parameters(
            {
                "complaint_log": str(SAMPLE_LOG),
                "as_of": "2022-07-31",
                "period_start": "2021-09-01",
                "period_end": "2022-07-31",
                "nations": ["England"],
                "audience": "union",
                "protective_marking": "OFFICIAL <img src=x onerror=alert(1)>",
            }
        )


def test_renderer_refuses_every_url_but_its_own_assets(server) -> None:
    # Direct check of the fetcher, payload by payload, without a notebook.
    from weasyprint.urls import URLFetchingError, fetch

    from analysis.report.render import CSS_PATH, OwnAssets

    port, requests = server
    png = io.BytesIO()
    png.write(b"\x89PNG\r\n\x1a\n")
    own = OwnAssets(frozenset())
    for url in (
        f"http://127.0.0.1:{port}/direct",
        "file:///etc/passwd",
        f"file://{CSS_PATH.parent}/../../pyproject.toml",
        "data:text/csv;base64,cm9vdDp4OjA6MA==",
        "data:image/svg+xml,<svg/>",
        "data:image/png;base64," + base64.b64encode(png.getvalue()).decode(),
        "ftp://127.0.0.1/x",
    ):
        with pytest.raises(URLFetchingError), fetch(own, url):
            pass
    with fetch(own, CSS_PATH.as_uri()) as response:
        assert response.read() == CSS_PATH.read_bytes()
    assert requests == []

"""Both briefings are accessible: PDF/UA-1 by an offline validator, and an HTML twin beside each.

WeasyPrint writes a PDF/UA-1 file even when alt text or the document language is missing, so the
conformance is checked here, with ``page-validation`` (the ``page`` module: 104 PDF/UA-1 rules,
no JVM, no network), on the PDFs ``python -m analysis briefings`` writes from the sample.
"""

from __future__ import annotations

import base64
import hashlib
import io
from html.parser import HTMLParser
from pathlib import Path

import matplotlib.pyplot as plt
import page
import pytest
from pypdf import PdfReader

from analysis.report.render import html_to_pdf_bytes

pytestmark = pytest.mark.slow

AUDIENCES = ("minister", "union")


@pytest.fixture(scope="module")
def reports(sample_briefings) -> Path:
    return sample_briefings[0]


def _failures(report: page.ValidationReport) -> list[str]:
    return [f"{f.rule_id}: {f.message}" for f in report.failures]


@pytest.mark.parametrize("audience", AUDIENCES)
def test_pdf_passes_pdf_ua_1(reports: Path, audience: str) -> None:
    path = reports / f"briefing-{audience}.pdf"
    report = page.validate_pdf(path, profile="ua1")
    assert report.is_compliant, _failures(report)
    assert report.rules.failed == 0 and report.rules.total >= 100
    catalog = PdfReader(path).trailer["/Root"]
    assert catalog["/Lang"] == "en-GB"
    assert catalog["/MarkInfo"]["/Marked"]
    assert "/StructTreeRoot" in catalog


class _Document(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {k: v or "" for k, v in attrs}))

    handle_startendtag = handle_starttag


@pytest.mark.parametrize("audience", AUDIENCES)
def test_html_twin_is_beside_the_pdf_accessible_and_self_contained(
    reports: Path, audience: str
) -> None:
    pdf = reports / f"briefing-{audience}.pdf"
    twin = pdf.with_suffix(".html")
    parser = _Document()
    parser.feed(twin.read_text(encoding="utf-8"))
    elements = parser.elements
    html = dict(elements)["html"]
    assert html.get("lang") == "en-GB"
    images = [attrs for tag, attrs in elements if tag == "img"]
    assert images, "the briefing has figures"
    for attrs in images:
        alt = attrs.get("alt", "").strip()
        assert alt and not alt.startswith("No description"), attrs.get("alt")
        assert attrs["src"].startswith("data:image/png;base64,")  # embedded, not fetched
    headers = [attrs for tag, attrs in elements if tag == "th"]
    assert headers and all(a.get("scope") in ("col", "row") for a in headers)
    assert len([t for t, _ in elements if t == "table"]) <= len(
        [a for a in headers if a.get("scope") == "col"]
    )
    # Self-contained: nothing to load from elsewhere, the stylesheet inline, and a policy that
    # stops a browser loading anything else.
    assert not [t for t, _ in elements if t in ("link", "script")]
    assert [t for t, _ in elements if t == "style"] == ["style"]
    for tag, attrs in elements:
        for name in ("src", "href"):
            value = attrs.get(name)
            assert value is None or value.startswith(("#", "data:")), (tag, value)
    policy = [a for t, a in elements if t == "meta" and a.get("http-equiv")]
    assert policy and "default-src 'none'" in policy[0]["content"]


def _png() -> bytes:
    fig, ax = plt.subplots(figsize=(2, 1))
    ax.plot([0, 1], [0, 1])
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return buffer.getvalue()


def test_the_validator_catches_a_figure_without_alt_text() -> None:
    # The check can fail: the same page passes with alt text and fails without it.
    png = _png()
    images = frozenset({hashlib.sha256(png).hexdigest()})
    src = "data:image/png;base64," + base64.b64encode(png).decode()

    def page_with(img: str) -> bytes:
        return html_to_pdf_bytes(
            f'<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>T</title>'
            f"</head><body><h1>T</h1><figure>{img}</figure></body></html>",
            images,
        )

    with_alt = page.validate_pdf_bytes(page_with(f'<img src="{src}" alt="A line">'), profile="ua1")
    without = page.validate_pdf_bytes(page_with(f'<img src="{src}">'), profile="ua1")
    assert with_alt.is_compliant, _failures(with_alt)
    assert not without.is_compliant
    assert any("alt" in f.lower() for f in _failures(without))

"""Every number a briefing prints is in the results JSON saved beside it (issue 14, item 1).

Both briefings are rendered from the bundled sample as the notebook renders them
(:func:`analysis.report.content.briefing_html`), the results are saved as the notebook saves them
(:func:`analysis.report.content.save_results`), and every number in the briefing's text (prose,
tables, chart titles and alt text) must be one the JSON holds, written as the briefings write
numbers. Text that is not a result is taken out first, and only as whole strings: the rule
catalogue's own words (citations, deadlines, dates of the law), the parameters echoed in the
annex, dates, and the published figure the background cites. What is left must come from the JSON.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from analysis.config import PARAMS_DIR
from analysis.publish.tables import fmt_count, fmt_hours, fmt_p, fmt_pct
from analysis.report.content import briefing_html, context, save_results
from analysis.report.inputs import prepare
from analysis.report.params import validate_parameters

pytestmark = pytest.mark.slow

NUMBER = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?%?")
DATE = re.compile(
    r"\b\d{1,2} (?:January|February|March|April|May|June|July|August|September|October|"
    r"November|December) \d{4}\b"
)


class _Text(HTMLParser):
    """The text a reader meets: character data, and the alt text of images (screen readers)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "script"):
            self._skip += 1
        if tag == "img":
            self.parts.append(dict(attrs).get("alt") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def text_of(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def figures(value: object) -> set[str]:
    """Every number of the JSON as a briefing may print it (counts, percentages, hours, days)."""
    out: set[str] = set()
    if isinstance(value, dict):
        for v in value.values():
            out |= figures(v)
    elif isinstance(value, list):
        for v in value:
            out |= figures(v)
    elif isinstance(value, bool) or value is None:
        pass
    elif isinstance(value, int | float):
        texts = [fmt_count(value), str(value), fmt_hours(value)]
        if 0 <= value <= 1:
            texts += [fmt_pct(value), fmt_p(value)]
        for text in texts:
            out |= set(NUMBER.findall(text))
    elif isinstance(value, str):
        out |= set(NUMBER.findall(value))
    return out


def _not_results(ctx: dict) -> list[str]:
    """Strings a briefing prints that are not results: the catalogue's words, the parameters."""
    strings: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list | tuple):
            for v in value:
                walk(v)
        elif isinstance(value, str):
            strings.append(value)

    rules = [ctx["osa"], *(o["rule"] for o in ctx["options"])]
    for rule in rules:
        walk(rule.model_dump(mode="json"))
    walk(ctx["p"].echo())
    background = ctx["background"]
    strings += [f"{fmt_count(background['value'])} {background['metric']}", str(background["year"])]
    strings += [ctx["source"], ctx["code_version"], "SHA-256"]
    # Longest first, so a string is removed whole before any shorter string inside it.
    return sorted({s for s in strings if NUMBER.search(s)}, key=len, reverse=True)


@pytest.fixture(scope="module", params=["minister", "union"])
def rendered(request, tmp_path_factory) -> tuple[str, dict, dict]:
    params = yaml.safe_load((PARAMS_DIR / f"{request.param}.yaml").read_text(encoding="utf-8"))
    data = prepare(validate_parameters(params))
    saved = save_results(data, tmp_path_factory.mktemp("reports"))
    ctx = context(data)
    ctx["code_version"] = data.code_version  # the annex prints it; it is not a result
    return (
        str(briefing_html(data)),
        json.loads(saved.read_text(encoding="utf-8")),
        ctx,
    )


def test_the_results_are_saved_as_json_beside_the_reports(rendered) -> None:
    _, result, _ = rendered
    assert result["totals"]["complaints"] > 0 and "platforms" in result


def test_every_number_in_the_briefing_is_in_the_saved_results(rendered) -> None:
    html, result, ctx = rendered
    text = text_of(html)
    for known in _not_results(ctx):
        text = text.replace(known, " ")
    text = DATE.sub(" ", text)
    threshold = ctx["threshold"]
    # The suppression rule's own numbers ("counts from 1 to 9", "fewer than 10") and the
    # confidence level are parameters of the method, not results.
    allowed = figures(result) | {str(threshold), str(threshold - 1), "1", "95%"}
    shown = NUMBER.findall(text)
    assert len(shown) > 100
    stray = sorted({n for n in shown if n not in allowed})
    assert not stray, f"numbers not in the saved results: {stray}"


def test_a_number_not_in_the_results_is_caught() -> None:
    """The check above can fail: a figure typed into the text is reported."""
    result = {"totals": {"complaints": 600}}
    text = "600 complaints, of which 577 were answered"
    assert {n for n in NUMBER.findall(text) if n not in figures(result)} == {"577"}


def test_saved_results_path_names_the_audience(tmp_path: Path) -> None:
    params = yaml.safe_load((PARAMS_DIR / "union.yaml").read_text(encoding="utf-8"))
    data = prepare(validate_parameters({**params, "rules": []}))
    assert save_results(data, tmp_path).name == "results-union.json"

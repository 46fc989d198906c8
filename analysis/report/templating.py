"""The briefings' words: Jinja2 templates, one per audience, fed by the saved headline results.

Why templates and not Python strings: the prose of a submission changes with every reading by an
official, and a template is the prose with holes in it, which an official can read. Why these
settings: every value is escaped (``autoescape=True``; issue 11: a log's text must never become
markup), a missing figure is an error rather than a blank (``StrictUndefined``), and templates are
loaded only from this package's ``templates`` folder, so a parameter cannot name another file.
Tables and charts arrive already rendered and escaped by :mod:`analysis.publish`, marked safe there.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from analysis.publish.numbers import (
    fmt_count,
    fmt_date,
    fmt_hours,
    fmt_median_ci,
    fmt_p,
    fmt_pct,
    fmt_share_ci,
)
from analysis.report import story

TEMPLATES_DIR = Path(__file__).parent / "templates"


@cache
def environment() -> Environment:
    """The one environment: autoescaped, strict, loading only from :data:`TEMPLATES_DIR`."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.do"],
    )
    env.filters.update(
        count=fmt_count,
        pct=fmt_pct,
        share_ci=fmt_share_ci,
        hours=fmt_hours,
        median_ci=fmt_median_ci,
        p=fmt_p,
        date=fmt_date,
        plural=story.plural,
        rag=story.rag_word,
        and_list=story.and_list,
        month=story.month_name,
    )
    env.globals["plural"] = story.plural
    return env


def render_template(name: str, context: Mapping[str, object]) -> Markup:
    """Render ``templates/<name>`` with ``context``; the result is safe HTML (values escaped)."""
    return Markup(environment().get_template(name).render(**context))

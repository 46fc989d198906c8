"""``docs/figures.md``, generated from the results model: every field, its definition, its function.

``python -m analysis figures-doc`` rewrites the file; ``--check`` exits 1 when it is out of date
(a test runs the check, so a field added to the model without regenerating the page fails). The page
is how a reader goes from a number in a briefing to the code behind it: find the figure's field,
read its one-line definition, open the function named beside it.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import types
import typing
from collections.abc import Iterator
from pathlib import Path

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from analysis.config import PROJECT_ROOT
from analysis.results.findings import Results, Share
from analysis.results.model import Median, Within

DOC_PATH = PROJECT_ROOT / "docs" / "figures.md"
#: Small value types documented once, at the end, rather than under every field that holds one.
VALUE_TYPES: tuple[type[BaseModel], ...] = (Median, Within, Share)

HEADER = """\
# Figures: every number the notebooks, charts and briefings print

Generated from the results model (`analysis/results/model.py`, `analysis/results/findings.py`) by
`python -m analysis figures-doc`; do not edit by hand (a test fails when this page is out of date).

Every figure comes from one JSON file per extract: `python -m analysis analyse LOG --as-of DATE
--json` prints it, `analysis.results.save_results` writes it beside the reports, and
`analysis.results.headline()` returns it as a dict. To trace a printed number, find its field below:
the definition says what it is, the function computes it (module and name). Shares are proportions
0-1 to six decimals (printed as whole percentages), hours are rounded to 0.01, p-values to 3
significant figures; a value that cannot be computed is null with a `reason` beside it. In a path,
`<key>` is a dictionary key (a platform's name, or `response` / `removal`) and `[]` any item of a
list.
"""


def computed_by(field: FieldInfo) -> str | None:
    """The dotted name of the function a field declares (None if it inherits its parent's)."""
    extra = field.json_schema_extra
    return extra.get("computed_by") if isinstance(extra, dict) else None


def resolve(dotted: str) -> object:
    """The function a ``computed_by`` names (ImportError / AttributeError if it does not exist)."""
    module, _, name = dotted.rpartition(".")
    return getattr(importlib.import_module(module), name)


def _unwrap(annotation: object) -> tuple[str, object]:
    """A type in words ("list of", "<key> ->", "or null") and the model inside it, if any."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        words, model = (
            _unwrap(inner[0]) if len(inner) == 1 else (" or ".join(map(_name, inner)), None)
        )
        return (f"{words} or null" if type(None) in args else words), model
    if origin is list:
        words, model = _unwrap(args[0])
        return f"list of {words}", model
    if origin is dict:
        words, model = _unwrap(args[1])
        return f"{{key: {words}}}", model
    if origin is typing.Literal:
        return " or ".join(repr(a) for a in args), None
    model = (
        annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None
    )
    return _name(annotation), model


def _name(annotation: object) -> str:
    return getattr(annotation, "__name__", str(annotation))


def _step(name: str, annotation: object) -> str:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _step(name, inner[0]) if len(inner) == 1 else name
    if origin is list:
        return f"{name}[]"
    if origin is dict:
        return f"{name}.<key>"
    return name


def rows(
    model: type[BaseModel], prefix: str = "", parent: str | None = None
) -> Iterator[tuple[str, str, str, str]]:
    """(path, type, definition, function) for every field, depth first; value types not opened."""
    for name, field in model.model_fields.items():
        key = field.alias or name
        function = computed_by(field) or parent
        words, inner = _unwrap(field.annotation)
        path = f"{prefix}{_step(key, field.annotation)}"
        yield path, words, field.description or "", function or ""
        if inner is not None and inner not in VALUE_TYPES:
            yield from rows(inner, f"{path}.", function)


def _table(lines: list[tuple[str, str, str, str]]) -> list[str]:
    out = ["| field | type | definition | computed by |", "|---|---|---|---|"]
    for path, words, text, function in lines:
        cell = f"`{function}`" if function else "-"
        out.append(f"| `{path}` | {words} | {text} | {cell} |")
    return out


def render() -> str:
    """The whole page, from the model."""
    parts = [HEADER, "## Results (schema `headline/2`)", "", *_table(list(rows(Results)))]
    for value in VALUE_TYPES:
        doc = (value.__doc__ or "").strip().splitlines()
        parts += ["", f"## {value.__name__}", ""]
        if doc and not doc[0].startswith(value.__name__ + "("):
            parts += [doc[0], ""]
        parts += _table(list(rows(value)))
    return "\n".join(parts) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m analysis figures-doc",
        description="Write docs/figures.md from the results model (or check that it is current).",
    )
    parser.add_argument("--out", type=Path, default=DOC_PATH, help="where to write the page")
    parser.add_argument("--check", action="store_true", help="exit 1 if the page is out of date")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if current != text:
            print(f"{args.out} is out of date: run python -m analysis figures-doc", file=sys.stderr)
            return 1
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out}")
    return 0

"""How a results field says what it is and which function computes it.

Every field of the results model is declared with :func:`figure`, so ``docs/figures.md`` (generated
by :mod:`analysis.results.figures_doc`) can name, for each printed number, its one-line definition and
the function behind it, and a test can check that every named function exists.
"""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, Field

#: Every model forbids unknown keys (a typo in a builder fails loudly) and is immutable once built.
STRICT = ConfigDict(extra="forbid", frozen=True)


def figure(
    description: str, computed_by: str | None = None, default: Any = ..., alias: str | None = None
) -> Any:
    """A model field with its one-line definition and (optionally) the dotted name of its function.

    A field without ``computed_by`` takes its parent's in ``docs/figures.md``: a median inside a
    platform's clock is computed by the function that computes the clock.
    """
    extra = {"computed_by": computed_by} if computed_by else None
    return Field(default, description=description, json_schema_extra=extra, alias=alias)

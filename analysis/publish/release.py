"""Disclosure control over everything one briefing publishes, taken together.

:func:`analysis.publish.disclosure.publish_table` protects one table on its own. A briefing
publishes many: the same complaints by platform under six options (tables that share their row
totals), a league table of the same platforms, percentages with confidence intervals, chart data,
the annex's row counts. A ``[c]`` safe in its own table can come back by subtracting another
table of the same population, or from a percentage whose denominator is printed. So a briefing
builds one :class:`Release` and passes every published count, share and chart series through it:

- every cell is named by a *key*: cells of tables given the same ``population`` share the keys of
  their margins (the row totals of tables with the same row dimension, the grand total), so a
  count suppressed in one table is suppressed in every other that prints it, and a count printed
  in one is a known constant when the next table chooses its complements: one suppression pattern
  for the tables of one population;
- after each table the linear programme of :mod:`analysis.publish.disclosure` is solved on the
  *union* of what has been published (every table's row and column sums, the shared keys, and
  shares ``k / n`` whose numerator and denominator are both keys), and further cells of the new
  table are suppressed until every ``[c]`` in the release keeps a range of at least the
  protection width;
- a share (with its CI) is ``[c]`` when its count or the count without the event would be ``[c]``
  (from 1 to ``threshold - 1``) or when its denominator is ``[c]``: a percentage of a known
  denominator is a count;
- the threshold cannot be below :data:`~analysis.config.MIN_THRESHOLD`; an analyst's
  raw view is ``Release(threshold, unsuppressed=True)``, and everything it gives is stamped
  :data:`~analysis.publish.disclosure.UNSUPPRESSED`.

Example: one release per briefing, created once and passed to everything that prints a count::

    release = Release(P.suppression_threshold)  # refuses a threshold below 3
    # story.rule_counts: the same call for the option block, the options table and the summary
    # (same name and counts: the same published table comes back)
    table = release.table(f"{rule_id}: complaints by platform", counts)  # index named "Platform"
    in_scope = published_total(table, TOTAL)  # prose reads the table, never the raw count
    other = release.count(total_row["in_scope"], key=("in scope", rule_id))  # unscored rule
    share = release.share(km_entry, n=total_row["in_scope"])  # "[c]" or "6% (95% CI 4% to 9%)"
    league_table(H["platforms"], caption, source, threshold, all_label=ALL, release=release)
    counts_html(by_nation, caption, source, threshold, release=release, population="complaints")
    bars = published_counts(by_category, threshold, release=release, totals=False)
    points = release.share_points(sens, n="complaints", share="share_within", keep=["deadline"])
    annex = release.table("annex rows", rows_by_reason)  # rows read = the Total row
    release.check()  # raises DisclosureError if any [c] of the release could be narrowed

Tables of options with the same scope need no ``population``: a table whose row margin equals
one already published is taken to share it.

Tables are protected in the order they are registered; register a population's tables before
any prose or share that quotes their cells (a share refers to registered keys only).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.config import SUPPRESSION_THRESHOLD
from analysis.publish.disclosure import (
    CONFIDENTIAL,
    NOT_AVAILABLE,
    TOTAL,
    Layout,
    PublishedTable,
    check_threshold,
    layout,
    render,
)
from analysis.publish.numbers import fmt_count, fmt_share_ci
from analysis.publish.pattern import EPS, choose_pattern, two_per_line
from analysis.publish.union import (
    DisclosureError,
    Key,
    cell_keys,
    key_lines,
    key_ranges,
    linked_keys,
    margin,
    total,
)

__all__ = ["Breach", "DisclosureError", "Release", "margin", "total"]


@dataclass(frozen=True)
class Breach:
    """A suppressed key a reader can pin down to ``[low, high]``, narrower than the protection."""

    key: Key
    low: float
    high: float


class Release:
    """Every count, share and chart series one briefing publishes, under one disclosure control.

    See the module docstring. The true values are kept privately, only to audit the union.
    """

    def __init__(
        self,
        threshold: int = SUPPRESSION_THRESHOLD,
        *,
        protection: float | None = None,
        unsuppressed: bool = False,
    ) -> None:
        self.threshold = check_threshold(threshold, unsuppressed)
        self.protection = float(self.threshold if protection is None else protection)
        self.unsuppressed = unsuppressed
        self._values: dict[Key, float] = {}
        self._suppressed: set[Key] = set()
        self._shown: set[Key] = set()
        self._lines: list[tuple[tuple[Key, ...], Key]] = []
        self._ratios: list[tuple[Key, Key, float, float]] = []
        self._tables: dict[str, tuple[pd.DataFrame, PublishedTable]] = {}
        self._margins: dict[tuple[object, ...], str] = {}

    # -- what is published ------------------------------------------------------------------

    def table(
        self,
        name: str,
        counts: pd.DataFrame,
        *,
        population: str | None = None,
        totals: bool = True,
        zeros_disclosive: bool = False,
        not_applicable: pd.DataFrame | None = None,
    ) -> PublishedTable:
        """Publish a count table (rows x columns, no totals) as part of this release.

        ``population``: tables of one population (e.g. the complaints in one rule's scope) share
        the keys of their margins: name the row dimension (``counts.index.name``) the same in
        each. ``totals=False`` for counts that do not add up to anything (several categories per
        complaint). Registering the same ``name`` again with the same counts returns the same
        table.
        """
        if name in self._tables:
            earlier, published = self._tables[name]
            if not earlier.equals(counts):
                raise ValueError(f"table {name!r} was already published with other counts")
            return published
        shape = layout(counts, not_applicable, totals)
        keys = cell_keys(name, shape, self._population(shape, population))
        counted = ~shape.fixed
        for cell in zip(*np.nonzero(counted), strict=True):
            known = self._values.get(keys[cell])
            if known is not None and known != shape.grid[cell]:
                raise ValueError(
                    f"table {name!r} gives {keys[cell]} as {shape.grid[cell]:g}, "
                    f"already published as {known:g}"
                )
        primary = shape.primary(self.threshold, zeros_disclosive)
        if self.unsuppressed:
            suppressed = np.zeros_like(primary)
        else:
            forced = np.vectorize(lambda k: k in self._suppressed, otypes=[bool])(keys) & counted
            shown = np.vectorize(lambda k: k in self._shown, otypes=[bool])(keys) & counted
            if (primary & shown).any():
                raise ValueError(f"table {name!r} has a small count another table printed")
            fixed = shape.fixed | shown
            suppressed = choose_pattern(
                shape.grid, primary, fixed, shape.lines, self.protection, forced
            )
            suppressed = self._secure(shape, keys, suppressed, fixed)
        self._commit(shape, keys, suppressed)
        published = render(
            shape,
            suppressed,
            primary,
            self.threshold,
            zeros_disclosive,
            self.protection,
            self.unsuppressed,
        )
        self._tables[name] = (counts.copy(), published)
        return published

    def _population(self, shape: Layout, population: str | None) -> str | None:
        """The population whose margins this table shares.

        Tables whose row margin (labels and true counts, grand total included) equals one
        already published are taken to share its population whatever the caller said: a reader
        who guesses so subtracts one from the other, so the release must guard against it.
        """
        table = shape.table
        rows = table.index.name
        if not rows or not (shape.row_total or table.shape[1] == 1) or not shape.col_total:
            return population
        column = -1 if shape.row_total else 0
        signature = (rows, tuple(table.index), tuple(shape.grid[:, column]))
        known = self._margins.get(signature)
        if known is not None:
            return known
        chosen = (
            population if population is not None else f"population of table {len(self._tables)}"
        )
        self._margins[signature] = chosen
        return chosen

    def count(self, value: float | None, key: Key) -> str:
        """A count for prose or an annex: its number, or ``[c]`` (as every table printing it).

        ``key``: :func:`total` or :func:`margin` of a population when a table prints the same
        count, else any tuple naming it (e.g. ``("annex", "Rows used")``).
        """
        if value is None:
            return NOT_AVAILABLE
        known = self._values.get(key)
        if known is not None and known != value:
            raise ValueError(f"{key} is {value:g} here but was published as {known:g}")
        if key in self._suppressed:
            return CONFIDENTIAL
        if not self.unsuppressed and key not in self._shown and 0 < value < self.threshold:
            self._values[key] = float(value)
            self._suppressed.add(key)
            return CONFIDENTIAL
        self._values[key] = float(value)
        self._shown.add(key)
        return fmt_count(value)

    def hidden(self, key: Key) -> bool:
        """Whether the count under ``key`` reads ``[c]`` in this release."""
        return key in self._suppressed

    def share(
        self,
        entry: Mapping[str, object] | None,
        *,
        n: float | None,
        numerator: Key | None = None,
        denominator: Key | None = None,
        fmt: Callable[[Mapping[str, object] | None], str] = fmt_share_ci,
    ) -> str:
        """A share with its CI (``{share, lower, upper}``), or ``[c]`` where it would reveal a count.

        ``n``: the number the share is of (complaints in the group); the share's count is taken
        as ``round(n * share)``. ``[c]`` when that count, or ``n`` minus it, is from 1 to
        ``threshold - 1``, or when the ``numerator`` or ``denominator`` key reads ``[c]``. When
        both keys are given and published, the share becomes a relation of the audit.
        """
        if not entry or entry.get("share") is None:
            return fmt(entry)
        if self.unsuppressed:
            return fmt(entry)
        for key in (numerator, denominator):
            if key is not None and key not in self._values:
                raise ValueError(f"share refers to {key}, which this release has not published")
            if key is not None and key in self._suppressed:
                return CONFIDENTIAL
        if n is None or self._small_share(float(entry["share"]), float(n)):
            return CONFIDENTIAL
        if numerator is not None and denominator is not None:
            shown = float(f"{float(entry['share']) * 100:.0f}")  # as fmt_pct prints it
            ratio = (numerator, denominator, (shown - 0.5) / 100, (shown + 0.5) / 100)
            self._ratios.append(ratio)
            if self.breaches():
                self._ratios.pop()
                return CONFIDENTIAL
        return fmt(entry)

    def _small_share(self, share: float, n: float) -> bool:
        k = round(n * share)
        return 0 < k < self.threshold or 0 < n - k < self.threshold

    def bars(
        self, name: str, counts: pd.Series, *, population: str | None = None, totals: bool = True
    ) -> pd.DataFrame:
        """Counts per label for a bar chart: ``label``, ``count`` (NaN where ``[c]``), ``label_text``.

        The counts are published as a one-column table of the release (so the chart's data file
        holds no more than a table would).
        """
        frame = counts.to_frame("count")
        table = self.table(name, frame, population=population, totals=totals)
        keep = table.frame.index != TOTAL
        hidden = table.suppressed.loc[keep, "count"].to_numpy(dtype=bool)
        return pd.DataFrame(
            {
                "label": counts.index.astype(str),
                "count": counts.astype(float).where(~hidden).to_numpy(),
                "label_text": table.frame.loc[keep, "count"].to_numpy(),
            }
        )

    def share_points(
        self,
        frame: pd.DataFrame,
        *,
        n: str,
        share: str = "share",
        lower: str = "lower",
        upper: str = "upper",
        keep: Sequence[str] = (),
    ) -> pd.DataFrame:
        """Shares for a chart, at published resolution: whole percentages, ``[c]`` where small.

        Returns ``keep`` columns, the share and its CI as fractions rounded to whole percentages
        (NaN where ``[c]``) and ``label_text``; no count column is carried (``n`` is only used to
        decide), so the chart's data file holds no count at all.
        """
        out = frame[list(keep)].copy()
        small = np.array(
            [
                not self.unsuppressed and self._small_share(float(s), float(m))
                for s, m in zip(frame[share], frame[n], strict=True)
            ],
            dtype=bool,
        )
        for col in (share, lower, upper):
            out[col] = (frame[col].astype(float) * 100).round().div(100).where(~small)
        out["label_text"] = [
            CONFIDENTIAL if hide else f"{value * 100:.0f}%"
            for hide, value in zip(small, out[share], strict=True)
        ]
        return out.reset_index(drop=True)

    # -- the audit --------------------------------------------------------------------------

    def ranges(self, keys: Sequence[Key] | None = None) -> dict[Key, tuple[float, float]]:
        """What a reader of the whole release can deduce about each ``[c]``: (min, max)."""
        return key_ranges(
            self._values,
            self._suppressed,
            self._lines,
            self._ratios,
            self._suppressed if keys is None else keys,
        )

    def breaches(self) -> list[Breach]:
        """Every ``[c]`` of the release whose range is narrower than the protection width."""
        return [
            Breach(key, low, high)
            for key, (low, high) in self.ranges().items()
            if high - low < self.protection - EPS
        ]

    def check(self) -> None:
        """Raise :class:`DisclosureError` naming any ``[c]`` a reader could narrow."""
        found = self.breaches()
        if found:
            raise DisclosureError(
                "suppressed counts can be narrowed: "
                + "; ".join(f"{b.key}: {b.low:g} to {b.high:g}" for b in found)
            )

    def _secure(
        self, shape: Layout, keys: np.ndarray, suppressed: np.ndarray, fixed: np.ndarray
    ) -> np.ndarray:
        """Suppress more of the new table until the union of the release is protected."""
        while True:
            failing = self._failing(shape, keys, suppressed)
            if not failing:
                return suppressed
            pool = [
                tuple(c)
                for c in np.argwhere(~suppressed & ~fixed)
                if keys[tuple(c)] not in self._shown
            ]
            if not pool:
                raise DisclosureError(f"cannot protect {failing}: nothing left to suppress")
            best: tuple[int, np.ndarray] | None = None
            for cand in sorted(pool, key=lambda c: (shape.grid[c] == 0, shape.grid[c], c)):
                trial = suppressed.copy()
                trial[cand] = True
                two_per_line(shape.grid, trial, fixed, shape.lines)
                left = len(self._failing(shape, keys, trial))
                if best is None or left < best[0]:
                    best = (left, trial)
                if left == 0:
                    break
            suppressed = best[1]

    def _failing(self, shape: Layout, keys: np.ndarray, suppressed: np.ndarray) -> list[Key]:
        values = dict(self._values)
        hidden = set(self._suppressed)
        for cell, key in np.ndenumerate(keys):
            if not shape.fixed[cell]:
                values[key] = float(shape.grid[cell])
                if suppressed[cell]:
                    hidden.add(key)
        lines = [*self._lines, *key_lines(shape, keys)]
        start = {keys[c] for c in zip(*np.nonzero(suppressed & ~shape.fixed), strict=True)}
        # Only the suppressed counts linked to this table's can have changed; when none is
        # suppressed anywhere else, choose_pattern has already proved this table on its own.
        linked = linked_keys(hidden, lines, self._ratios, start)
        if not linked & self._suppressed and not any(
            n in linked or d in linked for n, d, _, _ in self._ratios
        ):
            return []
        found = key_ranges(values, linked, lines, self._ratios, linked)
        return [k for k, (lo, hi) in found.items() if hi - lo < self.protection - EPS]

    def _commit(self, shape: Layout, keys: np.ndarray, suppressed: np.ndarray) -> None:
        for cell, key in np.ndenumerate(keys):
            if shape.fixed[cell]:
                continue
            self._values[key] = float(shape.grid[cell])
            (self._suppressed if suppressed[cell] else self._shown).add(key)
        self._lines += key_lines(shape, keys)

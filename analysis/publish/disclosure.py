"""Statistical disclosure control for every count table the suite publishes.

A count below the threshold (default 10, :data:`analysis.config.SUPPRESSION_THRESHOLD`) could point
at a person: a school with two staff abused on one platform is findable. Such cells are shown as
``[c]`` (the Government Statistical Service symbol for confidential). Hiding a cell is not enough when
row and column totals are published: a lone ``[c]`` in a row equals the row total minus the others.
So :func:`publish_table` also suppresses complementary cells (secondary suppression), then *proves*
the result with linear programming and adds suppression until the proof holds.

Protection level. For each suppressed cell a reader can work out, from the published cells and
totals, the smallest and largest value the cell could take (a linear programme: unknown cells >= 0,
every row and column adding up to its total; integrality relaxed, which can only widen the range).
The table is protected when that range is at least ``protection`` wide for every suppressed cell;
the default is the threshold itself, i.e. roughly "plus or minus half the threshold": a reader cannot
narrow any ``[c]`` to fewer than ``threshold`` consecutive values. Below zero is impossible, so for a
small cell most of the range lies above it: e.g. with threshold 10 a cell of 2 might be shown to lie
anywhere in 0-12.

Why the simple rule "at least two suppressed cells in every row and column" is not enough, and so
the linear-programming check is needed:
- a complementary cell holding 0 (or a small number) lets the pair move by only that much, which
  pins the primary cell to a narrow range (e.g. 3 paired with 0s can only go down: it is known to be
  at most 3); complements are therefore chosen smallest-first among *non-zero* cells, and the LP
  check catches what is left;
- two small cells suppressed together in a line give away their sum, so each is bounded by it;
- suppressed totals that are themselves small bound everything inside them.

Only the column totals of a single-row table (and vice versa) would repeat the table, so a
single-row table gets only a total column and a single-column table only a total row; where that
total would give a lone cell away, the total is suppressed too.

The threshold may not be below :data:`~analysis.config.MIN_THRESHOLD` (3) in anything published (a threshold of 1
prints counts of 1); ``unsuppressed=True`` is an analyst's explicit raw view, stamped
:data:`UNSUPPRESSED`. Everything one briefing publishes goes through one
:class:`analysis.publish.release.Release`, which protects its tables, shares and chart series
together.

``[x]`` (not available) is shown for missing values (NaN) and ``[z]`` (not applicable) for cells
flagged so; both count as zero in the totals, and the footnote says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.config import MIN_THRESHOLD, SUPPRESSION_THRESHOLD
from analysis.publish.pattern import Line, choose_pattern, lines_of

CONFIDENTIAL = "[c]"
NOT_AVAILABLE = "[x]"
NOT_APPLICABLE = "[z]"
TOTAL = "Total"
#: The stamp on an analyst's unsuppressed table or chart.
UNSUPPRESSED = "UNSUPPRESSED \u2013 not for publication"


@dataclass(frozen=True)
class PublishedTable:
    """A table ready to print: strings with ``[c]``/``[x]``/``[z]``, the masks, and its footnote.

    ``frame`` and the masks carry the ``Total`` row and/or column. ``suppressed`` is True for every
    ``[c]``; ``primary`` for those below the threshold (the rest are complementary). The true values
    are deliberately not kept here, so that nothing downstream can print them by mistake.
    """

    frame: pd.DataFrame
    suppressed: pd.DataFrame
    primary: pd.DataFrame
    footnote: str
    threshold: int
    protection: float
    unsuppressed: bool = False


def symbols_used(frame: pd.DataFrame) -> list[str]:
    """The GSS symbols (``[c]``, ``[x]``, ``[z]``) a printed table holds, in :func:`footnote`'s
    order: the symbols its footnote must explain."""
    return [s for s in (CONFIDENTIAL, NOT_AVAILABLE, NOT_APPLICABLE) if (frame == s).any().any()]


def footnote(
    threshold: int,
    zeros_disclosive: bool = False,
    symbols: Sequence[str] = (CONFIDENTIAL,),
    survival: bool = False,
) -> str:
    """The note printed under a table, explaining each symbol used and the threshold."""
    parts = []
    if CONFIDENTIAL in symbols:
        small = (
            f"counts from 0 to {threshold - 1}"
            if zeros_disclosive
            else f"counts from 1 to {threshold - 1}"
        )
        parts.append(
            f"[c] confidential: {small} are suppressed to protect individuals, and further cells "
            "are suppressed so that no suppressed count can be worked out from the totals."
        )
    if survival:
        parts.append(
            f"Estimates are not shown (truncated or [c]) once fewer than {threshold} complaints "
            "remain at risk."
        )
    if NOT_AVAILABLE in symbols:
        parts.append("[x] not available.")
    if NOT_APPLICABLE in symbols:
        parts.append("[z] not applicable.")
    if NOT_AVAILABLE in symbols or NOT_APPLICABLE in symbols:
        parts.append("Totals count [x] and [z] cells as zero.")
    return " ".join(parts)


def _format(value: float) -> str:
    return f"{round(value):,}"


def _check_counts(values: pd.DataFrame) -> None:
    data = values.to_numpy(dtype=float)
    ok = np.isnan(data) | ((data >= 0) & (np.mod(data, 1) == 0))
    if not ok.all():
        raise ValueError("publish_table needs non-negative whole counts (NaN for not available)")


def check_threshold(threshold: int, unsuppressed: bool = False) -> int:
    """The threshold, refused below :data:`MIN_THRESHOLD` for anything meant for publication.

    A threshold of 1 or 2 would print counts of 1 and 2, which is what disclosure control exists
    to prevent; an analyst who needs the raw counts asks for them explicitly (``unsuppressed``),
    and what comes back is stamped :data:`UNSUPPRESSED`.
    """
    if isinstance(threshold, bool) or int(threshold) != threshold:
        raise ValueError(f"suppression threshold must be a whole number, not {threshold!r}")
    if threshold < MIN_THRESHOLD and not unsuppressed:
        raise ValueError(
            f"suppression threshold {threshold} is below the minimum of {MIN_THRESHOLD} for "
            "anything published (counts of 1 and 2 would be printed); for an analyst's own "
            "unsuppressed view pass unsuppressed=True, which marks the output "
            f"'{UNSUPPRESSED}'"
        )
    return int(threshold)


def _total_key(index: pd.Index) -> object:
    return (TOTAL, *[""] * (index.nlevels - 1)) if index.nlevels > 1 else TOTAL


@dataclass(frozen=True)
class Layout:
    """A count table laid out for publication: the grid with its totals and additive lines.

    ``grid`` holds the interior counts (``[x]``/``[z]`` as zero) and the totals; ``symbol`` is
    ``[x]``/``[z]`` or ""; ``lines`` are the sums a reader can check. Shared by
    :func:`publish_table` and :class:`analysis.publish.release.Release`, which keys each grid cell
    so that tables of one population share their margins.
    """

    table: pd.DataFrame
    grid: np.ndarray
    symbol: np.ndarray
    lines: list[Line]
    row_total: bool
    col_total: bool

    @property
    def fixed(self) -> np.ndarray:
        """Cells that are not counts ([x], [z]): never suppressed, never a complement."""
        return self.symbol != ""

    def primary(self, threshold: int, zeros_disclosive: bool = False) -> np.ndarray:
        """Counts below the threshold (zero too when ``zeros_disclosive``)."""
        small = (self.grid > 0) | zeros_disclosive
        return small & (self.grid < threshold) & ~self.fixed

    def frame(self, values: np.ndarray) -> pd.DataFrame:
        """``values`` (grid-shaped) labelled like the published table, totals included."""
        table = self.table
        index = (
            table.index.append(pd.Index([_total_key(table.index)]))
            if self.col_total
            else table.index
        )
        columns = (
            table.columns.append(pd.Index([_total_key(table.columns)]))
            if self.row_total
            else table.columns
        )
        return pd.DataFrame(values, index=index, columns=columns)


def layout(
    table: pd.DataFrame, not_applicable: pd.DataFrame | None = None, totals: bool = True
) -> Layout:
    """Check the counts, add totals (see the module docstring) and list the additive lines.

    ``totals=False`` is for counts that do not partition anything (e.g. complaints by kind of
    abuse, where one complaint can carry several): no total is added and no line relates them.
    """
    _check_counts(table)
    n_rows, n_cols = table.shape
    row_total, col_total = totals and n_cols > 1, totals and n_rows > 1
    missing = table.isna().to_numpy()
    inapplicable = (
        np.zeros_like(missing)
        if not_applicable is None
        else not_applicable.reindex_like(table).fillna(False).to_numpy(dtype=bool)
    )
    interior = np.where(missing | inapplicable, 0.0, table.to_numpy(dtype=float))

    grid = np.zeros((n_rows + col_total, n_cols + row_total))
    grid[:n_rows, :n_cols] = interior
    if row_total:
        grid[:n_rows, n_cols] = interior.sum(axis=1)
    if col_total:
        grid[n_rows, :] = grid[:n_rows, :].sum(axis=0)
    symbol = np.full(grid.shape, "", dtype=object)
    symbol[:n_rows, :n_cols][inapplicable] = NOT_APPLICABLE
    symbol[:n_rows, :n_cols][missing] = NOT_AVAILABLE
    lines = lines_of(n_rows, n_cols, row_total, col_total)
    # A total over nothing but [x]/[z] cells is not a count either: it takes their symbol.
    changed = True
    while changed:
        changed = False
        for members, total in lines:
            if not symbol[total] and all(symbol[c] for c in members):
                symbol[total] = min(symbol[c] for c in members)  # "[x]" before "[z]"
                changed = True
    return Layout(table, grid, symbol, lines, row_total, col_total)


def render(
    shape: Layout,
    suppressed: np.ndarray,
    primary: np.ndarray,
    threshold: int,
    zeros_disclosive: bool = False,
    protection: float | None = None,
    unsuppressed: bool = False,
) -> PublishedTable:
    """The printed strings of a laid-out table, given its suppression pattern."""
    text = np.vectorize(_format, otypes=[object])(shape.grid)
    text[suppressed] = CONFIDENTIAL
    text[shape.fixed] = shape.symbol[shape.fixed]
    used = [s for s in (NOT_AVAILABLE, NOT_APPLICABLE) if (text == s).any()]
    note = footnote(threshold, zeros_disclosive, (CONFIDENTIAL, *used))
    if unsuppressed:
        note = f"{UNSUPPRESSED}: counts below {threshold} are shown."
    return PublishedTable(
        frame=shape.frame(text),
        suppressed=shape.frame(suppressed),
        primary=shape.frame(primary),
        footnote=note,
        threshold=threshold,
        protection=float(threshold if protection is None else protection),
        unsuppressed=unsuppressed,
    )


def publish_table(
    table: pd.DataFrame,
    threshold: int = SUPPRESSION_THRESHOLD,
    zeros_disclosive: bool = False,
    protection: float | None = None,
    not_applicable: pd.DataFrame | None = None,
    unsuppressed: bool = False,
) -> PublishedTable:
    """Add totals, suppress small counts and their complements, and format for publication.

    ``table``: counts (rows x columns, no totals); NaN means not available (``[x]``).
    ``not_applicable``: optional boolean frame of the same shape marking ``[z]`` cells.
    ``protection``: the minimum width of the range a reader can deduce for any ``[c]`` (see the
    module docstring); defaults to ``threshold``, which may not be below :data:`MIN_THRESHOLD`.
    ``unsuppressed=True`` is the analyst's raw view: nothing is suppressed and the footnote says
    :data:`UNSUPPRESSED`. One table alone: for everything a briefing publishes together, use
    :class:`analysis.publish.release.Release`.
    """
    threshold = check_threshold(threshold, unsuppressed)
    protection = float(threshold if protection is None else protection)
    shape = layout(table, not_applicable)
    primary = shape.primary(threshold, zeros_disclosive)
    if unsuppressed:
        suppressed = np.zeros_like(primary)
    else:
        suppressed = choose_pattern(shape.grid, primary, shape.fixed, shape.lines, protection)
    return render(shape, suppressed, primary, threshold, zeros_disclosive, protection, unsuppressed)


def survival_at_hours(
    table: pd.DataFrame,
    hours: Sequence[float],
    by: str | None = None,
    time: str = "timeline",
) -> pd.DataFrame:
    """Reduce a Kaplan-Meier table at every event time to a few reporting times (per ``by`` group).

    Input columns as ``analysis.measures.response_times.kaplan_meier(...).survival``: ``time``,
    at_risk (just before that time), events, censored, estimate, lower, upper. Output, one row per
    hour: at_risk (complaints still waiting *after* that hour), events and censored in the interval
    since the previous reporting time, and the estimate with its CI at that hour (the step function's
    value). Fewer, wider steps: one interval's events can no longer be read off a single step.
    """
    hours = np.sort(np.asarray(hours, dtype=float))
    groups = [(None, table)] if by is None else list(table.groupby(by, sort=False))
    frames = []
    for label, group in groups:
        group = group.sort_values(time)
        t = group[time].to_numpy(dtype=float)
        upto = np.searchsorted(t, hours, side="right")  # rows at or before each hour
        start = int(group["at_risk"].iloc[0]) if len(group) else 0
        cum = {
            c: np.concatenate([[0], np.cumsum(group[c].to_numpy())]) for c in ("events", "censored")
        }
        step = {
            c: np.concatenate([[1.0], group[c].to_numpy(dtype=float)])[upto]
            for c in ("estimate", "lower", "upper")
        }
        events, censored = (
            np.diff(np.concatenate([[0], cum[c][upto]])) for c in ("events", "censored")
        )
        frame = pd.DataFrame(
            {
                time: hours,
                "at_risk": start - cum["events"][upto] - cum["censored"][upto],
                "events": events,
                "censored": censored,
                **step,
            }
        )
        if by is not None:
            frame.insert(0, by, label)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def coarsen_survival_table(
    table: pd.DataFrame,
    threshold: int = SUPPRESSION_THRESHOLD,
    at_hours: Sequence[float] | None = None,
    by: str | None = None,
    at_risk: str = "at_risk",
    counts: Sequence[str] = ("events", "censored"),
    values: Sequence[str] = ("estimate", "lower", "upper"),
    truncate: bool = True,
) -> PublishedTable:
    """Make a Kaplan-Meier table fit to show readers (columns as in ``analysis.measures``).

    Rows must be in time order within each group (as ``kaplan_meier`` and
    :func:`survival_at_hours` give them); ``by`` names the group column, else the table is one group.

    - With ``at_hours`` (e.g. 0, 24, 48, 168), the table is first reduced to those reporting times
      (:func:`survival_at_hours`, per ``by`` group). Do this for anything printed: at every event
      time, the step in the estimate and the number at risk imply the number of events
      (events = at risk x (1 - S(t) / S(t-))) whatever the count columns show.
    - Where fewer than ``threshold`` complaints are at risk, the row's estimate and CI are not
      shown: the row is dropped (``truncate=True``, the curve simply stops) or every value in it
      reads ``[c]``. An estimate near the end of follow-up rests on a handful of people.
    - Event and censored counts from 1 to ``threshold - 1`` read ``[c]``. A row's events plus
      censored equal the fall in the number at risk between rows, so suppressing one of the pair
      would give it away: both are suppressed together.
    - Suppressing the pair is not enough while the numbers at risk stay exact: their fall is the
      pair's sum, and the step in the estimate splits it (40 -> 26 at risk, S falling by a factor
      0.729: about 10.8 events, so about 3 censored). Nor is hiding that one row's at risk: the next
      row's events / (1 - its step) gives it back, and with it the sum. So from the first row with a
      suppressed pair on, *every* count of the group (at risk, events, censored) reads ``[c]``;
      the estimates go on (they still rest on at least ``threshold`` complaints at risk).
    - The step in the estimate times the number at risk before it approximates the events of an
      interval, so where those events are from 1 to ``threshold - 1`` the row's estimate and CI
      read ``[c]`` too (the next shown step then spans two intervals, whose split is unknown).

    Estimates stay numbers (for the caller to format as percentages); counts become strings.
    """
    threshold = check_threshold(threshold)
    if at_hours is not None:
        table = survival_at_hours(table, at_hours, by=by)
    out = table.copy()
    thin = out[at_risk].to_numpy(dtype=float) < threshold
    pair = out[list(counts)].to_numpy(dtype=float)
    is_small = (pair > 0) & (pair < threshold)
    small = is_small.any(axis=1)
    group = out[by].to_numpy() if by is not None and by in out else np.zeros(len(out))
    # From the first suppressed pair of a group on, no count of that group is exact.
    stopped = pd.Series(small).groupby(group).cummax().to_numpy(dtype=bool)
    few_events = is_small[:, 0] if counts else np.zeros(len(out), dtype=bool)
    suppressed = pd.DataFrame(False, index=out.index, columns=out.columns)
    for col in (*counts, at_risk):
        suppressed[col] = stopped | thin
    for col in values:
        suppressed[col] = thin | few_events
    for col in (*counts, at_risk):
        out[col] = out[col].map(_format)
    out = out.astype({col: object for col in values}).mask(suppressed, CONFIDENTIAL)
    if truncate:
        out, suppressed = out[~thin], suppressed[~thin]
    return PublishedTable(
        frame=out,
        suppressed=suppressed,
        primary=suppressed,
        footnote=footnote(threshold, symbols=(CONFIDENTIAL,), survival=True),
        threshold=threshold,
        protection=float(threshold),
    )

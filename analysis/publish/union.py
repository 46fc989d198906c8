"""Keys and the reader's linear programme over everything a release publishes.

Each published count has a *key*. Within a table it is the table's name and the cell's labels;
the margins of a population are keyed by the population, so tables of one population (the
complaints in one rule's scope, by platform, under several options) name their shared row totals
and grand total alike. The reader's programme: every suppressed key is an unknown >= 0, every
published key a constant, each table's rows and columns add up, and a published share of two keys
bounds their ratio. Used by :class:`analysis.publish.release.Release`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from analysis.publish.disclosure import TOTAL, Layout
from analysis.publish.pattern import value_range

Key = tuple[object, ...]
#: A table's additive line over keys: the members add up to the total.
KeyLine = tuple[tuple[Key, ...], Key]
#: low * denominator <= numerator <= high * denominator, from a printed share.
Ratio = tuple[Key, Key, float, float]


class DisclosureError(RuntimeError):
    """A suppressed count of the release can be narrowed below the protection width."""


def total(population: str) -> Key:
    """The key of a population's grand total (e.g. all complaints in a rule's scope)."""
    return (population,)


def margin(population: str, dimension: str, label: object) -> Key:
    """The key of one margin of a population: e.g. ``margin("complaints", "Platform", "X")``."""
    return (population, dimension, label)


def cell_keys(name: str, shape: Layout, population: str | None) -> np.ndarray:
    """Name every grid cell: margins of a population are shared, the rest belong to the table."""
    table = shape.table
    n_rows, n_cols = table.shape
    rows, cols = table.index.name, table.columns.name
    keys = np.empty(shape.grid.shape, dtype=object)
    for i, j in np.ndindex(shape.grid.shape):
        row = table.index[i] if i < n_rows else TOTAL
        col = table.columns[j] if j < n_cols else TOTAL
        key: Key = (name, row, col)
        # A single column is the measure itself (e.g. "Complaints"): its cells are margins.
        all_rows, all_cols = i >= n_rows, j >= n_cols or n_cols == 1
        if population is not None:
            if all_rows and all_cols:
                key = total(population)
            elif all_cols and rows:
                key = margin(population, rows, row)
            elif all_rows and cols:
                key = margin(population, cols, col)
            elif rows and cols and not (all_rows or all_cols):
                key = (population, rows, row, cols, col)
        keys[i, j] = key
    return keys


def key_lines(shape: Layout, keys: np.ndarray) -> list[tuple[tuple[Key, ...], Key]]:
    """The table's additive lines over keys; [x]/[z] cells (zero in the totals) are left out."""
    out = []
    for members, total_cell in shape.lines:
        if shape.fixed[total_cell]:
            continue
        out.append((tuple(keys[c] for c in members if not shape.fixed[c]), keys[total_cell]))
    return out


def linked_keys(
    hidden: set[Key],
    lines: Sequence[tuple[tuple[Key, ...], Key]],
    ratios: Sequence[tuple[Key, Key, float, float]],
    start: set[Key],
) -> set[Key]:
    """The suppressed keys tied to ``start`` through relations with other suppressed keys.

    The reader's programme falls apart into such groups; a group with no key of a new table is
    as it was, and was already protected.
    """
    groups = [{k for k in (*members, whole) if k in hidden} for members, whole in lines] + [
        {k for k in (num, den) if k in hidden} for num, den, _, _ in ratios
    ]
    found = {k for k in start if k in hidden}
    grew = True
    while grew:
        grew = False
        for group in groups:
            if group & found and not group <= found:
                found |= group
                grew = True
    return found


def key_ranges(
    values: Mapping[Key, float],
    hidden: set[Key],
    lines: Sequence[tuple[tuple[Key, ...], Key]],
    ratios: Sequence[tuple[Key, Key, float, float]],
    keys: object,
) -> dict[Key, tuple[float, float]]:
    """Min and max of each key in ``keys`` over the reader's linear programme (relaxed)."""
    unknown = sorted(hidden, key=repr)
    if not unknown:
        return {}
    position = {k: i for i, k in enumerate(unknown)}
    # Relations without an unknown say nothing; those of other groups are left out.
    lines = [line for line in lines if any(k in position for k in (*line[0], line[1]))]
    ratios = [r for r in ratios if r[0] in position or r[1] in position]

    def row(terms: Sequence[tuple[Key, float]]) -> tuple[np.ndarray, float]:
        coeffs, rhs = np.zeros(len(unknown)), 0.0
        for key, sign in terms:
            if key in position:
                coeffs[position[key]] += sign
            else:
                rhs -= sign * values[key]
        return coeffs, rhs

    a_eq, b_eq, a_ub, b_ub = [], [], [], []
    for members, total_key in lines:
        coeffs, rhs = row([*((m, 1.0) for m in members), (total_key, -1.0)])
        if coeffs.any():
            a_eq.append(coeffs)
            b_eq.append(rhs)
    for num, den, low, high in ratios:
        for coeffs, rhs in (row([(den, low), (num, -1.0)]), row([(num, 1.0), (den, -high)])):
            if coeffs.any():
                a_ub.append(coeffs)
                b_ub.append(rhs)
    out = {}
    for key in keys:
        found = value_range(len(unknown), position[key], a_eq, b_eq, a_ub, b_ub)
        if isinstance(found, str):
            raise DisclosureError(f"the release's audit failed to solve for {key}: {found}")
        out[key] = found
    return out

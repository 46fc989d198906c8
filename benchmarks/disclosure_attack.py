"""Try to recover suppressed ([c]) counts from what the briefings publish, and nothing else.

    .venv/bin/python benchmarks/disclosure_attack.py reports/briefing-minister.html \\
        reports/briefing-union.html [reports/briefing-minister.pdf ...]

An attacker's reader, written apart from ``analysis.publish`` (it imports nothing from the
package): it reads the HTML twins' tables and chart-data attachments (and a PDF's embedded files),
takes every briefing given *together* (a reader may hold both), and:

- sets up one linear programme over every ``[c]``: each table's rows and columns add up to its
  Total; the league table's platforms add up to "All platforms"; tables with the same row labels
  and the same grand total are guessed to be one population (their row totals equal: tables of
  options with the same scope); the options table's "In scope" / "Breached" are the rule table's
  totals; the annex's rows read = rejected + left out + used, and rows used = all complaints; a
  rule's share within the deadline, when nothing was undetermined, is compliant / in scope to the
  printed whole percent;
- bounds a ``[c]`` count from below where the same row prints a share with its 95% CI: only some
  denominators give those rounded figures (Wilson or Kaplan-Meier log-log intervals);
- minimises and maximises every ``[c]``: *exact* when one whole number is left, *narrowed* when
  fewer than the threshold are (the threshold read from the footnotes);
- counts, in the chart data, published counts from 1 to threshold - 1 and exact at-risk numbers
  whose fall between rows is such a count (a curve listed complaint by complaint).

Prints one line per finding and the totals; exit status 1 when anything was recovered.
"""

from __future__ import annotations

import argparse
import base64
import csv
import io
import math
import re
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
from scipy.optimize import linprog

HIDDEN = "[c]"
ZERO_SYMBOLS = ("[x]", "[z]")
Z = 1.959964


@dataclass
class Table:
    caption: str
    header: list[str]
    rows: list[list[str]]  # first entry of each row is its label

    def cell(self, row: str, column: str) -> str | None:
        if column not in self.header:
            return None
        j = self.header.index(column)
        for r in self.rows:
            if r[0] == row and j < len(r):
                return r[j]
        return None


@dataclass
class Published:
    """What one or more briefings put in a reader's hands."""

    tables: list[tuple[str, Table]] = field(default_factory=list)  # (briefing, table)
    charts: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    threshold: int = 10


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[Table] = []
        self.csvs: dict[str, str] = {}
        self.text: list[str] = []
        self._table: Table | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._caption: list[str] | None = None
        self._head = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table":
            self._table = Table("", [], [])
        elif tag == "caption":
            self._caption = []
        elif tag == "thead":
            self._head = True
        elif tag == "tr" and self._table is not None:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag == "a" and (a.get("href") or "").startswith("data:text/csv;base64,"):
            name = a.get("download") or f"chart-{len(self.csvs)}.csv"
            payload = (a.get("href") or "").split(",", 1)[1]
            self.csvs[name] = base64.b64decode(payload).decode("utf-8")

    def handle_endtag(self, tag: str) -> None:
        if tag == "caption" and self._caption is not None and self._table is not None:
            self._table.caption = " ".join("".join(self._caption).split())
            self._caption = None
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None and self._table is not None:
            if self._head and not self._table.header:
                self._table.header = self._row
            else:
                self._table.rows.append(self._row)
            self._row = None
        elif tag == "thead":
            self._head = False
        elif tag == "table" and self._table is not None:
            self.tables.append(self._table)
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        elif self._caption is not None:
            self._caption.append(data)
        else:
            self.text.append(data)


def read(paths: Iterable[Path]) -> Published:
    """Tables and chart data of HTML briefings; embedded CSV files of PDF briefings."""
    out = Published()
    thresholds = []
    for path in paths:
        if path.suffix.lower() == ".pdf":
            from pypdf import PdfReader

            for name, blobs in PdfReader(path).attachments.items():
                for blob in blobs:
                    out.charts[f"{path.name}:{name}"] = _csv(blob.decode("utf-8"))
            continue
        reader = _Reader()
        reader.feed(path.read_text(encoding="utf-8"))
        out.tables += [(path.name, t) for t in reader.tables]
        for name, text in reader.csvs.items():
            out.charts[f"{path.name}:{name}"] = _csv(text)
        words = " ".join(reader.text) + " ".join(
            c for t in reader.tables for r in t.rows for c in r
        )
        thresholds += [int(m) + 1 for m in re.findall(r"counts from [01] to (\d+)", words)]
    out.threshold = min(thresholds) if thresholds else 10
    return out


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _count(text: str | None) -> float | None:
    """A printed count, 0 for [x]/[z], None for [c] or for anything that is not a count."""
    if text is None:
        return None
    if text in ZERO_SYMBOLS:
        return 0.0
    if re.fullmatch(r"\d{1,3}(,\d{3})*", text):
        return float(text.replace(",", ""))
    return None


def _is_count(text: str) -> bool:
    return text == HIDDEN or _count(text) is not None


# -- the reader's model --------------------------------------------------------------------------

Cell = tuple[str, str, str]  # (table caption, row label, column label)


class Model:
    """Cells (merged where the reader takes two to be the same count) and linear relations."""

    def __init__(self) -> None:
        self.parent: dict[Cell, Cell] = {}
        self.value: dict[Cell, float] = {}
        self.hidden: list[tuple[str, Cell]] = []  # every [c] as printed: (briefing, cell)
        self.sums: list[tuple[list[Cell], Cell]] = []
        self.ratios: list[tuple[Cell, Cell, float, float]] = []  # low*den <= num <= high*den
        self.floor: dict[Cell, float] = {}

    def find(self, c: Cell) -> Cell:
        self.parent.setdefault(c, c)
        while self.parent[c] != c:
            self.parent[c] = self.parent[self.parent[c]]
            c = self.parent[c]
        return c

    def add(self, briefing: str, cell: Cell, text: str) -> None:
        self.find(cell)
        if text == HIDDEN:
            self.hidden.append((briefing, cell))
        else:
            value = _count(text)
            if value is not None:
                self.value[cell] = value

    def same(self, a: Cell, b: Cell) -> bool:
        """Merge two cells the reader takes to be one count, unless the print contradicts it."""
        ra, rb = self.find(a), self.find(b)
        va, vb = self._known(ra), self._known(rb)
        if va is not None and vb is not None and va != vb:
            return False
        self.parent[ra] = rb
        return True

    def _known(self, root: Cell) -> float | None:
        for cell, v in self.value.items():
            if self.find(cell) == root:
                return v
        return None


def build(pub: Published) -> Model:
    m = Model()
    count_tables: list[Table] = []
    for briefing, t in pub.tables:
        for r in t.rows:
            for col, text in zip(t.header[1:], r[1:], strict=False):
                if _is_count(text):
                    m.add(briefing, (t.caption, r[0], col), text)
        if _table_sums(m, t):
            count_tables.append(t)
        _league(m, t)
        _annex(m, t)
    _same_population(m, count_tables)
    _options(m, [t for _, t in pub.tables])
    _share_floors(m, [t for _, t in pub.tables])
    return m


def _table_sums(m: Model, t: Table) -> bool:
    labels = [r[0] for r in t.rows]
    total_col = bool(t.header) and t.header[-1] == "Total"
    total_row = bool(labels) and labels[-1] == "Total"
    if not (total_col or total_row):
        return False
    body = [r for r in t.rows if all(_is_count(c) for c in r[1:])]
    if len(body) != len(t.rows):
        return False
    cols = t.header[1:]
    if total_col:
        for r in t.rows:
            m.sums.append(([(t.caption, r[0], c) for c in cols[:-1]], (t.caption, r[0], cols[-1])))
    if total_row:
        for c in cols:
            m.sums.append(([(t.caption, lab, c) for lab in labels[:-1]], (t.caption, "Total", c)))
    return True


def _league(m: Model, t: Table) -> None:
    labels = [r[0] for r in t.rows]
    if "Complaints" in t.header and "All platforms" in labels and len(labels) > 2:
        others = [(t.caption, lab, "Complaints") for lab in labels if lab != "All platforms"]
        m.sums.append((others, (t.caption, "All platforms", "Complaints")))


def _annex(m: Model, t: Table) -> None:
    labels = [r[0] for r in t.rows]
    if "Rows read" not in labels or "Rows used" not in labels:
        return
    parts = [
        lab
        for lab in labels
        if lab == "Rows rejected by validation" or lab.startswith("Valid rows")
    ]
    m.sums.append(
        (
            [(t.caption, lab, "Value") for lab in [*parts, "Rows used"]],
            (t.caption, "Rows read", "Value"),
        )
    )


def _grand(m: Model, t: Table) -> float | None:
    return m.value.get((t.caption, "Total", "Total")) or m.value.get(
        (t.caption, "Total", t.header[-1])
    )


def _same_population(m: Model, tables: Sequence[Table]) -> None:
    """Tables with the same row labels and grand total: one population, same row totals."""
    groups: dict[tuple, list[Table]] = defaultdict(list)
    for t in tables:
        if t.header[-1] != "Total":
            continue
        groups[(tuple(r[0] for r in t.rows), _grand(m, t))].append(t)
    for (labels, grand), members in groups.items():
        if grand is None or len(members) < 2:
            continue
        first = members[0]
        for other in members[1:]:
            for lab in labels:
                m.same((first.caption, lab, "Total"), (other.caption, lab, "Total"))


def _options(m: Model, tables: Sequence[Table]) -> None:
    """The options table's in-scope and breached counts are each rule table's totals."""
    for t in tables:
        if "In scope" not in t.header or "Breached" not in t.header:
            continue
        for r in t.rows:
            rule = next((u for u in tables if u.caption.startswith(f"{r[0]}: ")), None)
            if rule is None:
                continue
            m.same((t.caption, r[0], "In scope"), (rule.caption, "Total", "Total"))
            m.same((t.caption, r[0], "Breached"), (rule.caption, "Total", "Breached"))
            share = re.match(r"(\d+)%", t.cell(r[0], "Share within deadline") or "")
            if share and rule.cell("Total", "Undetermined") == "0":
                p = float(share.group(1))
                num, den = (rule.caption, "Total", "Compliant"), (rule.caption, "Total", "Total")
                m.ratios.append((num, den, (p - 0.5) / 100, (p + 0.5) / 100))


def _share_ci(text: str) -> tuple[float, float, float] | None:
    found = re.fullmatch(r"(\d+)% \(95% CI (\d+)% to (\d+)%\)", text)
    return tuple(float(x) for x in found.groups()) if found else None  # type: ignore[return-value]


def denominators(p: float, lo: float, hi: float, up_to: int = 2000) -> list[int]:
    """Numbers n for which some k/n and its 95% CI print as p% (lo% to hi%), +-1 point."""
    found = []
    for n in range(1, up_to + 1):
        for k in range(max(0, math.floor((p - 0.5) * n / 100)), math.ceil((p + 0.5) * n / 100) + 1):
            if k > n or round(100 * k / n) != p:
                continue
            if any(
                abs(a - lo) <= 1 and abs(b - hi) <= 1 for a, b in (_wilson(k, n), _loglog(k, n))
            ):
                found.append(n)
                break
    return found


def _wilson(k: int, n: int) -> tuple[float, float]:
    q = k / n
    centre = (q + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z * math.sqrt(q * (1 - q) / n + Z * Z / (4 * n * n)) / (1 + Z * Z / n)
    return 100 * (centre - half), 100 * (centre + half)


def _loglog(k: int, n: int) -> tuple[float, float]:
    """CI of 1 - S for a Kaplan-Meier S with k events among n and no censoring (log-log)."""
    s = (n - k) / n
    if s in (0.0, 1.0):
        return (100.0 * (1 - s), 100.0 * (1 - s))
    se = math.sqrt(k / (n * (n - k))) / abs(math.log(s))
    a, b = s ** math.exp(Z * se), s ** math.exp(-Z * se)
    return 100 * (1 - b), 100 * (1 - a)


def _share_floors(m: Model, tables: Sequence[Table]) -> None:
    """A [c] count whose row prints shares with CIs is at least the smallest fitting n."""
    for t in tables:
        if "Complaints" not in t.header:
            continue
        for r in t.rows:
            if t.cell(r[0], "Complaints") != HIDDEN:
                continue
            fits = None
            for text in r[1:]:
                parsed = _share_ci(text)
                if parsed:
                    ns = set(denominators(*parsed))
                    fits = ns if fits is None else fits & ns
            if fits:
                m.floor[(t.caption, r[0], "Complaints")] = float(min(fits))


# -- solving -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    briefing: str
    cell: Cell
    low: float
    high: float

    @property
    def values(self) -> int:
        """How many whole numbers the cell can still be."""
        if math.isinf(self.high):
            return sys.maxsize
        return max(0, math.floor(self.high + 1e-6) - math.ceil(self.low - 1e-6) + 1)


def solve(m: Model) -> list[Finding]:
    roots = sorted({m.find(c) for _, c in m.hidden})
    values = {m.find(c): v for c, v in m.value.items()}
    unknown = [r for r in roots if r not in values]
    pos = {r: i for i, r in enumerate(unknown)}

    def row(terms: Sequence[tuple[Cell, float]]) -> tuple[np.ndarray, float] | None:
        coeffs, rhs = np.zeros(len(unknown)), 0.0
        for cell, sign in terms:
            root = m.find(cell)
            if root in pos:
                coeffs[pos[root]] += sign
            elif root in values:
                rhs -= sign * values[root]
            else:
                return None  # a cell the reader has no handle on (e.g. an unparsed total)
        return coeffs, rhs

    a_eq, b_eq, a_ub, b_ub = [], [], [], []
    for members, total in m.sums:
        got = row([*((c, 1.0) for c in members), (total, -1.0)])
        if got and got[0].any():
            a_eq.append(got[0])
            b_eq.append(got[1])
    for num, den, low, high in m.ratios:
        for terms in ([(den, low), (num, -1.0)], [(num, 1.0), (den, -high)]):
            got = row(terms)
            if got and got[0].any():
                a_ub.append(got[0])
                b_ub.append(got[1])
    floors = defaultdict(float)
    for cell, f in m.floor.items():
        floors[m.find(cell)] = max(floors[m.find(cell)], f)
    bounds = [(floors[r], None) for r in unknown]
    kw: dict[str, object] = {"bounds": bounds, "method": "highs"}
    if a_eq:
        kw.update(A_eq=np.array(a_eq), b_eq=b_eq)
    if a_ub:
        kw.update(A_ub=np.array(a_ub), b_ub=b_ub)
    ranges = {}
    for r in unknown:
        c = np.zeros(len(unknown))
        c[pos[r]] = 1.0
        lo, hi = linprog(c, **kw), linprog(-c, **kw)
        if lo.status != 0:  # a guessed population was wrong after all: say so, claim nothing
            ranges[r] = (0.0, math.inf)
            continue
        ranges[r] = (lo.fun, math.inf if hi.status == 3 else -hi.fun)
    out = []
    for briefing, cell in m.hidden:
        root = m.find(cell)
        low, high = (values[root], values[root]) if root in values else ranges[root]
        out.append(Finding(briefing, cell, low, high))
    return out


def chart_leaks(pub: Published) -> list[str]:
    """Counts from 1 to threshold - 1 in chart data, given or implied by exact at-risk numbers."""
    t = pub.threshold
    found = []
    for name, rows in pub.charts.items():
        if not rows:
            continue
        for col in rows[0]:
            if col not in ("at_risk", "events", "censored", "complaints", "count", "n"):
                continue
            numbers = [_float(r[col]) for r in rows]
            small = [v for v in numbers if v is not None and 0 < v < t]
            if small:
                found.append(f"{name}: {len(small)} value(s) of {col} from 1 to {t - 1}")
            exact = [v for v in numbers if v is not None]
            if col == "at_risk" and "complaints" in rows[0]:
                gone = [(_float(r["complaints"]) or 0) - (_float(r[col]) or 0) for r in rows]
                if any(0 < g < t for g in gone):
                    found.append(f"{name}: complaints - at_risk from 1 to {t - 1}")
            if col == "at_risk" and exact and not all(v % 5 == 0 for v in exact):
                group = [r.get("platform", "") for r in rows]
                falls = [
                    numbers[i - 1] - numbers[i]
                    for i in range(1, len(rows))
                    if group[i] == group[i - 1] and None not in (numbers[i - 1], numbers[i])
                ]
                small_falls = [f for f in falls if 0 < f < t]
                if small_falls:
                    found.append(
                        f"{name}: {len(small_falls)} fall(s) in exact at_risk from 1 to {t - 1} "
                        f"({len(rows)} rows: the curve, complaint by complaint)"
                    )
    return found


def _float(text: str) -> float | None:
    try:
        v = float(text)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(v) else v


@dataclass(frozen=True)
class Result:
    cells: int
    exact: list[Finding]
    narrowed: list[Finding]
    charts: list[str]
    threshold: int


def attack(paths: Iterable[Path]) -> Result:
    pub = read(paths)
    findings = solve(build(pub))
    exact = [f for f in findings if f.values <= 1]
    narrowed = [f for f in findings if 1 < f.values < pub.threshold]
    return Result(len(findings), exact, narrowed, chart_leaks(pub), pub.threshold)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path, help="briefing HTML (and PDF) files")
    args = parser.parse_args(argv)
    result = attack(args.files)
    for f in result.exact:
        print(f"exact     {f.briefing}: {f.cell} = {f.low:g}")
    for f in result.narrowed:
        print(
            f"narrowed  {f.briefing}: {f.cell} in {f.low:.1f} to {f.high:.1f} ({f.values} values)"
        )
    for line in result.charts:
        print(f"chart     {line}")
    print(
        f"{result.cells} [c] cells (threshold {result.threshold}): {len(result.exact)} recovered "
        f"exactly, {len(result.narrowed)} narrowed to fewer than {result.threshold} values; "
        f"{len(result.charts)} chart-data leak(s)"
    )
    return 1 if result.exact or result.narrowed or result.charts else 0


if __name__ == "__main__":
    raise SystemExit(main())

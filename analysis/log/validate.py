"""Validating a complaint log: every row is either valid or rejected with its reasons; none is lost.

``rows_read == n_valid + n_rejected`` always holds. A rejected row is kept, as it was read, with one
line per problem: its source row number (as the log's keeper sees it), the column, a short code and a
plain-English reason (with the nearest valid value when a value is misspelt). The valid rows are
returned in the contract's canonical form and checked against :data:`VALIDATED_SCHEMA`.
"""

from __future__ import annotations

import contextlib
import difflib
import importlib
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analysis.log.allowed_values import CATEGORIES
from analysis.log.contract import COLUMNS, FIELD_BY_NAME, FIELDS, VALIDATED_SCHEMA, VALUE_ALIASES
from analysis.log.dates import parse_as_of, parse_timestamps
from analysis.log.problems import REASONS, Problems, as_read
from analysis.log.reader import RawLog, read_log
from analysis.log.timeline import check_timeline

_CATEGORY_SEPARATORS = r"[;,|]"
_FULL_SCHEMA_CHECK_ROWS = 100_000  # above this, pandera re-checks a random sample of ...
_SCHEMA_SAMPLE_ROWS = 20_000  # ... this many rows (the checks above cover every row)


@dataclass
class ValidationResult:
    """What validation found. ``valid`` is indexed by source row; ``rejected`` has one line per problem."""

    valid: pd.DataFrame
    rejected: pd.DataFrame
    rejected_rows: pd.DataFrame  # rejected rows as read, indexed by source row
    rows_read: int
    as_of: pd.Timestamp
    path: Path | None = None
    sha256: str | None = None
    ignored_columns: list[str] = field(default_factory=list)
    blank_rows: int = 0

    @property
    def n_valid(self) -> int:
        return len(self.valid)

    @property
    def n_rejected(self) -> int:
        return len(self.rejected_rows)

    def counts_by_reason(self) -> pd.DataFrame:
        """Rejected rows per reason (a row with two reasons counts under both)."""
        counts = self.rejected.groupby("code")["source_row"].nunique()
        table = pd.DataFrame({"code": list(REASONS), "reason": list(REASONS.values())}).assign(
            rows=lambda t: t["code"].map(counts).fillna(0).astype(int)
        )
        return table[table["rows"] > 0].reset_index(drop=True)


def _norm(value: str) -> str:
    return " ".join(value.lower().split())


def _vocabulary(name: str) -> dict[str, str]:
    """Normalised spelling -> canonical value, for one categorical field."""
    allowed = {_norm(v): v for v in FIELD_BY_NAME[name].values}
    allowed.update({_norm(k): v for k, v in VALUE_ALIASES.get(name, {}).items()})
    return allowed


def _unknown_reason(name: str, raw: str) -> str:
    values = FIELD_BY_NAME[name].values
    vocab = _vocabulary(name)
    close = difflib.get_close_matches(_norm(raw), list(vocab), n=1, cutoff=0.6)
    hint = f"; did you mean {vocab[close[0]]!r}?" if close else ""
    label = "category" if name == "categories" else name.replace("_", " ")
    return f"{raw!r} is not an allowed {label} ({', '.join(values)}){hint}"


def _text(raw: pd.DataFrame, name: str) -> pd.Series:
    """A text column stripped, with empty cells as missing; absent optional columns are all missing."""
    if name not in raw:
        return pd.Series(None, index=raw.index, dtype=object)
    values = raw[name]
    if not isinstance(values.dtype, pd.ArrowDtype) and values.isna().all():
        return pd.Series(np.full(len(raw), None, dtype=object), index=raw.index)  # no free text
    if isinstance(values.dtype, pd.ArrowDtype):  # read as Arrow text: no conversion
        stripped = pc.utf8_trim_whitespace(pa.array(values))
        stripped = pc.if_else(pc.equal(stripped, ""), None, stripped)
        return pd.Series(stripped.to_numpy(zero_copy_only=False), index=values.index, dtype=object)
    if pd.api.types.infer_dtype(values, skipna=True) not in ("string", "empty"):
        values = values.map(lambda v: None if pd.isna(v) else str(v))
    stripped = pc.utf8_trim_whitespace(pa.array(values, type=pa.string(), from_pandas=True))
    stripped = pc.if_else(pc.equal(stripped, ""), None, stripped)
    return pd.Series(stripped.to_numpy(zero_copy_only=False), index=values.index, dtype=object)


class _Distinct:
    """A short, repetitive column worked through its distinct values: each is stripped, mapped and
    explained once, then spread back over the rows (a million-row log has a few dozen platforms)."""

    def __init__(self, raw: pd.DataFrame, name: str) -> None:
        column = raw[name] if name in raw else pd.Series(None, index=raw.index, dtype=object)
        self.codes, uniques = pd.factorize(column, use_na_sentinel=True)
        self.values = [
            None if pd.isna(u) or not str(u).strip() else str(u).strip() for u in uniques
        ]
        self.index = raw.index

    def take(self, per_value: list, missing: object = None) -> pd.Series:
        """Per-row Series from one result per distinct value (``missing`` for empty cells)."""
        dtype = bool if isinstance(missing, bool) else object
        lookup = np.array([*per_value, missing], dtype=dtype)
        return pd.Series(lookup[self.codes], index=self.index, dtype=dtype)

    def empty(self) -> pd.Series:
        return self.take([v is None for v in self.values], missing=True)


def _check_duplicates(raw: pd.DataFrame, ids: pd.Series, problems: Problems) -> None:
    """Exact copies of a row: keep the first, reject the copies. Different rows sharing an id: reject all."""
    present = ids.notna()
    # Distinct hashes mean distinct ids (equal ids hash equally): on a million ids, hashing and
    # sorting the hashes takes half the time of pandas' duplicate search, only needed when two collide.
    hashes = np.sort(pd.util.hash_array(ids.to_numpy()[present.to_numpy()], categorize=False))
    if not (hashes[1:] == hashes[:-1]).any():
        return
    dup = present & ids.duplicated(keep=False)
    if not dup.any():
        return
    reasons = pd.Series(None, index=ids.index, dtype=object)
    for cid, group in as_read(raw[dup]).astype(str).groupby(ids[dup], sort=False):
        first = group.index[0]
        if len(group.drop_duplicates()) == 1:
            for row in group.index[1:]:
                reasons[row] = f"exact duplicate of row {first} (the same complaint entered twice)"
        else:
            for row in group.index:
                others = ", ".join(str(r) for r in group.index if r != row)
                reasons[row] = f"complaint id {cid!r} is also used on row(s) {others}"
    problems.add(reasons.notna(), "complaint_id", "duplicate_id", reasons)


def _categorical(column: _Distinct, name: str, problems: Problems) -> pd.Series:
    vocab = _vocabulary(name)
    canonical = [None if v is None else vocab.get(_norm(v)) for v in column.values]
    unknown = [v is not None and c is None for v, c in zip(column.values, canonical, strict=True)]
    if any(unknown):
        reasons = [
            _unknown_reason(name, v) if bad else None
            for v, bad in zip(column.values, unknown, strict=True)
        ]
        problems.add(
            column.take(unknown, missing=False), name, "unknown_value", column.take(reasons)
        )
    return column.take(canonical)


def _categories(column: _Distinct, problems: Problems) -> pd.Series:
    vocab = _vocabulary("categories")
    order = {c: i for i, c in enumerate(CATEGORIES)}
    canonical: list[str | None] = []
    reasons: list[str | None] = []
    for value in column.values:
        parts = [p.strip() for p in re.split(_CATEGORY_SEPARATORS, value or "") if p.strip()]
        mapped = [vocab.get(_norm(p)) for p in parts]
        bad = [p for p, m in zip(parts, mapped, strict=True) if m is None]
        if value is not None and (bad or not parts):
            canonical.append(None)
            reasons.append(
                "; ".join(_unknown_reason("categories", b) for b in bad) or "no category given"
            )
        else:
            canonical.append(
                ";".join(sorted(set(mapped), key=order.__getitem__)) if parts else None
            )
            reasons.append(None)
    unknown = column.take([r is not None for r in reasons], missing=False)
    problems.add(unknown, "categories", "unknown_value", column.take(reasons))
    return column.take(canonical)


def _timestamp(raw: pd.DataFrame, name: str, problems: Problems) -> tuple[pd.Series, pd.Series]:
    """Parsed timestamps and, for the required-field check, which cells were empty."""
    if name not in raw:
        return pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns]"), pd.Series(
            True, index=raw.index
        )
    stamps, errors = parse_timestamps(raw[name])
    bad = errors.dropna()
    empty = stamps.isna()
    if bad.empty:
        return stamps, empty
    empty[bad.index] = False  # a bad date is not an empty cell
    codes = pd.Series("bad_date", index=bad.index)
    codes[bad.str.startswith("looks like a US-style")] = "us_date"
    codes[bad.str.startswith("ambiguous date")] = "ambiguous_date"
    for code in ("us_date", "ambiguous_date", "bad_date"):
        problems.add((codes == code).reindex(errors.index, fill_value=False), name, code, errors)
    return stamps, empty


def validate_frame(raw_log: RawLog, as_of: pd.Timestamp) -> ValidationResult:
    """Validate a log already read by :func:`analysis.log.reader.read_log`."""
    raw = raw_log.frame
    ids = _text(raw, "complaint_id")
    problems = Problems(raw, ids)

    distinct = {
        f.name: _Distinct(raw, f.name) for f in FIELDS if f.dtype in ("category", "categories")
    }
    texts = {
        f.name: ids if f.name == "complaint_id" else _text(raw, f.name)
        for f in FIELDS
        if f.dtype == "string"
    }
    empty: dict[str, pd.Series] = {name: text.isna() for name, text in texts.items()}
    empty.update({name: column.empty() for name, column in distinct.items()})
    clean: dict[str, pd.Series] = {}
    for f in FIELDS:
        if f.dtype == "timestamp":
            clean[f.name], empty[f.name] = _timestamp(raw, f.name, problems)
        elif f.dtype == "categories":
            clean[f.name] = _categories(distinct[f.name], problems)
        elif f.dtype == "category":
            clean[f.name] = _categorical(distinct[f.name], f.name, problems)
        else:
            clean[f.name] = texts[f.name]

    for f in FIELDS:
        if f.required:
            problems.add(
                empty[f.name], f.name, "missing_required", f"{f.name} is required but empty"
            )
    if raw_log.malformed:
        reasons = pd.Series(raw_log.malformed, dtype=object).reindex(raw.index)
        problems.add(reasons.notna(), "(whole row)", "malformed_row", reasons)
    _check_duplicates(raw, ids, problems)
    check_timeline(clean, as_of, problems)

    found = problems.frame()
    bad_rows = pd.Index(found["source_row"].unique())
    clean["escalation"] = clean["escalation"].fillna("none")
    valid = pd.DataFrame({name: clean[name] for name in COLUMNS}, copy=False)
    if len(bad_rows):
        valid = valid.drop(index=bad_rows)
    # The checks above guarantee the contract; pandera re-checks it, on a large sample for big logs.
    big = len(valid) > _FULL_SCHEMA_CHECK_ROWS
    VALIDATED_SCHEMA.validate(
        valid, sample=_SCHEMA_SAMPLE_ROWS if big else None, random_state=0, inplace=True
    )
    return ValidationResult(
        valid=valid,
        rejected=found,
        # (an empty .loc costs ~30 ms on a million rows; the empty frame is the same)
        rejected_rows=as_read(
            raw.loc[bad_rows] if len(bad_rows) else raw.iloc[:0].set_axis(bad_rows)
        ),
        rows_read=len(raw),
        as_of=as_of,
        path=raw_log.path,
        sha256=raw_log.sha256,
        ignored_columns=raw_log.ignored_columns,
        blank_rows=raw_log.blank_rows,
    )


def validate(raw_log: RawLog, as_of: str | pd.Timestamp | None = None) -> ValidationResult:
    """Validate a read log against an extract date (default: now)."""
    return validate_frame(raw_log, parse_as_of(as_of))


def validate_file(path: str | Path, as_of: str | pd.Timestamp | None = None) -> ValidationResult:
    """Read and validate a complaint log; raises :class:`NotAComplaintLog` for a file that is not one."""
    # pandera imports its check backends (and hypothesis) on first use, about 0.3 s: on a thread,
    # that overlaps with Arrow reading the file, which releases the GIL.
    warm = threading.Thread(target=_import_schema_checks, daemon=True)
    warm.start()
    raw_log = read_log(path, arrow_text=True)
    warm.join()
    return validate(raw_log, as_of)


def _import_schema_checks() -> None:
    with contextlib.suppress(ImportError):  # a pandera without this module imports on first use
        importlib.import_module("pandera.backends.pandas.builtin_checks")

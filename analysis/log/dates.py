"""Dates in complaint logs: ISO and UK forms parse; US-style and ambiguous forms are errors, never guesses.

Accepted: ``2021-11-05``, ``2021-11-05 14:30``, ``2021-11-05T14:30:00``, with an optional UTC offset
(``Z``, ``+01:00``), and UK day-first ``05/11/2021``, ``5/11/2021 14:30`` (``/``, ``.`` or ``-``
separators). Spreadsheet cells that are already dates are taken as they are.

Rejected, with the reason in plain English: a month above 12 where the day would fit
(``11/25/2021``: US style), a two-digit year (``05/11/21``), and - because a file that holds one US-style
date may hold others that merely look UK-style - every day-first date in that column whose day and month
are both 12 or less and differ. Offsets are converted to UK local time and dropped, so every timestamp
in a validated log is naive UK local time.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

UK_TZ = "Europe/London"

_ISO = (
    r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:[T ](?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.\d+)?)?)?"
    r"\s*(?P<tz>Z|[+-]\d{2}:?\d{2})?$"
)
_UK = (
    r"^(?P<d>\d{1,2})[/.\-](?P<m>\d{1,2})[/.\-](?P<y>\d{4})"
    r"(?:[ T,]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?$"
)
_TWO_DIGIT_YEAR = r"^\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2}(?:\s.*)?$"

EXPECTED = "expected yyyy-mm-dd [hh:mm] or dd/mm/yyyy [hh:mm]"
#: Years a timestamp can hold (pandas' nanosecond range ends in 1677 and 2262): a date outside is
#: reported as out of range, per cell, rather than overflowing for the whole file.
_YEARS = (1678, 2261)


def out_of_range(year: object) -> str:
    """The reason given for a date whose year no log can mean (9999-12-31, 0001-01-01)."""
    return f"year {year} is out of range: a date must fall between 2000-01-01 and the extract date"


def _assemble(parts: pd.DataFrame) -> pd.Series:
    """Timestamps from extracted string parts; impossible dates (31/02) become NaT."""
    nums = {
        key: pd.to_numeric(parts[col], errors="coerce").fillna(0 if col in "HMS" else np.nan)
        for key, col in (
            ("year", "y"),
            ("month", "m"),
            ("day", "d"),
            ("hour", "H"),
            ("minute", "M"),
            ("second", "S"),
        )
    }
    frame = pd.DataFrame(nums, index=parts.index)
    bad = (frame["hour"] > 23) | (frame["minute"] > 59) | (frame["second"] > 59)
    frame.loc[bad, "month"] = 13  # forces NaT: an impossible time is an impossible timestamp
    return pd.to_datetime(frame, errors="coerce")


def _from_datetimes(values: pd.Series, errors: pd.Series) -> pd.Series:
    """Spreadsheet or Parquet datetimes (possibly tz-aware) as naive UK local time; a year no
    timestamp can hold (9999) is NaT with its reason in ``errors``."""
    converted = []
    for label, value in values.items():
        if isinstance(value, np.datetime64):
            year = int(value.astype("datetime64[Y]").astype(np.int64)) + 1970
        else:
            year = value.year
        if not _YEARS[0] <= year <= _YEARS[1]:
            errors[label] = out_of_range(year)
            converted.append(pd.NaT)
            continue
        ts = pd.Timestamp(value)
        if ts.tzinfo is not None:
            ts = ts.tz_convert(UK_TZ).tz_localize(None)
        converted.append(ts)
    return pd.Series(converted, index=values.index, dtype="datetime64[ns]")


def _is_missing(value: object) -> bool:
    """An empty spreadsheet or Parquet cell: None, NaN, NaT or NA (but not a list or text)."""
    return (
        value is None
        or value is pd.NaT
        or value is pd.NA
        or (isinstance(value, float | np.floating) and np.isnan(value))
    )


def _not_a_date(value: object) -> str:
    """Why a spreadsheet or Parquet cell that is neither text nor a date is not a date."""
    if isinstance(value, bool | np.bool_):
        return "true/false, not a date (" + EXPECTED + ")"
    if isinstance(value, int | float | np.number):
        return "a number, not a date (" + EXPECTED + ")"
    if isinstance(value, dt.time):
        return "a time of day with no date (" + EXPECTED + ")"
    if isinstance(value, dt.timedelta | np.timedelta64):
        return "a duration, not a date (" + EXPECTED + ")"
    return f"not a date (a {type(value).__name__} value; " + EXPECTED + ")"


def parse_timestamps(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse a column of raw values.

    Returns ``(timestamps, errors)``: ``timestamps`` is datetime64 with NaT for empty or bad values;
    ``errors`` holds a plain-English reason for each bad value and None elsewhere. Empty cells are not
    errors here: whether a field is required is the validator's business.
    """
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    errors = pd.Series(None, index=values.index, dtype=object)
    if pd.api.types.is_datetime64_any_dtype(values):
        dt_values = values
        if getattr(values.dt, "tz", None) is not None:
            dt_values = values.dt.tz_convert(UK_TZ).dt.tz_localize(None)
        return dt_values.astype("datetime64[ns]"), errors

    rows = np.arange(len(values))  # positions of the cells read as text
    if isinstance(values.dtype, pd.ArrowDtype):  # text as read by Arrow: no conversion
        arrow = pa.array(values)
    elif pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty"):
        arrow = pa.array(values.astype(object), type=pa.string(), from_pandas=True)
    else:  # spreadsheet cells: a mix of dates, text, numbers and other types
        missing = values.map(_is_missing).astype(bool)
        is_dt = values.map(lambda v: isinstance(v, dt.date | np.datetime64)).astype(bool) & ~missing
        is_text = values.map(lambda v: isinstance(v, str)).astype(bool)
        if is_dt.any():
            out[is_dt] = _from_datetimes(values[is_dt], errors)
        other = values[~is_dt & ~is_text & ~missing]
        errors[other.index] = other.map(_not_a_date)
        rows = np.flatnonzero(is_text.to_numpy())
        arrow = pa.array(values.iloc[rows].astype(object), type=pa.string())
    trimmed = pc.utf8_trim_whitespace(arrow)
    present = pc.fill_null(pc.not_equal(trimmed, ""), False).to_numpy(zero_copy_only=False)
    cells = trimmed.filter(pa.array(present)).to_numpy(zero_copy_only=False)
    if not len(cells):
        return out, errors

    # Fast path: the shapes our own exports and most systems write. Worked on numpy arrays by
    # position (label lookups on a million-row index cost more than the parsing).
    rows = rows[present]
    stamps = out.to_numpy(copy=True)
    for fmt in ("%Y-%m-%d %H:%M", "%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y", "%d/%m/%Y %H:%M"):
        parsed = pd.to_datetime(cells, format=fmt, errors="coerce")
        hit = parsed.notna()
        stamps[rows[hit]] = parsed[hit]
        cells, rows = cells[~hit], rows[~hit]
        if not len(cells):
            break
    out = pd.Series(stamps, index=values.index)
    text = pd.Series(cells, index=values.index[rows], dtype=object)

    if not text.empty:  # US-style dates, the only reason to doubt others, come from here
        _parse_slow(text, out, errors)
        _reject_ambiguous_day_first(values, out, errors)
    return out, errors


def _parse_slow(text: pd.Series, out: pd.Series, errors: pd.Series) -> None:
    """Regex route for everything the fast formats did not take; fills ``out`` and ``errors``."""
    iso = text.str.extract(_ISO)
    is_iso = iso["y"].notna()
    if is_iso.any():
        parts = iso[is_iso]
        naive = parts["tz"].isna()
        stamps = _assemble(parts)
        if (~naive).any():
            with_tz = pd.to_datetime(
                text[is_iso][~naive], utc=True, errors="coerce", format="ISO8601"
            )
            stamps[~naive] = with_tz.dt.tz_convert(UK_TZ).dt.tz_localize(None)
        good = stamps.notna()
        out[good[good].index] = stamps[good]
        _explain_unreal(parts["y"][good[~good].index], errors)

    rest = text[~is_iso]
    uk = rest.str.extract(_UK)
    is_uk = uk["y"].notna()
    if is_uk.any():
        parts = uk[is_uk]
        day = pd.to_numeric(parts["d"])
        month = pd.to_numeric(parts["m"])
        us_style = (month > 12) & (day <= 12)
        errors[us_style[us_style].index] = (
            "looks like a US-style date (month/day/year); write it as dd/mm/yyyy or yyyy-mm-dd"
        )
        stamps = _assemble(parts[~us_style])
        good = stamps.notna()
        out[good[good].index] = stamps[good]
        _explain_unreal(parts["y"][good[~good].index], errors)

    other = rest[~is_uk]
    two_digit = other.str.match(_TWO_DIGIT_YEAR)
    errors[two_digit[two_digit].index] = (
        "ambiguous date: two-digit year; write the year in full (dd/mm/yyyy or yyyy-mm-dd)"
    )
    errors[two_digit[~two_digit].index] = "not a date (" + EXPECTED + ")"


def _explain_unreal(years: pd.Series, errors: pd.Series) -> None:
    """Reasons for dates that did not make a timestamp: a year no log can mean, or an impossible
    day or time (31/02, 25:61)."""
    year = pd.to_numeric(years)
    far = (year < _YEARS[0]) | (year > _YEARS[1])
    errors[year.index[~far]] = "not a real date or time (" + EXPECTED + ")"
    errors[year.index[far]] = year[far].map(out_of_range)


def _reject_ambiguous_day_first(values: pd.Series, out: pd.Series, errors: pd.Series) -> None:
    """Where a column holds a US-style date, its day-first dates with day, month <= 12 are guesses."""
    reasons = errors.dropna()
    if not reasons.str.startswith("looks like a US-style date").any():
        return
    text = values.astype("string").str.strip()
    parts = text.str.extract(_UK)
    is_uk = parts["y"].notna()
    day = pd.to_numeric(parts["d"], errors="coerce")
    month = pd.to_numeric(parts["m"], errors="coerce")
    ambiguous = is_uk & (day <= 12) & (month <= 12) & (day != month) & errors.isna()
    errors[ambiguous] = (
        "ambiguous date: this column also holds US-style (month-first) dates, so this one could be "
        "read either way; write it as yyyy-mm-dd"
    )
    out[ambiguous] = pd.NaT


def parse_as_of(value: str | dt.date | pd.Timestamp | None) -> pd.Timestamp:
    """The extract date: a date means the end of that day (23:59:59); None means now."""
    if value is None:
        return pd.Timestamp.now().floor("s")
    if isinstance(value, str):
        stamps, errors = parse_timestamps(pd.Series([value], dtype=object))
        reason = errors.iloc[0]
        if isinstance(reason, str) or pd.isna(stamps.iloc[0]):
            raise ValueError(
                f"extract date {value!r}: {reason if isinstance(reason, str) else 'not a date'}"
            )
        ts = stamps.iloc[0]
        has_time = ":" in value
    else:
        ts = pd.Timestamp(value)
        has_time = isinstance(value, dt.datetime)
    if not has_time:
        ts = ts.normalize() + pd.Timedelta(days=1) - pd.Timedelta(seconds=1)
    return ts

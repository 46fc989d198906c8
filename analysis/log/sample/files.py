"""Writing a sample's CSV files with fixed formatting, so the same frame always gives the same bytes."""

from __future__ import annotations

from pathlib import Path

import pandas as pd


def beside(path: Path, what: str) -> Path:
    return path.with_name(f"{path.stem}.{what}.csv")


def write_csv(frame: pd.DataFrame, path: Path, encoding: str = "utf-8") -> None:
    """Fixed formatting, so that the same frame always gives the same bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding=encoding, newline="") as handle:
        frame.to_csv(handle, index=False, lineterminator="\n", date_format="%Y-%m-%d %H:%M")

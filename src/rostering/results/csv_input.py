"""Reading the CSV files a run folder holds, with errors that name the file and column."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from rostering.errors import InputError
from rostering.results.csv_output import restore_frame


def read_columns(path: Path, columns: tuple[str, ...]) -> pd.DataFrame:
    """``path`` as text cells (empty cells as ``""``), checked for ``columns``.

    Text the product quoted so that a spreadsheet does not run it as a formula
    (see :mod:`rostering.results.csv_output`) is read back unquoted.

    Raises :class:`InputError` for a file that is not a readable CSV, or that
    lacks one of ``columns``.
    """
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not a readable CSV ({exc})") from None
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(f"{path}: missing column {missing[0]!r}; expected columns {list(columns)}")
    return restore_frame(frame)


__all__ = ["read_columns"]

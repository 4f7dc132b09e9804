"""Opening the stage's inputs: a CSV file read as text, and its required columns.

Both inputs (the roster and the phone system's export) are read as text, with
nothing taken as missing, so that every cell can be checked and reported as it
was written. A file that cannot be read is an :class:`AdherenceInputError`; a
file or frame without the columns it needs is a :class:`FrameContractError`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from rostering.csv_text import QUOTE, restore
from rostering.errors import AdherenceInputError, FrameContractError


def read_csv_text(path: Path, what: str, *, categorical: tuple[str, ...] = ()) -> pd.DataFrame:
    """Every cell of the CSV file ``path`` as text (``what`` names the file in errors).

    When ``categorical`` names any columns, the cells are read as Python
    objects in one pass over the file (the names are not otherwise used);
    otherwise as strings. Cells the product quoted so that a spreadsheet does
    not run them as formulas (:func:`rostering.csv_text.neutralise`) are
    read back unquoted.
    """
    try:
        if categorical:
            frame = pd.read_csv(path, dtype=object, keep_default_na=False, low_memory=False)
        else:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except FileNotFoundError as exc:
        raise AdherenceInputError(f"{what} file not found: {path}") from exc
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise AdherenceInputError(f"{what} file {path} cannot be read: {exc}") from exc
    # text the product quoted against spreadsheet formulas reads back as written
    for column in frame.columns:
        values = frame[column]
        if values.dtype != object:
            continue
        quoted = values.str.startswith(QUOTE, na=False).to_numpy(dtype=bool)
        if quoted.any():
            frame.loc[quoted, column] = [restore(str(v)) for v in values[quoted]]
    return frame


def require_columns(frame: pd.DataFrame, columns: tuple[str, ...], *, what: str) -> None:
    """Raise :class:`FrameContractError` unless ``frame`` has every one of ``columns``."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise FrameContractError(
            f"{what}: expected columns {sorted(columns)}, got {sorted(map(str, frame.columns))}"
            f" (missing {missing})"
        )


__all__ = ["read_csv_text", "require_columns"]

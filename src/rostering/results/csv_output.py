"""Every CSV and spreadsheet the product writes, safe to open in a spreadsheet.

Frames and rows go to CSV through :func:`write_csv`, :func:`csv_text` and
:func:`csv_rows_text`, which quote every text cell a spreadsheet would run as
a formula (the rule is :func:`rostering.csv_text.neutralise`, OWASP's
CSV-injection guidance); numbers stay numbers. ``roster.xlsx`` needs no
quoting: every cell is written typed, text as text, never a formula.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING

from rostering.csv_text import FORMULA_STARTS, neutralise, restore

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
"""The media type of an ``.xlsx`` workbook."""

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)?")


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells are neutralised; numeric columns untouched."""
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_numeric_dtype(out[column].dtype) or pd.api.types.is_bool_dtype(
            out[column].dtype
        ):
            continue
        out[column] = [neutralise(v) if isinstance(v, str) else v for v in out[column]]
    return out


def restore_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (cells read as text) with every cell :func:`restore`-d."""
    out = frame.copy()
    for column in out.columns:
        out[column] = [restore(v) if isinstance(v, str) else v for v in out[column]]
    return out


def write_csv(frame: pd.DataFrame, path: Path, *, float_format: str | None = None) -> None:
    """Write ``frame`` to ``path`` as CSV (no index), its text cells neutralised."""
    neutralise_frame(frame).to_csv(path, index=False, float_format=float_format)


def csv_text(frame: pd.DataFrame, *, float_format: str | None = None) -> str:
    """``frame`` as CSV text (no index), its text cells neutralised."""
    text: str = neutralise_frame(frame).to_csv(index=False, float_format=float_format)
    return text


def csv_rows_text(rows: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> str:
    """Rows of plain values as CSV text with a header, text cells neutralised."""
    frame = pd.DataFrame(list(rows), columns=list(columns))
    buffer = io.StringIO()
    neutralise_frame(frame).to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue()


Cell = str | int | float | dt.date | dt.datetime | None
"""A value as a workbook cell holds it."""


def _typed(value: object) -> Cell:
    """A cell's value as the workbook stores it.

    ISO dates become dates and ISO date-times date-times at the site's wall
    clock (a workbook holds no UTC offset); empty text is a blank cell.
    """
    if isinstance(value, str):
        if _DATE.fullmatch(value):
            return dt.date.fromisoformat(value)
        if _DATETIME.fullmatch(value):
            return dt.datetime.fromisoformat(value).replace(tzinfo=None)
        return value if value else None
    if isinstance(value, float) and pd.isna(value):
        return None
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if value is None or isinstance(value, int | float | dt.date):
        return value
    return str(value)


def xlsx_bytes(frame: pd.DataFrame, *, sheet: str = "roster") -> bytes:
    """``frame`` as an ``.xlsx`` workbook: one typed cell per value, never a formula.

    Dates and date-times (objects or ISO 8601 text) are dates, numbers are
    numbers, any other text is a string cell, even when it starts with ``=``.
    """
    book = Workbook()
    ws = book.active
    assert ws is not None  # a new workbook always has a sheet
    ws.title = sheet
    ws.append([str(c) for c in frame.columns])
    for r, record in enumerate(frame.itertuples(index=False), start=2):
        for c, raw in enumerate(record, start=1):
            value = _typed(raw.item() if hasattr(raw, "item") else raw)
            if value is None:
                continue
            cell = ws.cell(row=r, column=c)
            cell.value = value
            if isinstance(value, str):
                cell.data_type = TYPE_STRING  # text, even when it starts with "=": never a formula
            elif isinstance(value, dt.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rows_xlsx_bytes(rows: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> bytes:
    """Rows of plain values as an ``.xlsx`` workbook with a header (see :func:`xlsx_bytes`)."""
    return xlsx_bytes(pd.DataFrame(list(rows), columns=list(columns)))


def write_xlsx(frame: pd.DataFrame, path: Path, *, sheet: str = "roster") -> None:
    """Write ``frame`` to ``path`` as an ``.xlsx`` workbook (see :func:`xlsx_bytes`)."""
    path.write_bytes(xlsx_bytes(frame, sheet=sheet))


__all__ = [
    "FORMULA_STARTS",
    "XLSX_MEDIA_TYPE",
    "csv_rows_text",
    "csv_text",
    "neutralise",
    "neutralise_frame",
    "restore",
    "restore_frame",
    "rows_xlsx_bytes",
    "write_csv",
    "write_xlsx",
    "xlsx_bytes",
]

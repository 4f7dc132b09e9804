"""Timestamps in the forms exports use are placed on one time line, or flagged."""

from __future__ import annotations

import pandas as pd
from adherence_factories import TZ

from rostering.adherence.timestamps import parse_timestamps


def test_timestamp_forms() -> None:
    values = pd.Series(
        [
            "2026-09-28T09:00:00+08:00",
            "2026-09-28T01:00:00Z",
            "2026-09-28 09:00:00.750+0800",
            "2026-09-28T09:00:00",
            "  2026-09-28T09:00:00+08:00 ",
            "28/09/2026 09:00",
            None,
        ],
        dtype=object,
    )
    secs, status = parse_timestamps(values, TZ)
    expected = int(pd.Timestamp("2026-09-28T01:00:00Z").timestamp())
    assert list(status) == [0, 0, 0, 0, 0, 1, 1]
    assert list(secs[:5]) == [expected] * 5


def test_aware_datetime_columns_are_accepted() -> None:
    stamps = pd.Series(pd.to_datetime(["2026-09-28T09:00:00+08:00"], utc=True))
    secs, status = parse_timestamps(stamps, TZ)
    assert status[0] == 0 and secs[0] == int(stamps.iloc[0].timestamp())

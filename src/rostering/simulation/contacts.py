"""A contact log replayed: the arrival times of queued contacts, from a CSV export.

Columns: ``timestamp`` (ISO 8601 with a UTC offset, or naive local time of the
site) and ``channel``. Each row is one contact offered. Contacts outside the
horizon are left out; channels that are not queued are refused.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from rostering.errors import InputError
from rostering.simulation.inputs import FloatArray, SimInput

CONTACT_COLUMNS = ("timestamp", "channel")


def read_contact_log(path: Path, sim: SimInput, origin: dt.datetime) -> dict[int, FloatArray]:
    """Arrival seconds from ``origin`` per queued channel index of ``sim``.

    Raises :class:`InputError` naming the file, row (1 = first data row) and
    field of the first problem.
    """
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except FileNotFoundError:
        raise InputError(f"{path}: not found") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not a readable CSV ({exc})") from None
    missing = [c for c in CONTACT_COLUMNS if c not in frame.columns]
    if missing:
        raise InputError(f"{path}: missing column {missing[0]!r}")
    index = {c.id: i for i, c in enumerate(sim.channels)}
    tz = origin.tzinfo
    seconds = np.empty(len(frame))
    chans = np.empty(len(frame), dtype=np.int64)
    for row, (text, channel) in enumerate(zip(frame["timestamp"], frame["channel"], strict=True)):
        if channel not in index:
            raise InputError(f"{path} row {row + 1}, channel: unknown channel {channel!r}")
        if not sim.channels[index[channel]].queued:
            raise InputError(f"{path} row {row + 1}, channel: {channel!r} is not a queued channel")
        try:
            at = dt.datetime.fromisoformat(text)
        except ValueError:
            raise InputError(
                f"{path} row {row + 1}, timestamp: not an ISO 8601 time: {text!r}"
            ) from None
        if at.tzinfo is None:
            at = at.replace(tzinfo=tz)
        seconds[row] = (at - origin).total_seconds()
        chans[row] = index[channel]
    inside = (seconds >= 0) & (seconds < sim.horizon_s)
    return {c: np.sort(seconds[inside & (chans == c)]) for c in sorted(set(chans[inside].tolist()))}


__all__ = ["CONTACT_COLUMNS", "read_contact_log"]

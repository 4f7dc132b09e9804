"""Tiny rosters and event frames written by hand for the adherence tests."""

from __future__ import annotations

import pandas as pd

from rostering.adherence.events import ROSTER_COLUMNS

TZ = "Asia/Shanghai"


def shift_row(
    agent: str,
    date: str,
    start: str,
    end: str,
    *,
    meal: tuple[str, str] | None = None,
    shift: str = "B",
    role: str = "agent",
) -> dict[str, str]:
    """One worked roster row; times are full ISO strings with offset."""
    return {
        "agent": agent,
        "agent_name": f"name {agent}",
        "role": role,
        "date": date,
        "shift": shift,
        "start": start,
        "end": end,
        "meal_start": meal[0] if meal else "",
        "meal_end": meal[1] if meal else "",
        "channels": "inbound",
        "standby": "",
    }


def standby_row(agent: str, date: str, kind: str = "supervisor") -> dict[str, str]:
    """A standby-only roster row."""
    row = dict.fromkeys(ROSTER_COLUMNS, "")
    row.update({"agent": agent, "agent_name": agent, "role": kind, "date": date, "standby": kind})
    return row


def roster(*rows: dict[str, str]) -> pd.DataFrame:
    """A roster frame in the contract's column order."""
    return pd.DataFrame(list(rows), columns=list(ROSTER_COLUMNS))


def events(*rows: tuple[str, str, str]) -> pd.DataFrame:
    """An event frame from (agent, timestamp, state) tuples, in file order."""
    return pd.DataFrame(list(rows), columns=["agent", "timestamp", "state"])


def day_shift(agent: str = "A1", *, meal: bool = False) -> dict[str, str]:
    """09:00-18:00 on 2026-09-28 (+08:00), 540 minutes; with ``meal`` 12:00-13:00."""
    return shift_row(
        agent,
        "2026-09-28",
        "2026-09-28T09:00:00+08:00",
        "2026-09-28T18:00:00+08:00",
        meal=("2026-09-28T12:00:00+08:00", "2026-09-28T13:00:00+08:00") if meal else None,
    )

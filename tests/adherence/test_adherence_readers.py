"""Reading messy exports: every row used or reported with its row number and reason."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from adherence_factories import TZ, day_shift, events, roster

from rostering.adherence import (
    ReadReport,
    StateMapping,
    read_events,
    read_roster,
    run_adherence,
)
from rostering.errors import FrameContractError

MESSY_CSV = """agent,timestamp,state,queue
A1,2026-09-28T09:00:00+08:00,login,q1
A1,2026-09-28T09:00:00+08:00,login,q1
A1,not a time,available,q1
,2026-09-28T09:05:00+08:00,available,q1
ZZ,2026-09-28T09:05:00+08:00,available,q1
A1,2026-09-28T10:00:00+08:00,dancing,q1
A1,2026-09-28T09:30:00+08:00,on_call,q1
A1,2026-09-28T10:30:00+08:00,  Available ,q1
A1,2026-09-28T11:00:00+08:00,,q1
A1,2026-09-28 18:00:00+08:00,logout,q1
"""


def _read(tmp_path: Path, text: str, mapping: StateMapping | None = None):  # type: ignore[no-untyped-def]
    path = tmp_path / "events.csv"
    path.write_text(text)
    schedule = read_roster(roster(day_shift("A1")), timezone=TZ)
    data = read_events(
        path, mapping=mapping or StateMapping(), timezone=TZ, agents=schedule.agent_ids
    )
    return schedule, data


def test_every_messy_row_is_used_or_reported(tmp_path: Path) -> None:
    _, data = _read(tmp_path, MESSY_CSV)
    issues = data.issues.set_index("row")
    # rows as a spreadsheet shows them: the header is row 1
    assert issues.loc[3, "reason"] == "duplicate"
    assert issues.loc[4, "reason"] == "bad_timestamp"
    assert issues.loc[5, "reason"] == "empty_agent"
    assert issues.loc[6, "reason"] == "agent_not_on_roster"
    assert issues.loc[7, "reason"] == "unknown_state"
    assert bool(issues.loc[7, "used"]) is True  # read as 'other' by default
    assert issues.loc[8, "reason"] == "out_of_order"
    assert bool(issues.loc[8, "used"]) is True
    assert issues.loc[10, "reason"] == "empty_state"
    assert sorted(issues.index) == [3, 4, 5, 6, 7, 8, 10]
    used_rows = set(data.events["row"])
    dropped = set(issues.index[~issues["used"].astype(bool)])
    assert used_rows | dropped == set(range(2, 12))
    assert not used_rows & dropped
    # the kept events are sorted by time; the padded, capitalised state is recognised
    assert list(data.events["row"]) == [2, 8, 7, 9, 11]
    report = ReadReport.from_issues(kind=data.kind, rows_read=data.rows_read, issues=data.issues)
    assert (report.rows_read, report.rows_used, report.rows_dropped, report.rows_flagged) == (
        10,
        5,
        5,
        7,
    )
    assert report.by_reason["duplicate"] == 1


def test_unknown_states_can_be_dropped(tmp_path: Path) -> None:
    _, data = _read(tmp_path, MESSY_CSV, StateMapping(unknown_as=None))
    row7 = data.issues.set_index("row").loc[7]
    assert row7["reason"] == "unknown_state" and not bool(row7["used"])
    assert 7 not in set(data.events["row"])


def test_dataframe_rows_are_numbered_as_in_a_csv_whatever_the_index() -> None:
    frame = events(
        ("A1", "2026-09-28T09:00:00+08:00", "login"),
        ("", "2026-09-28T09:00:00+08:00", "login"),
    )
    frame.index = [100, 200]
    schedule = read_roster(roster(day_shift("A1")), timezone=TZ)
    data = read_events(frame, mapping=StateMapping(), timezone=TZ, agents=schedule.agent_ids)
    assert list(data.issues["row"]) == [3]


def test_sessions_overlap_missing_logout_and_backwards() -> None:
    sessions = pd.DataFrame(
        {
            "agent": ["A1", "A1", "A1", "A1", "A1"],
            "login": [
                "2026-09-28T09:00:00+08:00",
                "2026-09-28T11:00:00+08:00",  # overlaps row 2
                "2026-09-28T14:00:00+08:00",
                "2026-09-28T16:00:00+08:00",  # no logout
                "2026-09-28T17:00:00+08:00",
            ],
            "logout": [
                "2026-09-28T12:00:00+08:00",
                "2026-09-28T13:00:00+08:00",
                "2026-09-28T15:00:00+08:00",
                "",
                "2026-09-28T16:30:00+08:00",  # before its login
            ],
        }
    )
    res = run_adherence(roster(day_shift("A1")), sessions, timezone=TZ)
    issues = res.issues.set_index("row")
    assert issues.loc[3, "reason"] == "overlapping_session"
    assert "row 2" in issues.loc[3, "detail"]
    assert issues.loc[5, "reason"] == "missing_logout"
    assert issues.loc[6, "reason"] == "logout_not_after_login"
    assert res.summary.read_report.rows_used == 4
    day = res.by_agent_day.iloc[0]
    # 09:00-13:00 merged, 14:00-15:00, 16:00-18:00 (closed at shift end)
    assert day["logged_in_minutes"] == 240 + 60 + 120
    assert day["in_adherence_minutes"] == 420


def test_missing_event_columns_are_a_contract_error() -> None:
    with pytest.raises(FrameContractError, match="expected columns"):
        read_events(pd.DataFrame({"agent": ["A1"]}), mapping=StateMapping(), timezone=TZ)

"""Reading messy exports: every row used or reported with its row number and reason."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from adherence_factories import TZ, day_shift, events, roster

from rostering.adherence import (
    ReadReport,
    StateMapping,
    build_timeline,
    read_events,
    read_roster,
    run_adherence,
)
from rostering.adherence.events import parse_timestamps
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
    assert issues.loc[2, "reason"] == "duplicate"
    assert issues.loc[3, "reason"] == "bad_timestamp"
    assert issues.loc[4, "reason"] == "empty_agent"
    assert issues.loc[5, "reason"] == "agent_not_on_roster"
    assert issues.loc[6, "reason"] == "unknown_state"
    assert bool(issues.loc[6, "used"]) is True  # read as 'other' by default
    assert issues.loc[7, "reason"] == "out_of_order"
    assert bool(issues.loc[7, "used"]) is True
    assert issues.loc[9, "reason"] == "empty_state"
    assert sorted(issues.index) == [2, 3, 4, 5, 6, 7, 9]
    used_rows = set(data.events["row"])
    dropped = set(issues.index[~issues["used"].astype(bool)])
    assert used_rows | dropped == set(range(1, 11))
    assert not used_rows & dropped
    # the kept events are sorted by time; the padded, capitalised state is recognised
    assert list(data.events["row"]) == [1, 7, 6, 8, 10]
    assert data.states[data.events["state"].iloc[3]] == "available"
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
    row6 = data.issues.set_index("row").loc[6]
    assert row6["reason"] == "unknown_state" and not bool(row6["used"])
    assert 6 not in set(data.events["row"])


def test_dataframe_rows_are_numbered_from_one_whatever_the_index() -> None:
    frame = events(
        ("A1", "2026-09-28T09:00:00+08:00", "login"),
        ("", "2026-09-28T09:00:00+08:00", "login"),
    )
    frame.index = [100, 200]
    schedule = read_roster(roster(day_shift("A1")), timezone=TZ)
    data = read_events(frame, mapping=StateMapping(), timezone=TZ, agents=schedule.agent_ids)
    assert list(data.issues["row"]) == [2]


def test_login_while_logged_in_within_a_shift_is_an_overlapping_session() -> None:
    res = run_adherence(
        roster(day_shift("A1")),
        events(
            ("A1", "2026-09-28T09:00:00+08:00", "login"),
            ("A1", "2026-09-28T11:00:00+08:00", "login"),
            ("A1", "2026-09-28T18:00:00+08:00", "logout"),
        ),
        timezone=TZ,
    )
    assert list(res.issues["reason"]) == ["overlapping_session"]
    assert list(res.issues["row"]) == [2]
    assert res.by_agent_day["adherence"].iloc[0] == 1.0


def test_sessions_overlap_missing_logout_and_backwards() -> None:
    sessions = pd.DataFrame(
        {
            "agent": ["A1", "A1", "A1", "A1", "A1"],
            "login": [
                "2026-09-28T09:00:00+08:00",
                "2026-09-28T11:00:00+08:00",  # overlaps row 1
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
    assert issues.loc[2, "reason"] == "overlapping_session"
    assert "row 1" in issues.loc[2, "detail"]
    assert issues.loc[4, "reason"] == "missing_logout"
    assert issues.loc[5, "reason"] == "logout_not_after_login"
    assert res.summary.read_report.rows_used == 4
    day = res.by_agent_day.iloc[0]
    # 09:00-13:00 merged, 14:00-15:00, 16:00-18:00 (closed at shift end)
    assert day["logged_in_minutes"] == 240 + 60 + 120
    assert day["in_adherence_minutes"] == 420


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


def test_missing_columns_are_a_contract_error() -> None:
    with pytest.raises(FrameContractError, match="expected columns"):
        read_events(pd.DataFrame({"agent": ["A1"]}), mapping=StateMapping(), timezone=TZ)
    with pytest.raises(FrameContractError, match="expected columns"):
        read_roster(pd.DataFrame({"agent": ["A1"]}), timezone=TZ)


def test_roster_faults_are_errors() -> None:
    bad = day_shift("A1")
    bad["end"] = bad["start"]
    with pytest.raises(FrameContractError, match="row 1: shift end must be after"):
        read_roster(roster(bad), timezone=TZ)
    overlap = day_shift("A1")
    with pytest.raises(FrameContractError, match="overlaps"):
        read_roster(roster(day_shift("A1"), overlap), timezone=TZ)


def test_state_mapping_is_checked_and_normalised() -> None:
    m = StateMapping(
        states={"Log In": "productive", "LOGOUT": "offline"}, login_states=["log in"], neutral=[]
    )
    assert "log_in" in m.states and m.login_states == ["log_in"]
    with pytest.raises(ValueError, match="not mapped"):
        StateMapping(neutral=["nap"])


def test_timeline_segments_do_not_overlap() -> None:
    schedule = read_roster(roster(day_shift("A1")), timezone=TZ)
    frame = events(
        ("A1", "2026-09-28T09:00:00+08:00", "login"),
        ("A1", "2026-09-28T09:00:00+08:00", "available"),
        ("A1", "2026-09-28T09:10:00+08:00", "on_call"),
        ("A1", "2026-09-28T09:05:00+08:00", "hold"),
        ("A1", "2026-09-28T18:00:00+08:00", "logout"),
    )
    data = read_events(frame, mapping=StateMapping(), timezone=TZ, agents=schedule.agent_ids)
    seg = build_timeline(data, schedule).segments
    assert (seg["start"].to_numpy()[1:] >= seg["end"].to_numpy()[:-1]).all()
    assert int((seg["end"] - seg["start"]).sum()) == 9 * 3600
    assert np.all(seg["end"] > seg["start"])

"""Logged-in segments: no overlaps, and a login while logged in is a state change."""

from __future__ import annotations

import numpy as np
from adherence_factories import TZ, day_shift, events, roster

from rostering.adherence import (
    StateMapping,
    build_timeline,
    read_events,
    read_roster,
    run_adherence,
)


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
    assert list(res.issues["row"]) == [3]
    assert res.by_agent_day["adherence"].iloc[0] == 1.0


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

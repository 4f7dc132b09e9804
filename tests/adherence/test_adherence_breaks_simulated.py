"""Short breaks end to end: simulated break events, injected overruns found, a minute reference."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from adherence_factories import TWO_BREAKS, TZ, day_shift, roster
from hypothesis import given, settings
from hypothesis import strategies as st

from rostering.adherence import (
    AdherenceConfig,
    SimulationConfig,
    StateMapping,
    build_timeline,
    read_events,
    read_roster,
    run_adherence,
    simulate_events,
    synthetic_roster,
)
from rostering.adherence.exceptions import ADHERENCE_KINDS
from rostering.adherence.pieces import BREAK_CODE, MEAL_CODE, WORK_CODE
from rostering.adherence.states import OFFLINE_CODE
from rostering.adherence.timestamps import parse_timestamps

NOTHING = SimulationConfig(
    absence_rate=0,
    late_login_rate=0,
    early_logout_rate=0,
    long_meal_rate=0,
    long_break_rate=0,
    duplicate_rate=0,
    out_of_order_rate=0,
    missing_logouts=0,
    meal_logout_rate=0,
    not_ready_share=0,
)
"""Every deviation turned off: only the under-a-minute noise at meals and breaks is left."""


@pytest.fixture(scope="module")
def site() -> pd.DataFrame:
    return synthetic_roster(10, 14, start=dt.date(2026, 9, 1), timezone=TZ, breaks=True)


def test_agents_go_on_break_at_their_scheduled_breaks(site: pd.DataFrame) -> None:
    sim = simulate_events(site, timezone=TZ, config=NOTHING, seed=4)
    assert sim.injected.empty
    schedule = read_roster(site, timezone=TZ)
    on_break = sim.events.loc[sim.events["state"] == "break"]
    assert len(on_break) == len(schedule.breaks) == 2 * len(schedule.shifts)
    # each break starts under a minute before the roster says
    went, _ = parse_timestamps(on_break["timestamp"].astype(str), TZ)
    starts = np.sort(schedule.breaks["start"].to_numpy())
    lead = starts - np.sort(went)
    assert lead.min() >= 0 and lead.max() < 60
    res = run_adherence(site, sim.events, timezone=TZ)
    assert res.summary.adherence == 1.0
    assert res.exceptions.empty
    shifts = len(schedule.shifts)
    assert res.summary.scheduled_break_minutes == 30 * shifts
    assert abs(res.summary.break_minutes - 30 * shifts) < 2 * shifts
    assert res.summary.planned_break_share.value == pytest.approx(30 / 480)


def test_a_roster_without_breaks_gets_no_break_events() -> None:
    plain = synthetic_roster(4, 3, start=dt.date(2026, 9, 1), timezone=TZ)
    assert (plain["breaks"] == "").all()
    sim = simulate_events(plain, timezone=TZ, config=NOTHING, seed=4)
    assert not (sim.events["state"] == "break").any()


def test_injected_break_overruns_are_measured_exactly(site: pd.DataFrame) -> None:
    cfg = NOTHING.model_copy(
        update={
            "long_break_rate": 0.4,
            "long_meal_rate": 0.3,
            "late_login_rate": 0.3,
            "early_logout_rate": 0.3,
            "absence_rate": 0.1,
            "meal_logout_rate": 0.3,
        }
    )
    sim = simulate_events(site, timezone=TZ, config=cfg, seed=9)
    res = run_adherence(site, sim.events, timezone=TZ)
    grace = AdherenceConfig().break_overrun_grace_minutes
    inj = sim.injected
    for kind, forgiven in (
        ("extended_break", grace),
        ("late_login", grace),
        ("early_logout", grace),
    ):
        want = inj.loc[inj["kind"] == kind]
        want = sorted(
            (a, d, m - forgiven)
            for a, d, m in zip(want["agent"], want["date"], want["minutes"], strict=True)
            if m - forgiven >= 1.0
        )
        ex = res.exceptions.loc[res.exceptions["kind"] == kind]
        got = sorted(zip(ex["agent"], ex["date"], ex["minutes"], strict=True))
        assert len(want) > 0 and got == want, kind
    # overruns found both after meals and after breaks (grace ends 2 min past their end)
    overruns = res.exceptions.loc[res.exceptions["kind"] == "extended_break", "start"]
    overrun_starts = {s.strftime("%H:%M") for s in overruns}
    assert overrun_starts & {"14:02", "03:02"}  # after a meal (D, N shifts)
    assert overrun_starts & {"11:17", "15:47", "00:17", "04:47"}  # after a short break
    assert set(res.exceptions["kind"]) <= {"late_login", "early_logout", "extended_break", "absent"}
    out = res.by_agent_day["out_of_adherence_minutes"].sum()
    assert out == pytest.approx(res.exceptions["minutes"].sum())


# ----------------------------------------------------------------------------- minute reference

SHIFT_START = pd.Timestamp("2026-09-28T09:00:00+08:00")
STATES = ["login", "logout", "available", "not_ready", "break", "meal", "training"]


def _minute_reference(shift: dict[str, str], frame: pd.DataFrame, config: AdherenceConfig) -> int:
    """In-adherence minutes of one shift judged minute by minute (events on whole minutes).

    Each minute takes the scheduled activity and the logged-in state holding at
    its start; grace and absence as in the measurement's definitions, and no
    minimum exception length.
    """
    schedule = read_roster(roster(shift), timezone=TZ)
    mapping = StateMapping()
    data = read_events(frame, mapping=mapping, timezone=TZ, agents=schedule.agent_ids)
    segments = build_timeline(data, schedule).segments
    activity: dict[int, tuple[int, bool]] = {}
    for seg in segments.itertuples():
        for t in range(int(seg.start), int(seg.end), 60):
            activity[t] = (int(seg.activity), bool(seg.neutral))
    sh = schedule.shifts.iloc[0]
    start, end = int(sh["start"]), int(sh["end"])
    ms, me = int(sh["meal_start"]), int(sh["meal_end"])
    breaks = list(zip(schedule.breaks["start"], schedule.breaks["end"], strict=True))
    if not any(start <= t < end for t in activity):
        return 0
    eq = mapping.equivalence_matrix()
    grace = {
        "late": config.late_login_grace_minutes * 60,
        "early": config.early_logout_grace_minutes * 60,
        "over": config.break_overrun_grace_minutes * 60,
    }
    kept = 0
    for t in range(start, end, 60):
        kind = WORK_CODE
        if ms <= t < me:
            kind = MEAL_CODE
        if any(b0 <= t < b1 for b0, b1 in breaks):
            kind = BREAK_CODE
        act, neutral = activity.get(t, (OFFLINE_CODE, False))
        ok = neutral or bool(eq[kind, act])
        offline = act == OFFLINE_CODE
        ok |= offline and (t - start < grace["late"] or end - t <= grace["early"])
        if kind == WORK_CODE:
            ok |= ms >= 0 and 0 <= t - me < grace["over"] and bool(eq[MEAL_CODE, act])
            ok |= any(0 <= t - b1 < grace["over"] for _, b1 in breaks) and bool(eq[BREAK_CODE, act])
        kept += ok
    return kept


@settings(max_examples=40, deadline=None)
@given(
    stream=st.lists(
        st.tuples(st.integers(-30, 560), st.sampled_from(STATES)), min_size=0, max_size=25
    ),
    meal=st.booleans(),
    grace=st.sampled_from([0.0, 2.0, 5.0]),
)
def test_breaks_match_a_minute_by_minute_reference(
    stream: list[tuple[int, str]], meal: bool, grace: float
) -> None:
    shift = day_shift(meal=meal, breaks=TWO_BREAKS)
    frame = pd.DataFrame(
        {
            "agent": ["A1"] * len(stream),
            "timestamp": [(SHIFT_START + pd.Timedelta(minutes=m)).isoformat() for m, _ in stream],
            "state": [s for _, s in stream],
        }
    )
    config = AdherenceConfig(
        min_exception_minutes=0,
        late_login_grace_minutes=grace,
        early_logout_grace_minutes=grace,
        break_overrun_grace_minutes=grace,
    )
    res = run_adherence(roster(shift), frame, config=config, timezone=TZ)
    day = res.by_agent_day.loc[res.by_agent_day["scheduled_minutes"] > 0].iloc[0]
    assert day["in_adherence_minutes"] == _minute_reference(shift, frame, config)
    ex = res.exceptions
    listed = ex.loc[ex["kind"].isin([k.value for k in ADHERENCE_KINDS]), "minutes"].sum()
    assert listed == pytest.approx(day["out_of_adherence_minutes"])

"""The generator's injected deviations are found, to the minute, by the measurement."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from benchmarks.adherence import naive_minutes
from rostering.adherence import (
    AdherenceConfig,
    SimulationConfig,
    StateMapping,
    build_timeline,
    measure,
    read_events,
    read_roster,
    run_adherence,
    simulate_events,
    synthetic_roster,
)
from rostering.adherence.simulate import format_timestamps
from rostering.adherence.timestamps import parse_timestamps

TZ = "Asia/Shanghai"
CLEAN = SimulationConfig(
    not_ready_share=0.0,
    duplicate_rate=0.0,
    out_of_order_rate=0.0,
    missing_logouts=0,
    absence_rate=0.1,
    late_login_rate=0.3,
    early_logout_rate=0.3,
    long_meal_rate=0.3,
)


@pytest.fixture(scope="module")
def site() -> pd.DataFrame:
    return synthetic_roster(12, 14, start=dt.date(2026, 9, 1), timezone=TZ)


def test_injected_deviations_are_measured_exactly(site: pd.DataFrame) -> None:
    sim = simulate_events(site, timezone=TZ, config=CLEAN, seed=7)
    res = run_adherence(site, sim.events, timezone=TZ)
    assert res.issues.empty
    inj = sim.injected
    ex = res.exceptions
    grace = 2.0
    for kind in ("late_login", "early_logout", "extended_break"):
        want = inj.loc[inj["kind"] == kind].set_index(["agent", "date"])["minutes"] - grace
        want = want[want >= 1.0]
        got = ex.loc[ex["kind"] == kind].set_index(["agent", "date"])["minutes"]
        assert len(want) > 0
        pd.testing.assert_series_equal(
            got.sort_index(), want.sort_index().astype(float), check_names=False
        )
    absent = inj.loc[inj["kind"] == "absent"]
    got_absent = ex.loc[ex["kind"] == "absent"]
    assert sorted(zip(absent["agent"], absent["date"], strict=True)) == sorted(
        zip(got_absent["agent"], got_absent["date"], strict=True)
    )
    # nothing else is out of adherence, so the out minutes are the exceptions' minutes
    assert set(ex["kind"]) <= {"late_login", "early_logout", "extended_break", "absent"}
    total_out = res.by_agent_day["out_of_adherence_minutes"].sum()
    assert total_out == pytest.approx(ex["minutes"].sum())
    planned = res.summary.shifts_planned
    assert res.summary.attendance_rate == pytest.approx((planned - len(absent)) / planned)


def test_injected_row_faults_are_flagged_by_row(site: pd.DataFrame) -> None:
    cfg = SimulationConfig(duplicate_rate=0.01, out_of_order_rate=0.01, missing_logouts=2)
    sim = simulate_events(site, timezone=TZ, config=cfg, seed=3)
    res = run_adherence(site, sim.events, timezone=TZ)
    inj = sim.injected
    for kind, reason in (("duplicate", "duplicate"), ("out_of_order", "out_of_order")):
        want = sorted(inj.loc[inj["kind"] == kind, "row"])
        got = sorted(res.issues.loc[res.issues["reason"] == reason, "row"])
        assert len(want) > 0 and got == want
    assert res.summary.read_report.by_reason["missing_logout"] == 2
    assert res.summary.read_report.rows_dropped == len(inj.loc[inj["kind"] == "duplicate"])


def test_same_seed_same_events(site: pd.DataFrame) -> None:
    a = simulate_events(site, timezone=TZ, seed=11).events
    b = simulate_events(site, timezone=TZ, seed=11).events
    pd.testing.assert_frame_equal(a, b)


def test_matches_the_minute_by_minute_reference(site: pd.DataFrame) -> None:
    mapping, config = StateMapping(), AdherenceConfig()
    sim = simulate_events(site, timezone=TZ, seed=5)
    secs, _ = parse_timestamps(sim.events["timestamp"].astype(str), TZ)
    ev = sim.events.assign(timestamp=format_timestamps(secs // 60 * 60, TZ))
    schedule = read_roster(site, timezone=TZ)
    data = read_events(ev, mapping=mapping, timezone=TZ, agents=schedule.agent_ids)
    tl = build_timeline(data, schedule, tail_minutes=config.attribution_window_minutes)
    fast = measure(schedule, tl, data, config=config, mapping=mapping, timezone=TZ)
    per_day, per_agent = naive_minutes(schedule, tl, config=config, mapping=mapping)
    ids = np.asarray(schedule.agent_ids, dtype=object)
    per_day = per_day.assign(
        agent=ids[per_day["agent_code"]], date=pd.to_datetime(per_day["day"], unit="D").dt.date
    )
    got = fast.by_agent_day.loc[fast.by_agent_day["scheduled_minutes"] > 0]
    j = got.merge(per_day, on=["agent", "date"], suffixes=("", "_ref"))
    assert len(j) == len(got) == len(per_day)
    np.testing.assert_allclose(j["in_adherence_minutes"], j["in_adherence_minutes_ref"])
    np.testing.assert_allclose(j["scheduled_minutes"], j["scheduled_minutes_ref"])
    ja = fast.by_agent.merge(per_agent.assign(agent=ids[per_agent["agent_code"]]), on="agent")
    np.testing.assert_allclose(ja["logged_in_minutes_x"], ja["logged_in_minutes_y"])
    assert (j["in_adherence_minutes"] < j["scheduled_minutes"]).any()


def test_timestamps_carry_the_local_offset() -> None:
    t = np.array([1774746000], dtype=np.int64)  # 2026-03-29T01:00:00Z
    assert list(format_timestamps(t, "Europe/London")) == ["2026-03-29T02:00:00+01:00"]


def test_a_clean_simulation_injects_nothing_and_scores_full() -> None:
    clean = SimulationConfig(
        absence_rate=0,
        late_login_rate=0,
        early_logout_rate=0,
        long_meal_rate=0,
        duplicate_rate=0,
        out_of_order_rate=0,
        missing_logouts=0,
        meal_logout_rate=0,
        not_ready_share=0,
    )
    r = synthetic_roster(3, 2, start=dt.date(2026, 9, 1), timezone=TZ)
    sim = simulate_events(r, timezone=TZ, config=clean, seed=1)
    assert sim.injected.empty
    res = run_adherence(r, sim.events, timezone=TZ)
    assert res.summary.adherence == 1.0

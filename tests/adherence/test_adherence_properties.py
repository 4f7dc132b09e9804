"""Properties over random event streams: bounds, perfect days, exceptions add up."""

from __future__ import annotations

import pandas as pd
import pytest
from adherence_factories import TZ, day_shift, roster
from hypothesis import given, settings
from hypothesis import strategies as st

from rostering.adherence import AdherenceConfig, run_adherence
from rostering.adherence.exceptions import ADHERENCE_KINDS

STATES = ["login", "logout", "available", "on_call", "not_ready", "break", "meal", "training"]
SHIFT_START = pd.Timestamp("2026-09-28T09:00:00+08:00")

event_streams = st.lists(
    st.tuples(st.integers(-120, 660), st.sampled_from(STATES)), min_size=0, max_size=25
)


def _frame(stream: list[tuple[int, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "agent": ["A1"] * len(stream),
            "timestamp": [(SHIFT_START + pd.Timedelta(minutes=m)).isoformat() for m, _ in stream],
            "state": [s for _, s in stream],
        }
    )


@settings(max_examples=40, deadline=None)
@given(stream=event_streams, meal=st.booleans(), min_exc=st.sampled_from([0.0, 1.0, 5.0]))
def test_bounds_and_exception_minutes_add_up(
    stream: list[tuple[int, str]], meal: bool, min_exc: float
) -> None:
    res = run_adherence(
        roster(day_shift(meal=meal)),
        _frame(stream),
        config=AdherenceConfig(min_exception_minutes=min_exc),
        timezone=TZ,
    )
    day = res.by_agent_day.iloc[0]
    assert 0.0 <= day["adherence"] <= 1.0
    assert day["conformance"] >= 0.0
    assert day["logged_in_minutes"] >= 0.0
    ex = res.exceptions
    out = ex.loc[ex["kind"].isin([k.value for k in ADHERENCE_KINDS]), "minutes"].sum()
    assert out == pytest.approx(day["out_of_adherence_minutes"])
    assert res.summary.read_report.rows_read == len(stream)
    assert res.summary.read_report.rows_used + res.summary.read_report.rows_dropped == len(stream)


@settings(max_examples=25, deadline=None)
@given(
    early=st.integers(0, 30),
    late=st.integers(0, 30),
    calls=st.lists(st.integers(1, 539), max_size=15),
)
def test_perfect_events_give_full_adherence(early: int, late: int, calls: list[int]) -> None:
    stream = [(-early, "login")]
    stream += [(m, "on_call" if i % 2 else "available") for i, m in enumerate(sorted(calls))]
    stream += [(180, "meal"), (240, "available"), (540 + late, "logout")]
    stream = [(m, s) for m, s in stream if not (180 <= m < 240 and s != "meal")]
    res = run_adherence(roster(day_shift(meal=True)), _frame(stream), timezone=TZ)
    day = res.by_agent_day.iloc[0]
    assert day["adherence"] == 1.0
    assert day["conformance"] == pytest.approx((480 + early + late) / 480)
    assert res.exceptions.loc[~res.exceptions["informational"]].shape[0] == (
        (early >= 15) + (late >= 15)
    )

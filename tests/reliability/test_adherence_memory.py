"""Probes of the adherence memory: a large export measured a group of agents at a time.

Before: a 314 MB export (7.3 million rows) peaked at 2.6 GB in
``rostering adherence``: every event, segment and piece of every agent was
held at once in int64 and object arrays. Now the timeline and the
measurement run over groups of agents whose results are put together, and
the events are read into narrow integer columns. These tests pin what makes
that safe and cheap: batched results equal unbatched ones exactly, the
groups of agents cover every agent once, and the columns are narrow.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from rostering.adherence import StateMapping, read_events
from rostering.adherence.agent_batches import AgentRange, agent_groups, schedule_part
from rostering.adherence.config import AdherenceConfig
from rostering.adherence.metrics import Measures, measure
from rostering.adherence.readers import EventData
from rostering.adherence.schedule import Schedule, read_roster
from rostering.adherence.simulate import simulate_events, synthetic_roster, write_events_csv
from rostering.adherence.timeline import Timeline, build_timeline

TZ = "Asia/Shanghai"
START = dt.date(2026, 9, 1)
WHOLE = 10**12
"""A batch size no export reaches: everything measured at once."""


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> tuple[Schedule, EventData]:
    roster = synthetic_roster(30, 4, start=START, timezone=TZ, breaks=True)
    sim = simulate_events(roster, timezone=TZ, seed=5)
    path = tmp_path_factory.mktemp("memory") / "events.csv"
    write_events_csv(sim.events, path)
    schedule = read_roster(roster, timezone=TZ)
    data = read_events(path, mapping=StateMapping(), timezone=TZ, agents=schedule.agent_ids)
    return schedule, data


def _measure(schedule: Schedule, timeline: Timeline, data: EventData, rows: int) -> Measures:
    return measure(
        schedule,
        timeline,
        data,
        config=AdherenceConfig(),
        mapping=StateMapping(),
        timezone=TZ,
        batch_rows=rows,
    )


def test_the_export_is_big_enough_to_make_many_groups(export: tuple[Schedule, EventData]) -> None:
    schedule, data = export
    counts = np.bincount(data.events["agent_code"], minlength=len(schedule.agents))
    assert len(agent_groups(counts, max_rows=150)) > 10
    assert data.issues["reason"].nunique() >= 2  # flagged rows take part too


def test_events_are_read_into_narrow_columns(export: tuple[Schedule, EventData]) -> None:
    _, data = export
    dtypes = data.events.dtypes.to_dict()
    assert dtypes == {
        "row": np.dtype(np.int32),
        "agent_code": np.dtype(np.int32),
        "t": np.dtype(np.int64),
        "state": np.dtype(np.int32),
    }


def test_a_batched_timeline_equals_the_whole_one(export: tuple[Schedule, EventData]) -> None:
    schedule, data = export
    whole = build_timeline(data, schedule, batch_rows=WHOLE)
    assert whole.segments["state"].dtype == np.int16
    assert whole.segments["activity"].dtype == np.int8
    for rows in (1, 97, 400):
        part = build_timeline(data, schedule, batch_rows=rows)
        pd.testing.assert_frame_equal(part.segments, whole.segments, check_exact=True)
        pd.testing.assert_frame_equal(
            part.issues.reset_index(drop=True), whole.issues.reset_index(drop=True)
        )
    assert len(whole.issues)  # missing logouts or relogins are in the comparison


@pytest.mark.parametrize("rows", [1, 150, 1000])
def test_batched_measures_equal_the_whole_ones(
    export: tuple[Schedule, EventData], rows: int
) -> None:
    schedule, data = export
    timeline = build_timeline(data, schedule)
    whole = _measure(schedule, timeline, data, WHOLE)
    part = _measure(schedule, timeline, data, rows)
    for name in ("by_agent_day", "by_agent", "by_day", "by_interval", "exceptions", "actual"):
        pd.testing.assert_frame_equal(
            getattr(part, name), getattr(whole, name), check_exact=True, obj=name
        )
    pd.testing.assert_frame_equal(part.planned, whole.planned)
    assert part.totals == whole.totals
    assert len(whole.exceptions["kind"].unique()) >= 3
    assert whole.by_agent_day["agent"].nunique() == schedule.shifts["agent"].nunique()


@pytest.mark.parametrize("max_rows", [1, 3, 10, 1000])
def test_groups_of_agents_are_contiguous_and_cover_each_agent_with_rows_once(
    max_rows: int,
) -> None:
    rng = np.random.default_rng(max_rows)
    counts = rng.integers(0, 8, size=200)
    counts[[5, 6, 7, 199]] = 0
    groups = agent_groups(counts, max_rows=max_rows)
    covered = np.concatenate([np.arange(g.lo, g.hi) for g in groups])
    assert (np.diff(covered) > 0).all()
    assert set(np.flatnonzero(counts)) <= set(covered.tolist())
    for g in groups:
        size = int(counts[g.lo : g.hi].sum())
        assert size > 0
        # a group closes with the agent whose rows cross the next multiple of max_rows
        assert size < max_rows + int(counts[g.lo : g.hi].max())
    assert agent_groups(np.zeros(5, dtype=np.int64), max_rows=2) == []
    with pytest.raises(ValueError, match="max_rows"):
        agent_groups(counts, max_rows=0)


def test_a_part_of_the_schedule_keeps_its_breaks_on_their_own_shifts(
    export: tuple[Schedule, EventData],
) -> None:
    schedule, _ = export
    part = schedule_part(schedule, AgentRange(lo=7, hi=12))
    assert set(part.shifts["agent_code"]) == set(range(7, 12))
    assert len(part.agents) == len(schedule.agents)
    br = part.breaks
    assert len(br)
    own = part.shifts.iloc[br["shift_idx"].to_numpy()]
    assert (own["agent_code"].to_numpy() == br["agent_code"].to_numpy()).all()
    assert (own["start"].to_numpy() <= br["start"].to_numpy()).all()
    assert (br["end"].to_numpy() <= own["end"].to_numpy()).all()

"""Replications and their summaries: seeds, workers, and the confidence-interval tables."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from scipy.stats import t as student_t

from rostering.errors import InputError
from rostering.simulation import (
    KPIS,
    SimInput,
    SimulationResult,
    Tally,
    confidence_interval,
    simulate,
)
from tests.simulation.factories import channel, site


def _small_site() -> SimInput:
    return site(
        [
            channel("voice", patience_s=120.0, target_service_level=0.8),
            channel("chat", rank=1, concurrency=2, patience_s=300.0),
            channel("email", queued=False, rank=2, window_s=3600.0),
        ],
        rate_per_s=[50 / 3600, 20 / 3600, 4.0],
        aht_s=[200.0, 400.0, 300.0],
        agents=5,
        intervals=6,
        unavailable=0.1,
    )


def test_fewer_than_two_replications_are_refused() -> None:
    with pytest.raises(InputError, match="replications must be at least 2, got 1"):
        simulate(_small_site(), replications=1)


def test_the_input_is_checked_first() -> None:
    sim = dataclasses.replace(_small_site(), unavailable=np.zeros(2))
    with pytest.raises(InputError, match="unavailable"):
        simulate(sim, replications=2)


def test_parallel_workers_give_the_serial_result() -> None:
    sim = _small_site()
    calls: list[tuple[int, int]] = []
    serial = simulate(sim, replications=3, seed=5, progress=lambda d, n: calls.append((d, n)))
    parallel = simulate(sim, replications=3, seed=5, workers=2)
    assert calls == [(1, 3), (2, 3), (3, 3)]
    assert all(a.identical(b) for a, b in zip(serial.tallies, parallel.tallies, strict=True))
    assert serial.events == parallel.events == sum(t.events for t in serial.tallies)
    assert serial.wall_s > 0 and serial.events_per_second > 0
    # replications are independent draws, and the seed fixes them
    assert not serial.tallies[0].identical(serial.tallies[1])
    other = simulate(sim, replications=3, seed=6)
    assert not other.tallies[0].identical(serial.tallies[0])


def test_tables_have_the_documented_columns() -> None:
    result = simulate(_small_site(), replications=2)
    kpi_columns = [c for k in KPIS for c in (k, f"{k}_lo", f"{k}_hi")]
    by_interval = result.by_interval()
    assert list(by_interval.columns) == [
        "channel",
        "interval",
        "offered",
        *kpi_columns,
        "p_meet",
        "done_late",
    ]
    assert len(by_interval) == 3 * 6
    assert list(result.by_day().columns)[:2] == ["channel", "day"]
    assert len(result.by_day()) == 3
    assert result.by_channel().columns[0] == "channel"
    email = by_interval[by_interval.channel == "email"]
    assert email.service_level.isna().all() and email.abandon_rate.isna().all()
    assert email.p_meet.isna().all() and email.backlog.notna().all()
    voice = by_interval[by_interval.channel == "voice"]
    assert voice.backlog.isna().all() and voice.done_late.isna().all()
    assert voice.p_meet.between(0, 1).all()
    assert by_interval[by_interval.channel == "chat"].p_meet.isna().all()  # no target


def test_confidence_interval_is_the_student_t_interval_and_skips_nan() -> None:
    rng = np.random.default_rng(0)
    values = rng.normal(size=(7, 3))
    values[0, 1] = np.nan
    values[1:, 2] = np.nan
    mean, low, high = confidence_interval(values, 0.9)
    for j in (0, 1):
        col = values[:, j][~np.isnan(values[:, j])]
        want = student_t.interval(
            0.9, col.size - 1, loc=col.mean(), scale=col.std(ddof=1) / np.sqrt(col.size)
        )
        assert mean[j] == pytest.approx(col.mean())
        assert (low[j], high[j]) == pytest.approx(want)
    assert mean[2] == values[0, 2]
    assert np.isnan(low[2]) and np.isnan(high[2])
    with pytest.raises(InputError, match="confidence must lie in"):
        confidence_interval(values, 1.5)


# -- a hand-made result ------------------------------------------------------------------------

VOICE_OFFERED = [[10, 10, 0, 10], [10, 20, 0, 10], [10, 10, 5, 0]]
VOICE_QUICK = [[8, 5, 0, 9], [9, 10, 0, 10], [7, 5, 5, 0]]
VOICE_ABANDONED = [[1, 2, 0, 0], [0, 4, 0, 0], [2, 1, 0, 0]]


def _tally(r: int) -> Tally:
    zero = np.zeros((2, 4))
    offered = zero.copy()
    offered[0] = VOICE_OFFERED[r]
    offered[1] = [4, 0, 4, 0]
    abandoned = zero.copy()
    abandoned[0] = VOICE_ABANDONED[r]
    answered = zero.copy()
    answered[0] = offered[0] - abandoned[0]
    quick = zero.copy()
    quick[0] = VOICE_QUICK[r]
    late = zero.copy()
    late[1] = [r, 0, 1, 0]
    backlog = zero.copy()
    backlog[1] = [2 * r, 0, 1, 1]
    available = np.full((2, 4), 100.0)
    available[:, 3] = 0.0
    return Tally(
        offered=offered,
        answered=answered,
        answered_in_threshold=quick,
        abandoned=abandoned,
        wait_s=answered * (r + 1.0),
        done_on_time=offered - late,
        done_late=late,
        backlog=backlog,
        busy_s=available * (0.5 + 0.1 * r),
        available_s=available,
        events=1,
    )


@pytest.fixture
def made() -> SimulationResult:
    channels = (
        channel("voice", target_service_level=0.8, target_abandon_rate=0.1),
        channel("email", queued=False, rank=2),
    )
    return SimulationResult(
        channels=channels,
        interval_s=43_200.0,
        tallies=tuple(_tally(r) for r in range(3)),
        events=3,
        wall_s=1.0,
    )


def _t_half(values: list[float]) -> float:
    x = np.array(values)
    return float(student_t.ppf(0.975, x.size - 1) * x.std(ddof=1) / np.sqrt(x.size))


def test_by_interval_summarises_each_cell_over_replications(made: SimulationResult) -> None:
    table = made.by_interval().set_index(["channel", "interval"])
    first = table.loc[("voice", 0)]
    assert first.offered == 10
    assert first.service_level == pytest.approx(0.8)
    assert first.service_level_hi - first.service_level == pytest.approx(_t_half([0.8, 0.9, 0.7]))
    assert first.abandon_rate == pytest.approx(0.1)
    assert first.asa_s == pytest.approx(2.0)  # waits of 1, 2, 3 s per answered contact
    assert first.occupancy == pytest.approx(0.6)
    # rep 2 meets neither target (SL 0.7, abandon 0.2); the others meet both, 0.8 and 0.1 included
    assert first.p_meet == pytest.approx(2 / 3)
    # interval 2: only replication 2 offered anything: a mean, no interval
    lone = table.loc[("voice", 2)]
    assert lone.service_level == 1.0 and lone.p_meet == 1.0
    assert np.isnan(lone.service_level_lo) and np.isnan(lone.service_level_hi)
    # interval 3: nobody available, occupancy undefined
    assert np.isnan(table.loc[("voice", 3)].occupancy)
    email = table.loc[("email", 0)]
    assert np.isnan(email.service_level) and np.isnan(email.p_meet)
    assert email.backlog == pytest.approx(2.0) and email.done_late == pytest.approx(1.0)
    assert np.isnan(first.done_late)


def test_by_day_and_by_channel_take_ratios_of_totals(made: SimulationResult) -> None:
    days = made.by_day().set_index(["channel", "day"])
    day0 = days.loc[("voice", 0)]
    sl = [13 / 20, 19 / 30, 12 / 20]
    assert day0.service_level == pytest.approx(np.mean(sl))
    assert day0.service_level_hi - day0.service_level == pytest.approx(_t_half(sl))
    assert day0.offered == pytest.approx(np.mean([20, 30, 20]))
    assert days.loc[("email", 1)].backlog == pytest.approx(1.0)
    whole = made.by_channel(start=1).set_index("channel")
    sl = [14 / 20, 20 / 30, 10 / 15]
    assert whole.loc["voice"].service_level == pytest.approx(np.mean(sl))
    assert whole.loc["voice"].service_level_lo == pytest.approx(np.mean(sl) - _t_half(sl))
    with pytest.raises(InputError, match="no interval"):
        made.by_channel(start=4)


def test_by_day_needs_whole_intervals_per_day(made: SimulationResult) -> None:
    odd = dataclasses.replace(made, interval_s=7000.0)
    with pytest.raises(InputError, match="does not divide a day"):
        odd.by_day()

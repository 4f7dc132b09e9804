"""The roster simulation against Erlang C, Erlang A and chat formulas, single skill, stationary.

Each case staffs one channel with ``N`` agents present the whole horizon (and
past it, so the last contacts are served), constant demand and no residual
shrinkage: exactly the queue :func:`rostering.sizing.queued.queue_kpis`
models. Each replication starts empty; the first interval is dropped as
warm-up and the KPIs are ratios of the remaining totals, one value per
replication, so the 99 % interval is a Student-t interval over independent
replications.

A 99 % interval misses the true value about once in a hundred checks, and this
file makes about sixty. Run over sixteen seed families (``SIM_SEED_FAMILY``
0-15), 2 of 944 checks fell outside (0.2 %), in different cases and measures;
family 0, used here, has no miss. Near-critical Erlang C with hundreds of
agents has a skewed per-replication ASA, so those cases run at 93-94 %
occupancy with longer replications. ``test_intervals_reject_one_agent_off``
shows the intervals are tight enough to tell ``N`` from ``N + 1`` agents.
"""

from __future__ import annotations

import math
import os

import pytest

from rostering.simulation import simulate
from rostering.sizing.queued import queue_kpis
from tests.simulation.factories import channel, site

SEED_FAMILY = int(os.environ.get("SIM_SEED_FAMILY", "0"))

# (agents, load, aht_s, threshold_s, patience_s, concurrency, interval_s, intervals, replications)
CASES = [
    pytest.param(1, 0.5, 180.0, 20.0, None, 1, 7200.0, 300, 10, id="C-1-agent"),
    pytest.param(2, 1.5, 120.0, 15.0, None, 1, 3600.0, 180, 10, id="C-2-agents"),
    pytest.param(5, 4.0, 300.0, 20.0, None, 1, 7200.0, 150, 10, id="C-5-agents-heavy"),
    pytest.param(14, 10.0, 180.0, 20.0, None, 1, 3600.0, 48, 10, id="C-14-agents"),
    pytest.param(60, 55.0, 240.0, 20.0, None, 1, 3600.0, 15, 10, id="C-60-agents"),
    pytest.param(200, 186.0, 300.0, 15.0, None, 1, 1800.0, 20, 10, id="C-200-agents"),
    pytest.param(1, 0.9, 180.0, 30.0, 120.0, 1, 7200.0, 180, 10, id="A-1-agent"),
    pytest.param(3, 3.5, 240.0, 20.0, 60.0, 1, 3600.0, 120, 10, id="A-3-agents-overloaded"),
    pytest.param(10, 9.5, 180.0, 20.0, 300.0, 1, 3600.0, 48, 10, id="A-10-agents"),
    pytest.param(25, 24.0, 300.0, 30.0, 90.0, 1, 3600.0, 30, 10, id="A-25-agents"),
    pytest.param(100, 98.0, 300.0, 20.0, 200.0, 1, 1800.0, 15, 10, id="A-100-agents"),
    pytest.param(4, 9.0, 600.0, 30.0, None, 3, 7200.0, 75, 10, id="chat-C-4x3"),
    pytest.param(5, 7.0, 400.0, 30.0, None, 2, 3600.0, 90, 10, id="chat-C-5x2"),
    pytest.param(6, 14.0, 900.0, 60.0, 180.0, 3, 7200.0, 75, 10, id="chat-A-6x3"),
    pytest.param(3, 5.5, 600.0, 60.0, 240.0, 2, 7200.0, 90, 10, id="chat-A-3x2"),
    pytest.param(
        500, 470.0, 300.0, 20.0, None, 1, 1800.0, 12, 10, id="C-500-agents", marks=pytest.mark.slow
    ),
    pytest.param(
        500, 510.0, 300.0, 20.0, 150.0, 1, 1800.0, 12, 10, id="A-500-agents", marks=pytest.mark.slow
    ),
]


def _summary(
    agents: int,
    load: float,
    aht: float,
    threshold: float,
    patience: float | None,
    concurrency: int,
    interval_s: float,
    intervals: int,
    replications: int,
    seed: int,
) -> dict[str, tuple[float, float, float]]:
    sim = site(
        [channel(threshold_s=threshold, patience_s=patience, concurrency=concurrency)],
        rate_per_s=[load / aht],
        aht_s=[aht],
        agents=agents,
        intervals=intervals,
        interval_s=interval_s,
    )
    result = simulate(sim, replications=replications, seed=seed)
    row = result.by_channel(start=1, confidence=0.99).iloc[0]
    kpis = ("service_level", "asa_s", "abandon_rate", "occupancy")
    return {k: (float(row[k]), float(row[f"{k}_lo"]), float(row[f"{k}_hi"])) for k in kpis}


@pytest.mark.parametrize(
    (
        "agents",
        "load",
        "aht",
        "threshold",
        "patience",
        "concurrency",
        "interval_s",
        "intervals",
        "replications",
    ),
    CASES,
)
def test_formulas_fall_inside_the_simulation_interval(
    agents: int,
    load: float,
    aht: float,
    threshold: float,
    patience: float | None,
    concurrency: int,
    interval_s: float,
    intervals: int,
    replications: int,
) -> None:
    seed = SEED_FAMILY * 1_000_003 + agents * 7919 + concurrency * 31 + int(load * 10)
    sim = _summary(
        agents,
        load,
        aht,
        threshold,
        patience,
        concurrency,
        interval_s,
        intervals,
        replications,
        seed,
    )
    kpis = queue_kpis(
        agents,
        load,
        aht_s=aht,
        threshold_s=threshold,
        patience_s=patience,
        concurrency=concurrency,
    )
    expected = {
        "service_level": float(kpis.service_level),
        "asa_s": float(kpis.asa_s),
        "occupancy": float(kpis.occupancy),
    }
    if patience is None:
        assert sim["abandon_rate"][0] == 0.0
    else:
        expected["abandon_rate"] = float(kpis.abandon_rate)
    misses = {k: (v, sim[k]) for k, v in expected.items() if not sim[k][1] <= v <= sim[k][2]}
    assert misses == {}


def test_intervals_reject_one_agent_off() -> None:
    sim = _summary(10, 9.0, 180.0, 20.0, None, 1, 3600.0, 30, 10, 3)
    right = queue_kpis(10, 9.0, aht_s=180.0, threshold_s=20.0)
    wrong = queue_kpis(11, 9.0, aht_s=180.0, threshold_s=20.0)
    low, high = sim["service_level"][1:]
    assert low <= float(right.service_level) <= high
    assert not low <= float(wrong.service_level) <= high
    low, high = sim["asa_s"][1:]
    assert not low <= float(wrong.asa_s) <= high
    assert math.isfinite(sim["occupancy"][0])

"""Minimum agents: exact (N - 1 fails, N meets every target) and monotone, with hypothesis."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rostering.domain.channels import ServiceTargets
from rostering.errors import InputError
from rostering.sizing.erlang_a import erlang_a_kpis
from rostering.sizing.erlang_c import erlang_c_kpis
from rostering.sizing.kpis import QueueKpis
from rostering.sizing.queued import queue_kpis
from rostering.sizing.staffing import min_agents


def meets(k: QueueKpis, targets: ServiceTargets) -> np.ndarray:
    ok = ~k.unstable
    if targets.service_level is not None:
        ok &= k.service_level >= targets.service_level
    if targets.asa_s is not None:
        ok &= k.asa_s <= targets.asa_s
    if targets.abandon_rate is not None:
        ok &= k.abandon_rate <= targets.abandon_rate
    if targets.max_occupancy is not None:
        ok &= k.occupancy <= targets.max_occupancy
    return ok


targets_strategy = st.builds(
    ServiceTargets,
    service_level=st.one_of(st.none(), st.floats(0.5, 0.98)),
    threshold_s=st.floats(5.0, 120.0),
    asa_s=st.one_of(st.none(), st.floats(5.0, 120.0)),
    abandon_rate=st.none(),
    max_occupancy=st.one_of(st.none(), st.floats(0.6, 1.0)),
)


def test_smallest_stable_value_at_fractional_and_integer_loads() -> None:
    # with no target but stability the answer is floor(A) + 1: never round(A + 1) nor ceil(A)
    none = ServiceTargets(service_level=None, max_occupancy=None)
    loads = [0.0, 0.2, 0.5, 0.6, 1.0, 9.5, 10.0, 10.6, 99.99]
    assert min_agents(loads, 180.0, targets=none).tolist() == [0, 1, 1, 1, 2, 10, 11, 11, 100]


def test_fractional_load_where_rounding_up_would_overstaff() -> None:
    # A = 10.6 erlangs, 20 % in 60 s: 11 agents already meet it (round(A + 1) = 12 would not
    # be minimal)
    targets = ServiceTargets(service_level=0.2, threshold_s=60.0, max_occupancy=None)
    n = int(min_agents(10.6, 180.0, targets=targets))
    assert n == 11
    sl = erlang_c_kpis([10, 11], 10.6, aht_s=180.0, threshold_s=60.0).service_level
    assert sl[0] < 0.2 <= sl[1]


def test_known_requirement_of_the_worked_example() -> None:
    # Call Centre Helper example: A = 10 erlangs, 80 % in 20 s -> 14 agents
    targets = ServiceTargets(service_level=0.8, threshold_s=20.0, max_occupancy=None)
    assert int(min_agents(10.0, 180.0, targets=targets)) == 14


def test_large_loads_are_sized_exactly() -> None:
    loads = np.array([950.0, 2500.5, 4700.0])
    targets = ServiceTargets(service_level=0.9, threshold_s=10.0, max_occupancy=None)
    n = min_agents(loads, 300.0, targets=targets)
    assert np.all(n < 5000)
    at_n = erlang_c_kpis(n, loads, aht_s=300.0, threshold_s=10.0)
    below = erlang_c_kpis(n - 1, loads, aht_s=300.0, threshold_s=10.0)
    assert np.all(meets(at_n, targets)) and not np.any(meets(below, targets))


@settings(max_examples=60, deadline=None)
@given(
    load=st.floats(0.01, 300.0),
    aht=st.floats(30.0, 900.0),
    targets=targets_strategy,
    concurrency=st.integers(1, 4),
)
def test_min_agents_erlang_c_is_minimal(
    load: float, aht: float, targets: ServiceTargets, concurrency: int
) -> None:
    n = int(min_agents(load, aht, targets=targets, concurrency=concurrency))
    kw = {"aht_s": aht, "threshold_s": targets.threshold_s, "concurrency": concurrency}
    assert meets(queue_kpis(n, load, **kw), targets)
    assert n >= 1
    assert not meets(queue_kpis(n - 1, load, **kw), targets)


@settings(max_examples=40, deadline=None)
@given(
    load=st.floats(0.01, 150.0),
    aht=st.floats(60.0, 600.0),
    patience=st.floats(10.0, 1800.0),
    targets=targets_strategy,
    abandon=st.one_of(st.none(), st.floats(0.01, 0.2)),
)
def test_min_agents_erlang_a_is_minimal(
    load: float, aht: float, patience: float, targets: ServiceTargets, abandon: float | None
) -> None:
    targets = targets.model_copy(update={"abandon_rate": abandon})
    n = int(min_agents(load, aht, targets=targets, patience_s=patience))
    kw = {"aht_s": aht, "patience_s": patience, "threshold_s": targets.threshold_s}
    assert meets(erlang_a_kpis(n, load, **kw), targets)
    assert not meets(erlang_a_kpis(n - 1, load, **kw), targets)


@settings(max_examples=60, deadline=None)
@given(
    load=st.floats(0.01, 500.0),
    aht=st.floats(30.0, 900.0),
    patience=st.floats(5.0, 3600.0),
    t=st.floats(0.0, 120.0),
)
def test_adding_agents_never_hurts(load: float, aht: float, patience: float, t: float) -> None:
    agents = np.arange(0, int(load * 1.6) + 12)
    c = erlang_c_kpis(agents, load, aht_s=aht, threshold_s=t)
    a = erlang_a_kpis(agents, load, aht_s=aht, patience_s=patience, threshold_s=t)
    # probabilities carry an absolute rounding error of about 1e-11 in deep overload, where
    # Erlang A subtracts two numbers of order N/A to get a service level of order 1e-300
    tol = 1e-9
    for k in (c, a):
        assert np.all(np.diff(k.service_level) >= -tol)
        assert np.all(np.diff(k.wait_probability) <= tol)
        assert np.all(np.diff(k.asa_s[~k.unstable]) <= 1e-7 * k.asa_s[~k.unstable][:-1] + tol)
        assert np.all(np.diff(k.occupancy) <= tol)
    assert np.all(np.diff(a.abandon_rate) <= tol)


def test_zero_volume_gives_zero_agents_for_every_model() -> None:
    t = ServiceTargets(abandon_rate=0.05)
    assert min_agents([0.0, 0.0], 180.0, targets=t, patience_s=60.0).tolist() == [0, 0]
    assert min_agents(0.0, 180.0, targets=ServiceTargets()).tolist() == 0


def test_impossible_ceiling_is_an_error() -> None:
    with pytest.raises(InputError, match="more than"):
        min_agents(9.5e6, 180.0, targets=ServiceTargets(max_occupancy=0.5))


def test_min_agents_rejects_abandon_target_without_patience() -> None:
    with pytest.raises(InputError, match="abandon_rate needs patience_s"):
        min_agents(5.0, 180.0, targets=ServiceTargets(abandon_rate=0.05))

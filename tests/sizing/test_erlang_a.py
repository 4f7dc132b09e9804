"""Erlang A: exact cross-check with the birth-death chain, the Erlang C limit, no-agent rows."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.linalg import expm

from rostering.sizing.erlang_a import erlang_a_kpis
from rostering.sizing.erlang_c import erlang_c_kpis


def brute_erlang_a(
    n: int, load: float, aht: float, patience: float, t: float, depth: int = 400
) -> tuple[float, float, float, float]:
    """(P(wait), SL(t), ASA, P(ab)) of M/M/n+M from the truncated birth-death chain.

    Independent of the closed forms: stationary law by the balance equations,
    SL from the matrix exponential of the tagged caller's absorbing chain,
    ASA from the moments of its exponential stages.
    """
    mu, lam, theta = 1 / aht, load / aht, 1 / patience
    log_p = [0.0]
    for j in range(1, n + depth):
        rate = j * mu if j <= n else n * mu + (j - n) * theta
        log_p.append(log_p[-1] + math.log(lam / rate))
    p = np.exp(np.array(log_p) - max(log_p))
    p /= p.sum()
    p_wait = float(p[n:].sum())
    queue = sum((j - n) * p[j] for j in range(n, len(p)))
    p_ab = theta * queue / lam
    sl, wait_answered = 1 - p_wait, 0.0
    for k in range(len(p) - n):
        if p[n + k] < 1e-15:
            continue
        rates = n * mu + theta * np.arange(k, -1, -1)
        m = k + 1
        q = np.zeros((m + 2, m + 2))  # k..0 ahead, answered, abandoned
        for i, r in enumerate(rates):
            q[i, i + 1 if i + 1 < m else m] += r
            q[i, m + 1] += theta
            q[i, i] -= r + theta
        sl += p[n + k] * expm(q * t)[0, m]
        wait_answered += p[n + k] * np.prod(rates / (rates + theta)) * np.sum(1 / (rates + theta))
    return p_wait, float(sl), float(wait_answered / (1 - p_ab)), float(p_ab)


# --- known answers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "load", "aht", "patience", "t"),
    [
        (1, 0.3, 180.0, 90.0, 20.0),
        (5, 4.0, 180.0, 120.0, 20.0),
        (10, 12.0, 300.0, 60.0, 30.0),
        (3, 1.5, 100.0, 1000.0, 10.0),
        (2, 5.0, 60.0, 30.0, 15.0),
        (20, 18.5, 240.0, 300.0, 20.0),
    ],
)
def test_erlang_a_equals_birth_death_chain(
    n: int, load: float, aht: float, patience: float, t: float
) -> None:
    p_wait, sl, asa, p_ab = brute_erlang_a(n, load, aht, patience, t)
    k = erlang_a_kpis(n, load, aht_s=aht, patience_s=patience, threshold_s=t)
    assert float(k.wait_probability) == pytest.approx(p_wait, rel=1e-9)
    assert float(k.service_level) == pytest.approx(sl, rel=1e-9)
    assert float(k.abandon_rate) == pytest.approx(p_ab, rel=1e-9)
    assert float(k.asa_s) == pytest.approx(asa, rel=1e-6)
    assert float(k.occupancy) == pytest.approx(load * (1 - p_ab) / n, rel=1e-9)


@pytest.mark.parametrize(("n", "load"), [(1, 0.5), (12, 10.0), (60, 55.3), (400, 385.0)])
def test_erlang_a_tends_to_erlang_c_as_patience_grows(n: int, load: float) -> None:
    c = erlang_c_kpis(n, load, aht_s=180.0, threshold_s=20.0)
    previous = math.inf
    for patience in (1e3, 1e5, 1e7, 1e9):
        a = erlang_a_kpis(n, load, aht_s=180.0, patience_s=patience, threshold_s=20.0)
        gap = abs(float(a.service_level - c.service_level))
        assert gap <= previous + 1e-12
        previous = gap
    assert float(a.service_level) == pytest.approx(float(c.service_level), abs=1e-5)
    assert float(a.wait_probability) == pytest.approx(float(c.wait_probability), abs=1e-5)
    assert float(a.asa_s) == pytest.approx(float(c.asa_s), rel=1e-4, abs=1e-4)
    assert float(a.abandon_rate) < 1e-5


@settings(max_examples=40, deadline=None)
@given(load=st.floats(0.05, 200.0), aht=st.floats(60.0, 600.0), t=st.floats(0.0, 60.0))
def test_more_patience_means_fewer_abandons_and_erlang_c_in_the_limit(
    load: float, aht: float, t: float
) -> None:
    n = int(np.floor(load)) + 1
    patiences = np.array([10.0, 100.0, 1e3, 1e4, 1e5, 1e7])
    a = erlang_a_kpis(n, load, aht_s=aht, patience_s=patiences, threshold_s=t)
    assert np.all(np.diff(a.abandon_rate) <= 1e-12)
    c = erlang_c_kpis(n, load, aht_s=aht, threshold_s=t)
    gaps = np.abs(a.wait_probability - c.wait_probability)
    assert gaps[-1] <= gaps[0] + 1e-12
    assert gaps[-1] < 1e-2


# --- idle queues and no agent ----------------------------------------------------------------


def test_zero_load_waits_nothing_and_no_agent_answers_nobody() -> None:
    a = erlang_a_kpis(0, [0.0, 2.0], aht_s=180.0, patience_s=60.0, threshold_s=20.0)
    assert a.unstable.tolist() == [False, True]
    assert a.abandon_rate.tolist() == [0.0, 1.0]

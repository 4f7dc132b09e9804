"""Erlang B/C/A: known answers, exact cross-checks, numerics at the edges, errors."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from scipy.linalg import expm

from rostering.domain.channels import ServiceTargets
from rostering.errors import InputError
from rostering.sizing import (
    erlang_a_kpis,
    erlang_b,
    erlang_c_asa,
    erlang_c_kpis,
    erlang_c_service_level,
    erlang_c_wait_probability,
    min_agents,
    queue_kpis,
)


def exact_erlang_c(n: int, a: Fraction) -> Fraction:
    """P(wait) of M/M/n by the textbook sum, in exact rational arithmetic."""
    top = a**n / math.factorial(n) * n / (n - a)
    return top / (sum(a**k / math.factorial(k) for k in range(n)) + top)


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


def test_erlang_b_matches_published_table() -> None:
    # Erlang B tables (e.g. Cooper, Introduction to Queueing Theory, 1981): B(5, 5) = 0.2849,
    # B(10, 10) = 0.2146.
    assert erlang_b([5, 10], [5.0, 10.0]) == pytest.approx([0.2849, 0.2146], abs=5e-5)
    assert float(erlang_b(2, 1.0)) == pytest.approx(0.2)


def test_erlang_c_westbay_worked_example() -> None:
    # Westbay Engineers, "The Erlang-C formula" (worked example): 360 calls per half hour,
    # 4-minute calls (A = 48 erlangs), 55 agents, 15 s target: P(wait) = 0.2387,
    # ASA = 8.18 s, service level 84.6 %.
    k = erlang_c_kpis(55, 360 * 240 / 1800, aht_s=240.0, threshold_s=15.0)
    assert float(k.wait_probability) == pytest.approx(0.2387, abs=5e-5)
    assert float(k.asa_s) == pytest.approx(8.18, abs=5e-3)
    assert float(k.service_level) == pytest.approx(0.846, abs=5e-4)
    assert float(k.occupancy) == pytest.approx(48 / 55)


def test_erlang_c_call_centre_helper_example() -> None:
    # Call Centre Helper, "Erlang C formula - made simple": 100 calls in 30 min of 180 s
    # (A = 10 erlangs), 11 agents: P(wait) = 0.6821, SL(20 s) = 39 %; 14 agents reach 80 %.
    k = erlang_c_kpis([11, 13, 14], 10.0, aht_s=180.0, threshold_s=20.0)
    assert k.wait_probability[0] == pytest.approx(0.6821, abs=5e-5)
    assert k.service_level[0] == pytest.approx(0.39, abs=5e-3)
    assert k.service_level[1] < 0.8 <= k.service_level[2]


@pytest.mark.parametrize(
    ("n", "a"),
    [
        (1, Fraction(1, 2)),
        (3, Fraction(5, 2)),
        (7, Fraction(6)),
        (12, Fraction(21, 2)),
        (30, Fraction(27)),
    ],
)
def test_erlang_c_equals_exact_rational_formula(n: int, a: Fraction) -> None:
    exact = exact_erlang_c(n, a)
    assert float(erlang_c_wait_probability(n, float(a))) == pytest.approx(float(exact), rel=1e-12)
    aht, t = 200.0, 30.0
    expected_sl = 1 - float(exact) * math.exp(-(n - float(a)) * t / aht)
    assert float(erlang_c_service_level(n, float(a), aht_s=aht, threshold_s=t)) == pytest.approx(
        expected_sl, rel=1e-12
    )
    assert float(erlang_c_asa(n, float(a), aht_s=aht)) == pytest.approx(
        float(exact) * aht / (n - float(a)), rel=1e-12
    )


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


# --- numerics at the edges -------------------------------------------------------------------


def test_stable_from_zero_to_five_thousand_agents_at_any_load() -> None:
    agents = np.arange(0, 5001, 7)[:, None]
    loads = np.array([0.0, 1e-6, 0.3, 1.0, 9.99, 100.0, 999.5, 2500.0, 4999.9, 5000.0, 2e4])
    c = erlang_c_kpis(agents, loads, aht_s=300.0, threshold_s=20.0)
    a = erlang_a_kpis(agents, loads, aht_s=300.0, patience_s=90.0, threshold_s=20.0)
    for kpis in (c, a):
        for values in (kpis.wait_probability, kpis.service_level, kpis.occupancy):
            assert np.all(np.isfinite(values))
            assert np.all((values >= 0) & (values <= 1))
        assert not np.any(np.isnan(kpis.asa_s))
    assert np.all(np.isfinite(a.abandon_rate))
    assert np.array_equal(c.unstable, (agents <= loads) & (loads > 0))
    assert np.all(np.isinf(c.asa_s[c.unstable]))
    assert np.all(c.service_level[c.unstable] == 0)
    assert np.all(np.isfinite(a.asa_s[~a.unstable]))


def test_unstable_erlang_c_is_reported_not_disguised() -> None:
    k = erlang_c_kpis([9, 10, 11], 10.0, aht_s=180.0, threshold_s=20.0)
    assert k.unstable.tolist() == [True, True, False]
    assert k.service_level[:2].tolist() == [0.0, 0.0]
    assert np.isinf(k.asa_s[:2]).all()
    assert k.wait_probability[:2].tolist() == [1.0, 1.0]


def test_zero_load_needs_nothing_and_waits_nothing() -> None:
    k = erlang_c_kpis([0, 3], 0.0, aht_s=180.0, threshold_s=20.0)
    assert k.service_level.tolist() == [1.0, 1.0]
    assert k.asa_s.tolist() == [0.0, 0.0]
    assert not k.unstable.any()
    a = erlang_a_kpis(0, [0.0, 2.0], aht_s=180.0, patience_s=60.0, threshold_s=20.0)
    assert a.unstable.tolist() == [False, True]
    assert a.abandon_rate.tolist() == [0.0, 1.0]


def test_chat_concurrency_multiplies_servers() -> None:
    chat = queue_kpis(4, 9.0, aht_s=600.0, threshold_s=30.0, concurrency=3)
    plain = erlang_c_kpis(12, 9.0, aht_s=600.0, threshold_s=30.0)
    assert float(chat.service_level) == float(plain.service_level)
    assert float(chat.occupancy) == pytest.approx(9.0 / 12)


# --- input errors -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: erlang_c_kpis(3, 1.0, aht_s=-20.0, threshold_s=20.0),
            "aht_s must be positive, got -20",
        ),
        (lambda: erlang_c_kpis(3, -1.0, aht_s=20.0, threshold_s=20.0), "load must be >= 0, got -1"),
        (
            lambda: erlang_c_kpis(2.5, 1.0, aht_s=20.0, threshold_s=20.0),
            "agents must be whole numbers",
        ),
        (
            lambda: erlang_a_kpis(3, 1.0, aht_s=20.0, patience_s=0.0, threshold_s=20.0),
            "patience_s must be positive, got 0",
        ),
        (lambda: erlang_c_kpis(3, np.nan, aht_s=20.0, threshold_s=20.0), "load must be finite"),
        (
            lambda: queue_kpis(3, 1.0, aht_s=20.0, threshold_s=20.0, concurrency=0),
            "concurrency must be >= 1, got 0",
        ),
    ],
)
def test_bad_arguments_are_named(call: object, message: str) -> None:
    assert callable(call)
    with pytest.raises(InputError, match=message):
        call()


def test_min_agents_rejects_abandon_target_without_patience() -> None:
    with pytest.raises(InputError, match="abandon_rate needs patience_s"):
        min_agents(5.0, 180.0, targets=ServiceTargets(abandon_rate=0.05))

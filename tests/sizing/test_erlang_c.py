"""Erlang B and C: published known answers, the exact rational formula, unstable rows."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

from rostering.sizing.erlang_c import (
    erlang_b,
    erlang_c_asa,
    erlang_c_kpis,
    erlang_c_occupancy,
    erlang_c_service_level,
    erlang_c_wait_probability,
)


def exact_erlang_c(n: int, a: Fraction) -> Fraction:
    """P(wait) of M/M/n by the textbook sum, in exact rational arithmetic."""
    top = a**n / math.factorial(n) * n / (n - a)
    return top / (sum(a**k / math.factorial(k) for k in range(n)) + top)


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


# --- unstable and idle queues ----------------------------------------------------------------


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


def test_occupancy_is_load_over_agents_and_full_when_unstable() -> None:
    occ = erlang_c_occupancy([0, 5, 8, 10], [0.0, 6.0, 6.0, 5.0])
    assert occ.tolist() == [0.0, 1.0, 0.75, 0.5]

"""Shared numerics: log-space building blocks against exact sums, range edges, named errors."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

from rostering.errors import InputError
from rostering.sizing.erlang_a import erlang_a_kpis
from rostering.sizing.erlang_c import erlang_c_kpis
from rostering.sizing.numerics import log_erlang_b_ratio, log_kummer

# --- building blocks -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "a"),
    [(1, 0.5), (3, 2.5), (7, 6.0), (12, 30.0), (40, 27.0), (200, 150.0), (600, 1500.0)],
)
def test_log_erlang_b_ratio_equals_the_exact_sum(n: int, a: float) -> None:
    # R = 1/B - 1 = sum_{j<n} (a^j / j!) / (a^n / n!), in exact rationals; the cases cover
    # both the series (n <= a/2) and the incomplete-gamma branch
    fa = Fraction(a)
    r = sum(fa**j / math.factorial(j) for j in range(n)) / (fa**n / math.factorial(n))
    expected = math.log(r.numerator) - math.log(r.denominator)
    got = float(log_erlang_b_ratio(np.array([float(n)]), np.array([a]))[0])
    assert got == pytest.approx(expected, rel=1e-12, abs=1e-12)


def test_log_erlang_b_ratio_of_no_server_is_minus_infinity() -> None:
    assert log_erlang_b_ratio(np.array([0.0]), np.array([3.0])).tolist() == [-math.inf]


@pytest.mark.parametrize(
    ("x", "y"), [(0.0, 0.0), (5.0, 0.5), (10.0, 10.0), (30.0, 4.0), (2.0, 9.0), (0.5, 40.0)]
)
def test_log_kummer_equals_its_series(x: float, y: float) -> None:
    # M(1, x + 1, y) = sum_k y^k / prod_{i=1..k} (x + i), summed term by term
    total, term, k = 1.0, 1.0, 0
    while term > 1e-18 * total:
        k += 1
        term *= y / (x + k)
        total += term
    got = float(log_kummer(np.array([x]), np.array([y]))[0])
    assert got == pytest.approx(math.log(total), rel=1e-12, abs=1e-14)


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
    ],
)
def test_bad_arguments_are_named(call: object, message: str) -> None:
    assert callable(call)
    with pytest.raises(InputError, match=message):
        call()

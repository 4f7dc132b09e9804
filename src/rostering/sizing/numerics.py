r"""Shared numerics of the queueing formulas: argument checks and log-space building blocks.

Every formula of :mod:`~rostering.sizing.erlang_c` and
:mod:`~rostering.sizing.erlang_a` is vectorised: arguments broadcast against
each other like numpy ufuncs, so one call evaluates a whole horizon of
intervals. Nothing uses factorials or powers that can overflow; the building
blocks here are evaluated in log space with ``scipy.special`` (``gammaln``,
``gammaincc``, ``gammainc``, ``hyp1f1``), and stay finite and NaN-free from 0
to many thousands of agents.

The checks turn a bad argument into an :class:`~rostering.errors.InputError`
that names the argument and its first bad value.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy.special import gammainc, gammaincc, gammaln, hyp1f1

from rostering.errors import InputError

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

_TINY_Q = 1e-280
"""Below this the Poisson tail from ``gammaincc`` is not trusted and a series is used."""


def as_float(name: str, value: npt.ArrayLike) -> FloatArray:
    """``value`` as a float array; an error naming ``name`` if any element is NaN or infinite."""
    arr = np.asarray(value, dtype=np.float64)
    if not np.all(np.isfinite(arr)):
        raise InputError(f"{name} must be finite, got {_first_bad(arr, ~np.isfinite(arr))}")
    return arr


def _first_bad(arr: FloatArray, bad: BoolArray) -> str:
    """The first offending value, as it is quoted in an error message."""
    return repr(float(arr[bad].flat[0]))


def check_nonnegative(name: str, arr: FloatArray) -> None:
    """An error naming ``name`` if any element is below zero."""
    if np.any(arr < 0):
        raise InputError(f"{name} must be >= 0, got {_first_bad(arr, arr < 0)}")


def check_positive(name: str, arr: FloatArray) -> None:
    """An error naming ``name`` if any element is zero or below."""
    if np.any(arr <= 0):
        raise InputError(f"{name} must be positive, got {_first_bad(arr, arr <= 0)}")


def check_agents(agents: npt.ArrayLike) -> FloatArray:
    """Agents (or servers) as a float array of whole numbers >= 0; an error otherwise."""
    arr = as_float("agents", agents)
    check_nonnegative("agents", arr)
    if np.any(arr != np.floor(arr)):
        bad = arr != np.floor(arr)
        raise InputError(f"agents must be whole numbers, got {_first_bad(arr, bad)}")
    return arr


def _log_r_series(n: FloatArray, a: FloatArray) -> FloatArray:
    """``log R`` by the finite series ``R = sum_{m=1..n} n!/((n-m)! a^m)`` (for ``n <= a``)."""
    total = np.zeros(n.shape)
    term = n / a
    m = 1.0
    active = term > 0
    while np.any(active):
        total = np.where(active, total + term, total)
        term = np.where(active, term * (n - m) / a, 0.0)
        m += 1.0
        active = term > 1e-17 * total
    return np.log(total)


def log_erlang_b_ratio(n: FloatArray, a: FloatArray) -> FloatArray:
    r"""``log R`` with :math:`R = 1/B(n, a) - 1`, where :math:`B` is Erlang B.

    :math:`1/B(n, a) = P(X \le n) / P(X = n)` for :math:`X \sim Poisson(a)`, and
    :math:`P(X \le n)` = ``gammaincc(n + 1, a)``. ``-inf`` where ``n == 0``.
    Requires ``a > 0``.
    """
    out = np.full(n.shape, -np.inf)
    positive = n > 0
    by_series = positive & (n <= 0.5 * a)
    direct = positive & ~by_series
    if np.any(direct):
        nd, ad = n[direct], a[direct]
        q = gammaincc(nd + 1.0, ad)
        trusted = q > _TINY_Q
        log_pmf = nd * np.log(ad) - ad - gammaln(nd + 1.0)
        log_inv_b = np.maximum(np.log(np.where(trusted, q, 1.0)) - log_pmf, 1e-300)
        log_r = log_inv_b + np.log(-np.expm1(-log_inv_b))
        if not np.all(trusted):
            log_r[~trusted] = _log_r_series(nd[~trusted], ad[~trusted])
        out[direct] = log_r
    if np.any(by_series):
        out[by_series] = _log_r_series(n[by_series], a[by_series])
    return out


def log_kummer(x: FloatArray, y: FloatArray) -> FloatArray:
    r"""``log M(1, x + 1, y)`` with :math:`M(1, x+1, y) = \sum_{k \ge 0} y^k / \prod_{i=1}^k (x+i)`.

    Equals :math:`\Gamma(x+1) e^y y^{-x} P(x, y)` (``P`` = regularised lower
    incomplete gamma ``gammainc``). ``hyp1f1`` is used where ``y <= x`` (the
    value is moderate) and the gamma form in log space where ``y > x`` (the
    value may exceed the float range). Requires ``x >= 0`` and ``y >= 0``.
    """
    out = np.zeros(np.broadcast(x, y).shape)
    x, y = np.broadcast_arrays(x, y)
    small = y <= x
    if np.any(small):
        out[small] = np.log(hyp1f1(1.0, x[small] + 1.0, y[small]))
    big = ~small
    if np.any(big):
        xb, yb = x[big], y[big]
        out[big] = gammaln(xb + 1.0) + yb - xb * np.log(yb) + np.log(gammainc(xb, yb))
    return out


__all__ = [
    "BoolArray",
    "FloatArray",
    "IntArray",
    "as_float",
    "check_agents",
    "check_nonnegative",
    "check_positive",
    "log_erlang_b_ratio",
    "log_kummer",
]

r"""Queues without abandonment: Erlang B (M/M/N/N) and Erlang C (M/M/N).

Vectorised and evaluated in log space (:mod:`~rostering.sizing.numerics`);
the measures and the ``unstable`` convention for :math:`N \le A` are defined
in :mod:`~rostering.sizing.kpis`.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy.special import expit

from rostering.sizing.kpis import QueueKpis
from rostering.sizing.numerics import (
    BoolArray,
    FloatArray,
    as_float,
    check_agents,
    check_nonnegative,
    check_positive,
    log_erlang_b_ratio,
)


def erlang_b(agents: npt.ArrayLike, load: npt.ArrayLike) -> FloatArray:
    r"""Erlang B blocking probability of an M/M/N/N loss system.

    .. math:: B(N, A) = \frac{A^N / N!}{\sum_{k=0}^{N} A^k / k!}
              = \frac{P(X = N)}{P(X \le N)},\quad X \sim \mathrm{Poisson}(A)

    evaluated as :math:`1 / (1 + R)` with :math:`\log R` from the incomplete
    gamma function (never factorials).

    Parameters
    ----------
    agents : array_like of int
        Servers :math:`N \ge 0`.
    load : array_like of float
        Offered load :math:`A \ge 0` in erlangs.

    Returns
    -------
    numpy.ndarray
        :math:`B(N, A)`; 1 where ``agents == 0`` and 0 where ``load == 0 < agents``.

    Examples
    --------
    >>> round(float(erlang_b(2, 1.0)), 12)
    0.2
    """
    n = check_agents(agents)
    a = as_float("load", load)
    check_nonnegative("load", a)
    n, a = np.broadcast_arrays(n, a)
    out = np.where(n == 0, 1.0, 0.0)
    live = (a > 0) & (n > 0)
    if np.any(live):
        out[live] = expit(-log_erlang_b_ratio(n[live], a[live]))
    return out


def _erlang_c_core(
    n: FloatArray, a: FloatArray, *, aht_s: FloatArray, threshold_s: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, BoolArray]:
    """Erlang C on broadcast float arrays: (P(wait), SL, ASA, occupancy, unstable)."""
    shape = np.broadcast(n, a, aht_s, threshold_s).shape
    n, a, aht, t = (np.broadcast_to(v, shape) for v in (n, a, aht_s, threshold_s))
    idle = a == 0
    unstable = (~idle) & (n <= a)
    wait = np.where(idle, 0.0, 1.0)
    sl = np.where(idle, 1.0, 0.0)
    asa = np.where(idle, 0.0, np.inf)
    occ = np.where(idle, 0.0, 1.0)
    ok = (~idle) & (~unstable)
    if np.any(ok):
        no, ao, ho, to = n[ok], a[ok], aht[ok], t[ok]
        rho = ao / no
        # C = 1 / (1 + R (1 - rho)),  R = 1/B - 1
        c = expit(-(log_erlang_b_ratio(no, ao) + np.log1p(-rho)))
        wait[ok] = c
        sl[ok] = 1.0 - c * np.exp(-(no - ao) * to / ho)
        asa[ok] = c * ho / (no - ao)
        occ[ok] = rho
    return wait, sl, asa, occ, unstable


def erlang_c_kpis(
    agents: npt.ArrayLike,
    load: npt.ArrayLike,
    *,
    aht_s: npt.ArrayLike,
    threshold_s: npt.ArrayLike,
) -> QueueKpis:
    r"""Every Erlang C (M/M/N, no abandonment) measure at once.

    With :math:`\rho = A/N < 1` and Erlang B :math:`B = B(N, A)`:

    .. math::
        C(N, A) = P(W > 0) = \frac{N B}{N - A (1 - B)},\qquad
        SL(T) = 1 - C\, e^{-(N - A) T / AHT},

        ASA = E[W] = \frac{C \cdot AHT}{N - A},\qquad \text{occupancy} = A / N.

    Parameters
    ----------
    agents : array_like of int
        Agents :math:`N \ge 0`.
    load : array_like of float
        Offered load :math:`A \ge 0` in erlangs.
    aht_s : array_like of float
        Mean handling time in seconds, > 0.
    threshold_s : array_like of float
        Service-level answer time :math:`T` in seconds, >= 0.

    Returns
    -------
    QueueKpis
        ``abandon_rate`` is NaN (not modelled). Where :math:`N \le A` and
        :math:`A > 0` the row is ``unstable``: SL 0, ASA inf, P(wait) 1,
        occupancy 1. With :math:`A = 0`: SL 1, ASA 0, occupancy 0.

    Examples
    --------
    A = 10 erlangs on 11 agents: P(wait) = 0.6821 (Koole, *Call Center
    Optimization*, 2013, table of the Erlang C formula).

    >>> k = erlang_c_kpis(11, 10.0, aht_s=180.0, threshold_s=20.0)
    >>> round(float(k.wait_probability), 4)
    0.6821
    """
    n = check_agents(agents)
    a = as_float("load", load)
    check_nonnegative("load", a)
    aht = as_float("aht_s", aht_s)
    check_positive("aht_s", aht)
    t = as_float("threshold_s", threshold_s)
    check_nonnegative("threshold_s", t)
    wait, sl, asa, occ, unstable = _erlang_c_core(n, a, aht_s=aht, threshold_s=t)
    return QueueKpis(
        wait_probability=wait,
        service_level=sl,
        asa_s=asa,
        abandon_rate=np.full(wait.shape, np.nan),
        occupancy=occ,
        unstable=unstable,
    )


def erlang_c_wait_probability(agents: npt.ArrayLike, load: npt.ArrayLike) -> FloatArray:
    r"""Erlang C probability of waiting :math:`C(N, A) = N B / (N - A(1 - B))`.

    Returns 1 where :math:`N \le A` (unstable) and 0 where :math:`A = 0`.
    See :func:`erlang_c_kpis`.
    """
    return erlang_c_kpis(agents, load, aht_s=1.0, threshold_s=0.0).wait_probability


def erlang_c_service_level(
    agents: npt.ArrayLike,
    load: npt.ArrayLike,
    *,
    aht_s: npt.ArrayLike,
    threshold_s: npt.ArrayLike,
) -> FloatArray:
    r"""Erlang C service level :math:`SL(T) = 1 - C(N, A) e^{-(N-A) T / AHT}` (0 when unstable)."""
    return erlang_c_kpis(agents, load, aht_s=aht_s, threshold_s=threshold_s).service_level


def erlang_c_asa(agents: npt.ArrayLike, load: npt.ArrayLike, *, aht_s: npt.ArrayLike) -> FloatArray:
    r"""Erlang C average speed of answer :math:`C(N, A) \cdot AHT / (N - A)` (inf when unstable)."""
    return erlang_c_kpis(agents, load, aht_s=aht_s, threshold_s=0.0).asa_s


def erlang_c_occupancy(agents: npt.ArrayLike, load: npt.ArrayLike) -> FloatArray:
    r"""Erlang C occupancy :math:`A / N` (1 when unstable, 0 when :math:`A = 0`)."""
    return erlang_c_kpis(agents, load, aht_s=1.0, threshold_s=0.0).occupancy


__all__ = [
    "erlang_b",
    "erlang_c_asa",
    "erlang_c_kpis",
    "erlang_c_occupancy",
    "erlang_c_service_level",
    "erlang_c_wait_probability",
]

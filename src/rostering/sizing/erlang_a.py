r"""Queues with impatient callers: Erlang A (M/M/N+M, exponential patience).

Vectorised and evaluated in log space (:mod:`~rostering.sizing.numerics`).
Erlang A is stable for every :math:`N \ge 1` because waiting callers abandon;
the measures are defined in :mod:`~rostering.sizing.kpis`.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy.special import expit, hyp1f1

from rostering.sizing.kpis import QueueKpis
from rostering.sizing.numerics import (
    BoolArray,
    FloatArray,
    as_float,
    check_agents,
    check_nonnegative,
    check_positive,
    log_erlang_b_ratio,
    log_kummer,
)


def erlang_a_core(
    n: FloatArray,
    a: FloatArray,
    *,
    aht_s: FloatArray,
    patience_s: FloatArray,
    threshold_s: FloatArray,
    want_sl: bool = True,
    want_asa: bool = True,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray, BoolArray]:
    """Erlang A on float arrays: (P(wait), SL, ASA, abandon, occupancy, unstable).

    The arguments are taken as already checked (:func:`erlang_a_kpis` checks
    them); the staffing search calls this directly. Skipped measures
    (``want_sl``/``want_asa`` False) come back as NaN; the search uses this to
    compute only what a channel's targets need.
    """
    shape = np.broadcast(n, a, aht_s, patience_s, threshold_s).shape
    n, a, aht, patience, t = (
        np.broadcast_to(v, shape) for v in (n, a, aht_s, patience_s, threshold_s)
    )
    idle = a == 0
    nobody = (~idle) & (n == 0)
    wait = np.where(idle, 0.0, 1.0)
    sl = np.where(idle, 1.0, 0.0) if want_sl else np.full(shape, np.nan)
    asa = np.where(idle, 0.0, np.inf) if want_asa else np.full(shape, np.nan)
    abandon = np.where(idle, 0.0, 1.0)
    occ = np.where(idle, 0.0, 1.0)
    ok = (~idle) & (~nobody)
    if not np.any(ok):
        return wait, sl, asa, abandon, occ, nobody
    no, ao, ho, po, to = n[ok], a[ok], aht[ok], patience[ok], t[ok]
    theta = 1.0 / po
    x = no * po / ho  # N mu / theta
    y = ao * po / ho  # lambda / theta
    log_s = log_kummer(x, y)  # S = M(1, x+1, y) = sum_k pi_{N+k} / pi_N
    log_r = log_erlang_b_ratio(no, ao)  # R = 1/B - 1 = sum_{j<N} pi_j / pi_N
    log_norm = np.logaddexp(log_s, log_r)  # pi_N = 1 / (S + R)
    p_wait = expit(log_s - log_r)  # S / (S + R)
    pi_n = np.exp(-log_norm)

    # P(Ab) = theta E[Q] / lambda = pi_N * sum_k k t_k / y
    small = y <= x
    p_ab = np.empty_like(x)
    if np.any(small):
        # sum_k k t_k = y/(x+1) M(2, x+2, y): a positive form with no cancellation
        p_ab[small] = pi_n[small] * hyp1f1(2.0, x[small] + 2.0, y[small]) / (x[small] + 1.0)
    big = ~small
    if np.any(big):
        # sum_k k t_k = x + (y - x) S; here N < A so both terms are >= 0
        ratio = no[big] / ao[big]
        p_ab[big] = p_wait[big] * (1.0 - ratio) + ratio * pi_n[big]
    p_ab = np.clip(p_ab, 0.0, 1.0)

    wait[ok] = p_wait
    abandon[ok] = p_ab
    occ[ok] = np.minimum(ao * (1.0 - p_ab) / no, 1.0)

    weight = x / (x + 1.0)
    if want_sl or want_asa:
        # M(1, x+2, y) from S = 1 + y/(x+1) M(1, x+2, y): log(S - 1) + log(x+1) - log(y)
        log_s_minus_1 = np.full_like(log_s, -np.inf)
        large = log_s > 1.0
        log_s_minus_1[large] = log_s[large] + np.log1p(-np.exp(-log_s[large]))
        above_one = (~large) & (log_s > 0)
        log_s_minus_1[above_one] = np.log(np.expm1(log_s[above_one]))
        log_m1 = log_s_minus_1 + np.log1p(x) - np.log(y)
    if want_sl:
        # P(answered within T after waiting) = pi_N x/(x+1)
        #   * [M(1,x+2,y) - exp(-(N mu + theta) T + y (1 - e^{-theta T})) M(1,x+2,y e^{-theta T})]
        z = y * np.exp(-theta * to)
        log_tail = -(no / ho + theta) * to - y * np.expm1(-theta * to) + log_kummer(x + 1.0, z)
        answered_late_ok = weight * (np.exp(log_m1 - log_norm) - np.exp(log_tail - log_norm))
        # 1 - P(wait) as R / (S + R) directly: no cancellation when nearly everyone waits
        sl[ok] = np.clip(expit(log_r - log_s) + answered_late_ok, 0.0, 1.0)
    if want_asa:
        # E[W; answered] = pi_N x / theta * (-d/dx) [M(1, x+2, y) / (x+1)] at fixed y
        step = 1e-4 * (1.0 + x)
        lo = np.maximum(x - step, 0.0)
        hi = x + step

        def h(v: FloatArray) -> FloatArray:
            return log_kummer(v + 1.0, y) - np.log1p(v)

        slope = -(h(hi) - h(lo)) / (hi - lo)
        h_x = log_m1 - np.log1p(x)
        wait_answered = po * x * np.exp(h_x - log_norm) * np.maximum(slope, 0.0)
        served = 1.0 - p_ab
        asa[ok] = np.where(served > 0, wait_answered / np.where(served > 0, served, 1.0), np.inf)
    return wait, sl, asa, abandon, occ, nobody


def erlang_a_kpis(
    agents: npt.ArrayLike,
    load: npt.ArrayLike,
    *,
    aht_s: npt.ArrayLike,
    patience_s: npt.ArrayLike,
    threshold_s: npt.ArrayLike,
) -> QueueKpis:
    r"""Every Erlang A (M/M/N+M, exponential patience) measure at once.

    Follows Garnett, Mandelbaum and Reiman (2002), "Designing a call center
    with impatient customers", *MSOM* 4(3), and Mandelbaum and Zeltyn (2007).
    With :math:`x = N\mu/\theta`, :math:`y = \lambda/\theta` and the Kummer
    function

    .. math::
        S = M(1, x+1, y) = \sum_{k \ge 0} \frac{y^k}{\prod_{i=1}^{k}(x+i)}
          = \Gamma(x+1)\, e^{y} y^{-x} P(x, y)

    (``P`` the regularised lower incomplete gamma), :math:`R = 1/B(N, A) - 1`
    and :math:`\pi_N = 1/(S + R)` the probability that all agents are busy and
    nobody waits:

    .. math::
        P(W > 0) = \frac{S}{S + R},\qquad
        P(Ab) = \frac{\pi_N}{y} \sum_k k\, t_k
              = \pi_N\left[S\left(1 - \tfrac{N}{A}\right) + \tfrac{N}{A}\right],

        SL(T) = 1 - P(W > 0) + \pi_N \frac{x}{x+1}\Big[M(1, x+2, y)
                 - e^{-(N\mu+\theta)T + y(1 - e^{-\theta T})} M(1, x+2, y e^{-\theta T})\Big],

        E[W; \text{answered}] = \frac{\pi_N\, x}{\theta}
            \left(-\frac{\partial}{\partial x}\right) \frac{M(1, x+2, y)}{x+1},
        \qquad ASA = \frac{E[W; \text{answered}]}{1 - P(Ab)},

        \text{occupancy} = A\,(1 - P(Ab)) / N.

    The SL and ASA forms follow from the waiting time of a caller who finds
    :math:`k` callers ahead: a sum of exponential stages with rates
    :math:`N\mu + j\theta`, :math:`j = k..0`, answered if it ends before the
    caller's own patience. The derivative is taken numerically (central
    difference, relative step 1e-4, error below 1e-7 relative). As patience
    grows (:math:`\theta \to 0`) every measure tends to Erlang C.

    Parameters
    ----------
    agents : array_like of int
        Agents :math:`N \ge 0`.
    load : array_like of float
        Offered load :math:`A = \lambda \cdot AHT \ge 0` in erlangs.
    aht_s : array_like of float
        Mean handling time in seconds, > 0.
    patience_s : array_like of float
        Mean patience :math:`1/\theta` in seconds, > 0 and finite.
    threshold_s : array_like of float
        Service-level answer time :math:`T` in seconds, >= 0.

    Returns
    -------
    QueueKpis
        With no agent and a positive load: nobody is answered (SL 0, abandon 1,
        ASA inf, occupancy 1) and the row is ``unstable``.

    Examples
    --------
    Ten agents for ten erlangs would be unstable under Erlang C; with a mean
    patience of two minutes the queue is stable and about one caller in seven
    abandons:

    >>> k = erlang_a_kpis(10, 10.0, aht_s=180.0, patience_s=120.0, threshold_s=20.0)
    >>> bool(k.unstable), round(float(k.abandon_rate), 3)
    (False, 0.137)
    """
    n = check_agents(agents)
    a = as_float("load", load)
    check_nonnegative("load", a)
    aht = as_float("aht_s", aht_s)
    check_positive("aht_s", aht)
    patience = as_float("patience_s", patience_s)
    check_positive("patience_s", patience)
    t = as_float("threshold_s", threshold_s)
    check_nonnegative("threshold_s", t)
    with np.errstate(over="ignore", under="ignore"):
        wait, sl, asa, abandon, occ, unstable = erlang_a_core(
            n, a, aht_s=aht, patience_s=patience, threshold_s=t
        )
    return QueueKpis(
        wait_probability=wait,
        service_level=sl,
        asa_s=asa,
        abandon_rate=abandon,
        occupancy=occ,
        unstable=unstable,
    )


def erlang_a_wait_probability(
    agents: npt.ArrayLike, load: npt.ArrayLike, *, aht_s: npt.ArrayLike, patience_s: npt.ArrayLike
) -> FloatArray:
    r"""Erlang A probability of waiting :math:`S/(S+R)`; see :func:`erlang_a_kpis`."""
    return erlang_a_kpis(
        agents, load, aht_s=aht_s, patience_s=patience_s, threshold_s=0.0
    ).wait_probability


def erlang_a_abandon_rate(
    agents: npt.ArrayLike, load: npt.ArrayLike, *, aht_s: npt.ArrayLike, patience_s: npt.ArrayLike
) -> FloatArray:
    r"""Erlang A share of callers who abandon :math:`P(Ab)`; see :func:`erlang_a_kpis`."""
    return erlang_a_kpis(
        agents, load, aht_s=aht_s, patience_s=patience_s, threshold_s=0.0
    ).abandon_rate


def erlang_a_service_level(
    agents: npt.ArrayLike,
    load: npt.ArrayLike,
    *,
    aht_s: npt.ArrayLike,
    patience_s: npt.ArrayLike,
    threshold_s: npt.ArrayLike,
) -> FloatArray:
    r"""Erlang A share of offered callers answered within :math:`T`; see :func:`erlang_a_kpis`."""
    return erlang_a_kpis(
        agents, load, aht_s=aht_s, patience_s=patience_s, threshold_s=threshold_s
    ).service_level


def erlang_a_asa(
    agents: npt.ArrayLike, load: npt.ArrayLike, *, aht_s: npt.ArrayLike, patience_s: npt.ArrayLike
) -> FloatArray:
    r"""Erlang A mean wait of answered callers; see :func:`erlang_a_kpis`."""
    return erlang_a_kpis(agents, load, aht_s=aht_s, patience_s=patience_s, threshold_s=0.0).asa_s


def erlang_a_occupancy(
    agents: npt.ArrayLike, load: npt.ArrayLike, *, aht_s: npt.ArrayLike, patience_s: npt.ArrayLike
) -> FloatArray:
    r"""Erlang A occupancy :math:`A(1 - P(Ab))/N`; see :func:`erlang_a_kpis`."""
    return erlang_a_kpis(
        agents, load, aht_s=aht_s, patience_s=patience_s, threshold_s=0.0
    ).occupancy


__all__ = [
    "erlang_a_abandon_rate",
    "erlang_a_asa",
    "erlang_a_core",
    "erlang_a_kpis",
    "erlang_a_occupancy",
    "erlang_a_service_level",
    "erlang_a_wait_probability",
]

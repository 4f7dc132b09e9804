r"""Exact queueing formulas for staffing: Erlang B, Erlang C (M/M/N) and Erlang A (M/M/N+M).

Every function is vectorised: arguments broadcast against each other like numpy
ufuncs, so one call evaluates a whole horizon of intervals. Nothing uses
factorials or powers that can overflow; the building blocks are evaluated in
log space with ``scipy.special`` (``gammaln``, ``gammaincc``, ``gammainc``,
``hyp1f1``), and stay finite and NaN-free from 0 to many thousands of agents.

Notation (all times in seconds)
-------------------------------
``load`` :math:`A = \lambda \cdot AHT` is the offered load in erlangs, ``agents``
:math:`N` the agents (servers) on the floor, ``aht_s`` the mean handling time
:math:`1/\mu`, ``patience_s`` the mean caller patience :math:`1/\theta`
(exponential) and ``threshold_s`` the service-level answer time :math:`T`.

Definitions used throughout
---------------------------
* service level :math:`SL(T)`: share of *offered* contacts answered within
  :math:`T` (abandoned contacts count as not answered);
* ASA: mean wait of *answered* contacts (contacts answered at once count as 0);
* abandon rate: share of offered contacts that hang up before an answer;
* occupancy: mean busy agents / agents.

A load that Erlang C cannot serve (:math:`N \le A`, the queue grows without
bound) is reported as ``unstable`` with ``service_level = 0``,
``asa_s = inf``, ``wait_probability = 1`` and ``occupancy = 1``; it is never
reported as a number that looks fine. Erlang A is stable for every
:math:`N \ge 1` because waiting callers abandon; with no agent at all nothing
is answered and the row is flagged ``unstable`` as well.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.special import expit, gammainc, gammaincc, gammaln, hyp1f1

from rostering.domain.channels import ServiceTargets
from rostering.errors import InputError

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

_TINY_Q = 1e-280
"""Below this the Poisson tail from ``gammaincc`` is not trusted and a series is used."""
_MAX_AGENTS = 10_000_000
"""Search ceiling: targets that need more agents than this are reported as an error."""


@dataclass(frozen=True)
class QueueKpis:
    """Predicted performance of a queue, one value per element of the broadcast inputs.

    Attributes
    ----------
    wait_probability
        Share of contacts that find every agent busy and wait.
    service_level
        Share of offered contacts answered within ``threshold_s``.
    asa_s
        Mean wait of answered contacts in seconds (``inf`` when unstable).
    abandon_rate
        Share of offered contacts that abandon; ``NaN`` under Erlang C, which has
        no abandonment in its model.
    occupancy
        Mean busy agents (chat: busy chat slots) over agents (slots).
    unstable
        True where the queue cannot be served: Erlang C with ``agents <= load``,
        or any model with no agent and a positive load.
    """

    wait_probability: FloatArray
    service_level: FloatArray
    asa_s: FloatArray
    abandon_rate: FloatArray
    occupancy: FloatArray
    unstable: BoolArray


# ---------------------------------------------------------------------------
# input checks


def _as_float(name: str, value: npt.ArrayLike) -> FloatArray:
    arr = np.asarray(value, dtype=np.float64)
    if not np.all(np.isfinite(arr)):
        raise InputError(f"{name} must be finite, got {_first_bad(arr, ~np.isfinite(arr))}")
    return arr


def _first_bad(arr: FloatArray, bad: BoolArray) -> str:
    return repr(float(arr[bad].flat[0]))


def _check_nonnegative(name: str, arr: FloatArray) -> None:
    if np.any(arr < 0):
        raise InputError(f"{name} must be >= 0, got {_first_bad(arr, arr < 0)}")


def _check_positive(name: str, arr: FloatArray) -> None:
    if np.any(arr <= 0):
        raise InputError(f"{name} must be positive, got {_first_bad(arr, arr <= 0)}")


def _check_agents(agents: npt.ArrayLike) -> FloatArray:
    arr = _as_float("agents", agents)
    _check_nonnegative("agents", arr)
    if np.any(arr != np.floor(arr)):
        bad = arr != np.floor(arr)
        raise InputError(f"agents must be whole numbers, got {_first_bad(arr, bad)}")
    return arr


# ---------------------------------------------------------------------------
# building blocks in log space


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


def _log_erlang_b_ratio(n: FloatArray, a: FloatArray) -> FloatArray:
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


def _log_kummer(x: FloatArray, y: FloatArray) -> FloatArray:
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


# ---------------------------------------------------------------------------
# Erlang B and C


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
    n = _check_agents(agents)
    a = _as_float("load", load)
    _check_nonnegative("load", a)
    n, a = np.broadcast_arrays(n, a)
    out = np.where(n == 0, 1.0, 0.0)
    live = (a > 0) & (n > 0)
    if np.any(live):
        out[live] = expit(-_log_erlang_b_ratio(n[live], a[live]))
    return out


def _erlang_c_core(
    n: FloatArray, a: FloatArray, aht: FloatArray, t: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, BoolArray]:
    """Erlang C on broadcast float arrays: (P(wait), SL, ASA, occupancy, unstable)."""
    shape = np.broadcast(n, a, aht, t).shape
    n, a, aht, t = (np.broadcast_to(v, shape) for v in (n, a, aht, t))
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
        c = expit(-(_log_erlang_b_ratio(no, ao) + np.log1p(-rho)))
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
    n = _check_agents(agents)
    a = _as_float("load", load)
    _check_nonnegative("load", a)
    aht = _as_float("aht_s", aht_s)
    _check_positive("aht_s", aht)
    t = _as_float("threshold_s", threshold_s)
    _check_nonnegative("threshold_s", t)
    wait, sl, asa, occ, unstable = _erlang_c_core(n, a, aht, t)
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


# ---------------------------------------------------------------------------
# Erlang A


def _erlang_a_core(
    n: FloatArray,
    a: FloatArray,
    aht: FloatArray,
    patience: FloatArray,
    t: FloatArray,
    *,
    want_sl: bool = True,
    want_asa: bool = True,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray, BoolArray]:
    """Erlang A on float arrays: (P(wait), SL, ASA, abandon, occupancy, unstable).

    Skipped measures (``want_sl``/``want_asa`` False) come back as NaN; the
    sizing search uses this to compute only what a channel's targets need.
    """
    shape = np.broadcast(n, a, aht, patience, t).shape
    n, a, aht, patience, t = (np.broadcast_to(v, shape) for v in (n, a, aht, patience, t))
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
    log_s = _log_kummer(x, y)  # S = M(1, x+1, y) = sum_k pi_{N+k} / pi_N
    log_r = _log_erlang_b_ratio(no, ao)  # R = 1/B - 1 = sum_{j<N} pi_j / pi_N
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
        log_tail = -(no / ho + theta) * to - y * np.expm1(-theta * to) + _log_kummer(x + 1.0, z)
        answered_late_ok = weight * (np.exp(log_m1 - log_norm) - np.exp(log_tail - log_norm))
        # 1 - P(wait) as R / (S + R) directly: no cancellation when nearly everyone waits
        sl[ok] = np.clip(expit(log_r - log_s) + answered_late_ok, 0.0, 1.0)
    if want_asa:
        # E[W; answered] = pi_N x / theta * (-d/dx) [M(1, x+2, y) / (x+1)] at fixed y
        step = 1e-4 * (1.0 + x)
        lo = np.maximum(x - step, 0.0)
        hi = x + step

        def h(v: FloatArray) -> FloatArray:
            return _log_kummer(v + 1.0, y) - np.log1p(v)

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
    n = _check_agents(agents)
    a = _as_float("load", load)
    _check_nonnegative("load", a)
    aht = _as_float("aht_s", aht_s)
    _check_positive("aht_s", aht)
    patience = _as_float("patience_s", patience_s)
    _check_positive("patience_s", patience)
    t = _as_float("threshold_s", threshold_s)
    _check_nonnegative("threshold_s", t)
    with np.errstate(over="ignore", under="ignore"):
        wait, sl, asa, abandon, occ, unstable = _erlang_a_core(n, a, aht, patience, t)
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


# ---------------------------------------------------------------------------
# one entry point for queued channels (voice and chat)


def queue_kpis(
    agents: npt.ArrayLike,
    load: npt.ArrayLike,
    *,
    aht_s: npt.ArrayLike,
    threshold_s: npt.ArrayLike,
    patience_s: float | None = None,
    concurrency: int = 1,
) -> QueueKpis:
    r"""KPIs of a queued channel: Erlang C, or Erlang A when ``patience_s`` is set.

    With ``concurrency = k > 1`` (chat) the queue has :math:`N k` servers (chat
    slots); see :mod:`rostering.sizing.chat` for the model and its assumptions.
    Occupancy is then busy slots / slots.

    Parameters
    ----------
    agents : array_like of int
        Agents on the floor, >= 0.
    load : array_like of float
        Offered load in erlangs, >= 0 (for chat: chats x chat duration / interval).
    aht_s : array_like of float
        Mean handling time (chat: chat duration) in seconds, > 0.
    threshold_s : array_like of float
        Service-level answer time in seconds, >= 0.
    patience_s : float, optional
        Mean patience in seconds; ``None`` means no abandonment (Erlang C).
    concurrency : int, default 1
        Contacts one agent serves at once, >= 1.

    Returns
    -------
    QueueKpis
    """
    if concurrency < 1:
        raise InputError(f"concurrency must be >= 1, got {concurrency}")
    servers = _check_agents(agents) * concurrency
    if patience_s is None:
        return erlang_c_kpis(servers, load, aht_s=aht_s, threshold_s=threshold_s)
    return erlang_a_kpis(servers, load, aht_s=aht_s, patience_s=patience_s, threshold_s=threshold_s)


# ---------------------------------------------------------------------------
# minimum agents


def _smallest_passing(
    passes: Callable[[IntArray, IntArray], BoolArray],
    lower: IntArray,
    guess: IntArray,
) -> IntArray:
    """Smallest ``n >= lower`` with ``passes(rows, n)`` true, for a predicate monotone in ``n``.

    Vectorised galloping search from ``guess`` (up or down), then bisection, so
    every row costs O(log |answer - guess|) evaluations and no value is skipped.
    """
    size = lower.shape[0]
    rows = np.arange(size)
    start = np.maximum(guess, lower)
    ok = np.zeros(size, dtype=bool)
    if size:
        ok = passes(rows, start)
    good = np.where(ok, start, -1)  # known to pass
    bad = np.where(ok, -1, start)  # known to fail; lower - 1 fails by definition
    bad = np.where(ok & (start == lower), lower - 1, bad)
    step = np.ones(size, dtype=np.int64)
    # gallop up where no passing value is known yet
    while np.any(good < 0):
        idx = rows[good < 0]
        cand = bad[idx] + step[idx]
        if np.any(cand > _MAX_AGENTS):
            raise InputError(
                f"targets need more than {_MAX_AGENTS} agents for at least one interval"
            )
        res = passes(idx, cand)
        good[idx[res]] = cand[res]
        bad[idx[~res]] = cand[~res]
        step[idx] *= 2
    # gallop down where no failing value is known yet
    step[:] = 1
    while np.any(bad < 0):
        idx = rows[bad < 0]
        cand = good[idx] - step[idx]
        below = cand < lower[idx]
        bad[idx[below]] = lower[idx[below]] - 1
        idx, cand = idx[~below], cand[~below]
        if idx.size:
            res = passes(idx, cand)
            good[idx[res]] = cand[res]
            bad[idx[~res]] = cand[~res]
            step[idx] *= 2
    # bisection: bad fails, good passes
    while np.any(good - bad > 1):
        idx = rows[good - bad > 1]
        mid = (good[idx] + bad[idx]) // 2
        res = passes(idx, mid)
        good[idx[res]] = mid[res]
        bad[idx[~res]] = mid[~res]
    return good


def _scan_erlang_c(
    load: FloatArray,
    aht: FloatArray,
    lower: IntArray,
    *,
    concurrency: int,
    meets: Callable[[FloatArray, FloatArray, FloatArray, FloatArray], BoolArray],
    t: float,
) -> IntArray:
    r"""Smallest ``N >= lower`` meeting the targets under Erlang C, by a linear scan.

    ``lower`` must be stable (:math:`N k > A`). :math:`\log R` is computed once
    at ``lower`` from the incomplete gamma function and then advanced one server
    at a time by the Erlang B recursion :math:`R(c+1) = \frac{c+1}{A}(1 + R(c))`
    (all terms positive, so it is stable), which makes each step a few flops.
    """
    result = np.empty(load.shape, dtype=np.int64)
    rows = np.arange(load.size)
    n = lower.copy()
    servers = (n * concurrency).astype(np.float64)
    log_r = _log_erlang_b_ratio(servers, load)
    a, h = load, aht
    while rows.size:
        rho = a / servers
        c = expit(-(log_r + np.log1p(-rho)))
        sl = 1.0 - c * np.exp(-(servers - a) * t / h)
        asa = c * h / (servers - a)
        ok = meets(sl, asa, np.zeros_like(sl), rho)
        result[rows[ok]] = n[ok]
        keep = ~ok
        rows, n, servers, log_r, a, h = (
            rows[keep],
            n[keep] + 1,
            servers[keep],
            log_r[keep],
            a[keep],
            h[keep],
        )
        if np.any(n > _MAX_AGENTS):
            raise InputError(
                f"targets need more than {_MAX_AGENTS} agents for at least one interval"
            )
        for _ in range(concurrency):
            servers = servers + 1.0
            log_r = np.log(servers / a) + np.logaddexp(0.0, log_r)
    return result


def min_agents(
    load: npt.ArrayLike,
    aht_s: npt.ArrayLike,
    *,
    targets: ServiceTargets,
    patience_s: float | None = None,
    concurrency: int = 1,
) -> IntArray:
    r"""Smallest number of agents meeting every target in ``targets`` at once.

    For each element, the smallest integer :math:`N` with

    .. math::
        SL(T) \ge s,\quad ASA \le a,\quad P(Ab) \le p,\quad
        \text{occupancy} \le o \quad (\text{and } N k > A \text{ under Erlang C})

    for every target that is set (``None`` targets are ignored). Each measure
    is monotone in :math:`N`, so a vectorised galloping-plus-bisection search
    over integers finds the exact minimum: :math:`N - 1` fails a target. The
    search starts at the smallest stable value (:math:`\lfloor A/k \rfloor + 1`
    under Erlang C, not :math:`\lceil A \rceil` or :math:`round(A + 1)`, which
    are off by one at fractional or integer loads) and never skips a value.

    Parameters
    ----------
    load : array_like of float
        Offered load in erlangs, >= 0. Zero load needs zero agents.
    aht_s : array_like of float
        Mean handling time in seconds, > 0 (broadcast against ``load``).
    targets : ServiceTargets
        The channel's targets; ``abandon_rate`` needs ``patience_s``.
    patience_s : float, optional
        Mean patience in seconds: Erlang A; ``None``: Erlang C.
    concurrency : int, default 1
        Chats one agent serves at once (:mod:`rostering.sizing.chat`).

    Returns
    -------
    numpy.ndarray of int64
        Required agents, same shape as the broadcast inputs.

    Raises
    ------
    InputError
        On a bad argument, an abandonment target without patience, or targets
        that would need more than ten million agents.

    Examples
    --------
    100 calls of 180 s in 15 minutes (A = 20 erlangs), 80 % in 20 s, occupancy
    at most 85 %:

    >>> int(min_agents(20.0, 180.0, targets=ServiceTargets()))
    24
    """
    a = _as_float("load", load)
    _check_nonnegative("load", a)
    aht = _as_float("aht_s", aht_s)
    _check_positive("aht_s", aht)
    if concurrency < 1:
        raise InputError(f"concurrency must be >= 1, got {concurrency}")
    if patience_s is not None and not (np.isfinite(patience_s) and patience_s > 0):
        raise InputError(f"patience_s must be positive and finite, got {patience_s}")
    if targets.abandon_rate is not None and patience_s is None:
        raise InputError("targets.abandon_rate needs patience_s (Erlang A) to be predicted")
    a, aht = np.broadcast_arrays(a, aht)
    shape = a.shape
    a, aht = a.ravel(), aht.ravel()
    out = np.zeros(a.shape, dtype=np.int64)
    live = a > 0
    if not np.any(live):
        return out.reshape(shape)
    al, hl = a[live], aht[live]
    k = float(concurrency)
    t = float(targets.threshold_s)
    want_sl = targets.service_level is not None
    want_asa = targets.asa_s is not None

    def meets(sl: FloatArray, asa: FloatArray, abandon: FloatArray, occ: FloatArray) -> BoolArray:
        ok = np.ones(sl.shape, dtype=bool)
        if targets.service_level is not None:
            ok &= sl >= targets.service_level
        if targets.asa_s is not None:
            ok &= asa <= targets.asa_s
        if targets.abandon_rate is not None:
            ok &= abandon <= targets.abandon_rate
        if targets.max_occupancy is not None:
            ok &= occ <= targets.max_occupancy
        return ok

    # Erlang C: N k > A, and occupancy A / (N k) <= o
    lower_c = np.floor(al / k).astype(np.int64) + 1
    if targets.max_occupancy is not None:
        need = np.ceil(np.round(al / (k * targets.max_occupancy), 9)).astype(np.int64)
        lower_c = np.maximum(lower_c, need)
    if np.any(lower_c > _MAX_AGENTS):
        raise InputError(f"targets need more than {_MAX_AGENTS} agents for at least one interval")
    with np.errstate(over="ignore", under="ignore"):
        # abandonment is not modelled by Erlang C: its target is left to Erlang A below
        sized_c = _scan_erlang_c(al, hl, lower_c, concurrency=concurrency, meets=meets, t=t)
        if patience_s is None:
            out[live] = sized_c
            return out.reshape(shape)
        patience = float(patience_s)

        def passes_a(idx: IntArray, n: IntArray) -> BoolArray:
            _, sl, asa, abandon, occ, unstable = _erlang_a_core(
                (n * concurrency).astype(np.float64),
                al[idx],
                hl[idx],
                np.asarray(patience),
                np.asarray(t),
                want_sl=want_sl,
                want_asa=want_asa,
            )
            return meets(sl, asa, abandon, occ) & ~unstable

        # Erlang A: at least one agent; served share <= N k / A bounds SL and abandonment
        share = max(
            targets.service_level or 0.0,
            1.0 - targets.abandon_rate if targets.abandon_rate is not None else 0.0,
        )
        lower_a = np.maximum(np.ceil(np.round(al * share / k, 9)).astype(np.int64) - 1, 1)
        # Erlang C with the same SL/ASA/occupancy targets is a close first guess
        out[live] = _smallest_passing(passes_a, lower_a, np.maximum(sized_c - 1, lower_a))
    return out.reshape(shape)


__all__ = [
    "QueueKpis",
    "erlang_a_abandon_rate",
    "erlang_a_asa",
    "erlang_a_kpis",
    "erlang_a_occupancy",
    "erlang_a_service_level",
    "erlang_a_wait_probability",
    "erlang_b",
    "erlang_c_asa",
    "erlang_c_kpis",
    "erlang_c_occupancy",
    "erlang_c_service_level",
    "erlang_c_wait_probability",
    "min_agents",
    "queue_kpis",
]

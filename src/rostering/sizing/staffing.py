"""The least agents meeting every target of a queued channel, by an exact integer search.

Each measure is monotone in the number of agents, so the search never skips a
value: the answer :math:`N` meets every target and :math:`N - 1` fails one.
Erlang C is scanned upwards from the smallest stable value; Erlang A is found
by a galloping-plus-bisection search started from the Erlang C answer.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt
from scipy.special import expit

from rostering.domain.channels import ServiceTargets
from rostering.errors import InputError
from rostering.sizing.erlang_a import erlang_a_core
from rostering.sizing.numerics import (
    BoolArray,
    FloatArray,
    IntArray,
    as_float,
    check_nonnegative,
    check_positive,
    log_erlang_b_ratio,
)

_MAX_AGENTS = 10_000_000
"""Search ceiling: targets that need more agents than this are reported as an error."""


def _smallest_passing(
    passes: Callable[[IntArray, IntArray], BoolArray],
    lower: IntArray,
    *,
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
    *,
    lower: IntArray,
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
    log_r = log_erlang_b_ratio(servers, load)
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
    a = as_float("load", load)
    check_nonnegative("load", a)
    aht = as_float("aht_s", aht_s)
    check_positive("aht_s", aht)
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
        sized_c = _scan_erlang_c(al, hl, lower=lower_c, concurrency=concurrency, meets=meets, t=t)
        if patience_s is None:
            out[live] = sized_c
            return out.reshape(shape)
        patience = float(patience_s)

        def passes_a(idx: IntArray, n: IntArray) -> BoolArray:
            _, sl, asa, abandon, occ, unstable = erlang_a_core(
                (n * concurrency).astype(np.float64),
                al[idx],
                aht_s=hl[idx],
                patience_s=np.asarray(patience),
                threshold_s=np.asarray(t),
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
        out[live] = _smallest_passing(passes_a, lower_a, guess=np.maximum(sized_c - 1, lower_a))
    return out.reshape(shape)


__all__ = ["min_agents"]

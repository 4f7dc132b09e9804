"""The event loop of one replication compiled with numba: :func:`play_compiled`.

It plays exactly what :func:`rostering.simulation.routing.play_events` plays
(the reference, kept in pure Python): for every input it starts the same
contacts at the same times, in the same order, and files the same busy time
with the same floating-point operations, so the two give identical outcomes
(``tests/simulation/test_compiled.py`` checks it on random sites). The
functions here mirror the reference's one for one (``_acc``, ``_purge``,
``_head``, ``_start``, ``_pick``, ``_park``, ``_serve_next``, the loop); only
the data structures differ, each keeping the order of its Python counterpart:

* a queue (a deque of contact indices) is a slice of one array with a head
  and a tail per channel: each contact enters its channel's queue at most once;
* the completion heap of ``(time, x)`` tuples is a binary heap of two arrays
  ordered by time, then ``x``, as tuples compare (equal entries cannot be
  told apart, so it pops the same sequence as ``heapq``);
* an insertion-ordered map of waiting agents is a doubly linked list with its
  first and last agent: an agent sits in at most one map of ``idle`` or
  ``partial`` (slot 0) and one of ``chatting`` (slot 1), and its value (since
  when it waits) is kept per slot; appending keeps the order of insertion,
  setting the value of an agent already there keeps its place.

Every table and all the state live in one ``int64`` and one ``float64`` array
(``ix``, ``fx``) at the offsets of a :class:`~rostering.simulation.tables.Layout`
(``lay``), which also carries every constant the loop uses; see
:mod:`rostering.simulation.tables`. The functions are compiled with
``@njit(cache=True)``: cached on disk next to this module (or in numba's cache
directory), compiled on the first call after an install or a change of this
module, in a few seconds.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import numba
import numpy as np

from rostering.simulation.draws import Contacts, IntArray
from rostering.simulation.inputs import FloatArray, SimInput
from rostering.simulation.tables import Layout, pack

ScheduleArrays = tuple[FloatArray, IntArray, IntArray, IntArray]
"""Known events sorted by time: ``(time, kind, x, y)`` as ``routing.Schedule``, as arrays."""
Played = tuple[list[FloatArray], list[FloatArray], FloatArray, int]
"""``(outcome per channel, finish per channel, busy per set and interval, events)``."""

_F = TypeVar("_F", bound=Callable[..., Any])
_INF = np.inf


def _jit(fn: _F) -> _F:
    """``fn`` compiled in nopython mode, cached on disk."""
    return cast(_F, numba.njit(cache=True)(fn))


@_jit
def _push(lay: Layout, ix: IntArray, fx: FloatArray, t: float, x: int) -> None:
    """``heapq.heappush(heap, (t, x))``."""
    ht, hx = lay.heap_t, lay.heap_x
    i = ix[lay.heap_n]
    ix[lay.heap_n] = i + 1
    while i > 0:
        up = (i - 1) >> 1
        t_up, x_up = fx[ht + up], ix[hx + up]
        if t_up < t or (t_up == t and x_up <= x):
            break
        fx[ht + i], ix[hx + i] = t_up, x_up
        i = up
    fx[ht + i], ix[hx + i] = t, x


@_jit
def _pop(lay: Layout, ix: IntArray, fx: FloatArray) -> tuple[float, int]:
    """``heapq.heappop(heap)``."""
    ht, hx = lay.heap_t, lay.heap_x
    top_t, top_x = fx[ht], ix[hx]
    n = ix[lay.heap_n] - 1
    ix[lay.heap_n] = n
    t, x = fx[ht + n], ix[hx + n]
    i = 0
    while True:
        kid = 2 * i + 1
        if kid >= n:
            break
        right = kid + 1
        if right < n:
            t_r, t_k = fx[ht + right], fx[ht + kid]
            if t_r < t_k or (t_r == t_k and ix[hx + right] < ix[hx + kid]):
                kid = right
        t_k, x_k = fx[ht + kid], ix[hx + kid]
        if t < t_k or (t == t_k and x <= x_k):
            break
        fx[ht + i], ix[hx + i] = t_k, x_k
        i = kid
    if n > 0:
        fx[ht + i], ix[hx + i] = t, x
    return top_t, top_x


@_jit
def _insert(lay: Layout, ix: IntArray, fx: FloatArray, m: int, a: int, t: float) -> None:
    """``d[a] = t`` for the map numbered ``m``."""
    n = lay.n_agents
    r = ix[lay.slot + m]
    fx[lay.since + r * n + a] = t
    lk = lay.links + 3 * r * n  # map, next, previous: lk, lk + n, lk + 2 n
    if ix[lk + a] == m:
        return
    tail = ix[lay.ends + 2 * m + 1]
    ix[lk + a], ix[lk + n + a], ix[lk + 2 * n + a] = m, -1, tail
    if tail >= 0:
        ix[lk + n + tail] = a
    else:
        ix[lay.ends + 2 * m] = a
    ix[lay.ends + 2 * m + 1] = a


@_jit
def _unregister(lay: Layout, ix: IntArray, a: int) -> None:
    """Take agent ``a`` out of the maps it sits in."""
    n = lay.n_agents
    for r in range(2):
        lk = lay.links + 3 * r * n
        m = ix[lk + a]
        if m < 0:
            continue
        after, before = ix[lk + n + a], ix[lk + 2 * n + a]
        if before >= 0:
            ix[lk + n + before] = after
        else:
            ix[lay.ends + 2 * m] = after
        if after >= 0:
            ix[lk + 2 * n + after] = before
        else:
            ix[lay.ends + 2 * m + 1] = before
        ix[lk + a] = -1


@_jit
def _acc(lay: Layout, ix: IntArray, fx: FloatArray, a: int, t: float) -> None:
    """File the busy time of agent ``a`` since its last change, up to ``t``."""
    t0 = fx[lay.last + a]
    fx[lay.last + a] = t
    f, s = fx[lay.frac + a], ix[lay.able + a]
    if f == 0.0 or s < 0:
        return
    t0 = 0.0 if t0 < 0.0 else t0  # max(t0, 0.0)
    t1 = lay.horizon if lay.horizon < t else t  # min(t, horizon)
    if t1 <= t0:
        return
    row, dt, last_iv = lay.busy + s * lay.n_iv, lay.dt, lay.n_iv - 1
    i = min(int(t0 * lay.inv_dt), last_iv)
    edge = (i + 1) * dt
    while t1 > edge and i < last_iv:
        fx[row + i] += f * (edge - t0)
        t0, i = edge, i + 1
        edge = (i + 1) * dt
    fx[row + i] += f * (t1 - t0)


@_jit
def _front(lay: Layout, ix: IntArray, c: int) -> int:
    """The flat index of the first contact queued for ``c``, or -1 when none waits."""
    h = ix[lay.qhead + c]
    if h == ix[lay.qtail + c]:
        return -1
    b = ix[lay.base + c]
    return int(b + ix[lay.queue + b + h])


@_jit
def _popleft(lay: Layout, ix: IntArray, c: int) -> int:
    """``waiting[c].popleft()``: the contact index within the channel."""
    h = ix[lay.qhead + c]
    ix[lay.qhead + c] = h + 1
    return int(ix[lay.queue + ix[lay.base + c] + h])


@_jit
def _append(lay: Layout, ix: IntArray, c: int, k: int) -> None:
    """``waiting[c].append(k)``."""
    tail = ix[lay.qtail + c]
    ix[lay.queue + ix[lay.base + c] + tail] = k
    ix[lay.qtail + c] = tail + 1


@_jit
def _purge(lay: Layout, ix: IntArray, fx: FloatArray, c: int, t: float) -> None:
    """Drop the heads of the queue of ``c`` whose patience has run out by ``t``."""
    if ix[lay.impatient + c]:
        while True:
            f = _front(lay, ix, c)
            if f < 0 or fx[lay.limit + f] > t:
                return
            fx[lay.outcome + f] = lay.abandoned
            ix[lay.qhead + c] += 1


@_jit
def _head(lay: Layout, ix: IntArray, fx: FloatArray, ranked: int, t: float) -> int:
    """The channel of the best-ranked, longest-waiting head of list ``ranked``, or -1."""
    c, first = -1, _INF
    row = lay.ranked + ranked * lay.n_ch
    for i in range(lay.n_ch):
        g = ix[row + i]
        if g < 0:
            break
        if c >= 0 and ix[lay.rank + g] != ix[lay.rank + ix[row + i - 1]]:
            return c  # the group before g holds a contact
        _purge(lay, ix, fx, g, t)
        f = _front(lay, ix, g)
        if f >= 0 and fx[lay.arr + f] < first:
            c, first = g, fx[lay.arr + f]
    return c


@_jit
def _start(lay: Layout, ix: IntArray, fx: FloatArray, a: int, c: int, k: int, t: float) -> None:
    """Agent ``a`` starts contact ``k`` of ``c`` at ``t``."""
    f = ix[lay.base + c] + k
    end = t + fx[lay.handle + f] / fx[lay.speed + a]
    if ix[lay.queued + c]:
        fx[lay.outcome + f] = t - fx[lay.arr + f]
    else:
        fx[lay.outcome + f] = t
        fx[lay.finish + f] = end
    if ix[lay.exclusive + c]:
        _push(lay, ix, fx, end, a + lay.n_agents if ix[lay.chats + a] else a)
        ix[lay.excl + a] = c
        fx[lay.frac + a] = 1.0
    else:
        _push(lay, ix, fx, end, a)
        ix[lay.held + a] = c
        j = ix[lay.chats + a] + 1
        ix[lay.chats + a] = j
        fx[lay.frac + a] = j * fx[lay.inv_k + c]


@_jit
def _pick(lay: Layout, ix: IntArray, fx: FloatArray, c: int) -> int:
    """The agent a new contact of ``c`` goes to, or -1."""
    best, since = -1, _INF
    for i in range(lay.sets_w):
        s = ix[lay.sets_for + c * lay.sets_w + i]
        if s < 0:
            break
        a = ix[lay.ends + 2 * s]  # map s is idle[s], of slot 0
        if a >= 0 and fx[lay.since + a] < since:
            best, since = a, fx[lay.since + a]
    if best >= 0:
        return best
    for j in range(1, ix[lay.conc + c]):
        a = ix[lay.ends + 2 * ix[lay.partial + c * (lay.k_max + 1) + j]]
        if a >= 0:
            return int(a)
    for j in range(lay.k_max):
        row = lay.levels + (c * lay.k_max + j) * lay.lev_w
        for i in range(lay.lev_w):
            m = ix[row + i]
            if m < 0:
                break
            a = ix[lay.ends + 2 * m]
            if a >= 0:
                v = fx[lay.since + ix[lay.slot + m] * lay.n_agents + a]
                if v < since:
                    best, since = a, v
        if best >= 0:
            return best
    return -1


@_jit
def _park(
    lay: Layout, ix: IntArray, fx: FloatArray, a: int, s: int, h: int, j: int, t: float
) -> None:
    """Agent ``a`` of set ``s``, holding ``j`` chats of ``h`` and no call, may take a call."""
    _insert(lay, ix, fx, ix[lay.chatting + (s * lay.n_ch + h) * (lay.k_max + 1) + j], a, t)


@_jit
def _serve_next(lay: Layout, ix: IntArray, fx: FloatArray, a: int, t: float) -> None:
    """Agent ``a`` (able, unregistered, no exclusive contact) takes what it may, then waits."""
    s, j = ix[lay.able + a], ix[lay.chats + a]
    if j == 0:
        c = _head(lay, ix, fx, s, t)
        if c < 0:
            first = _INF
            for i in range(lay.n_ch):
                g = ix[lay.backlogs + s * lay.n_ch + i]
                if g < 0:
                    break
                f = _front(lay, ix, g)
                if f >= 0 and fx[lay.limit + f] < first:
                    c, first = g, fx[lay.limit + f]
        if c < 0:
            _insert(lay, ix, fx, s, a, t)  # map s is idle[s]
            return
        _start(lay, ix, fx, a, c, _popleft(lay, ix, c), t)
        if ix[lay.exclusive + c]:
            return
        j = 1
    else:
        c = ix[lay.held + a]
        if lay.interrupt:
            e = _head(lay, ix, fx, lay.n_sets + s * lay.n_ch + c, t)
            if e >= 0:
                _start(lay, ix, fx, a, e, _popleft(lay, ix, e), t)
                return
        if not ix[lay.member + s * lay.n_ch + c]:
            if lay.interrupt:
                _park(lay, ix, fx, a, s, c, j, t)
            return
    k = ix[lay.conc + c]
    while j < k:
        _purge(lay, ix, fx, c, t)
        if _front(lay, ix, c) < 0:
            _insert(lay, ix, fx, ix[lay.partial + c * (lay.k_max + 1) + j], a, t)
            break
        _start(lay, ix, fx, a, c, _popleft(lay, ix, c), t)
        j += 1
    if lay.interrupt:
        _park(lay, ix, fx, a, s, c, j, t)


@_jit
def _loop(
    lay: Layout,
    ix: IntArray,
    fx: FloatArray,
    times: FloatArray,
    kinds: IntArray,
    xs: IntArray,
    ys: IntArray,
) -> int:
    """Play the schedule and the completions it leads to; the number of events."""
    n_agents, n_sched = lay.n_agents, times.size
    p, events = 0, 0
    while True:
        if ix[lay.heap_n] > 0 and (p == n_sched or fx[lay.heap_t] <= times[p]):
            t, a = _pop(lay, ix, fx)
            events += 1
            if a >= n_agents:
                a -= n_agents
                _acc(lay, ix, fx, a, t)
                ix[lay.excl + a] = -1
                j = ix[lay.chats + a]
                fx[lay.frac + a] = j * fx[lay.inv_k + ix[lay.held + a]] if j else 0.0
            elif ix[lay.chats + a] == 0:  # the exclusive contact of an agent holding no chat
                _acc(lay, ix, fx, a, t)
                ix[lay.excl + a] = -1
                fx[lay.frac + a] = 0.0
            else:
                _acc(lay, ix, fx, a, t)
                j = ix[lay.chats + a] - 1
                ix[lay.chats + a] = j
                if ix[lay.excl + a] >= 0:  # on a call: no new chat
                    if j == 0:
                        ix[lay.held + a] = -1
                    continue
                if j == 0:
                    ix[lay.held + a] = -1
                    fx[lay.frac + a] = 0.0
                else:
                    fx[lay.frac + a] = j * fx[lay.inv_k + ix[lay.held + a]]
            if ix[lay.able + a] >= 0:
                _unregister(lay, ix, a)
                _serve_next(lay, ix, fx, a, t)
            continue
        if p == n_sched:
            break
        t, kind, x, y = times[p], kinds[p], xs[p], ys[p]
        p += 1
        events += 1
        if kind == lay.arrive:
            _purge(lay, ix, fx, x, t)
            if _front(lay, ix, x) < 0:
                a = _pick(lay, ix, fx, x)
                if a >= 0:
                    _acc(lay, ix, fx, a, t)
                    _unregister(lay, ix, a)
                    _start(lay, ix, fx, a, x, y, t)
                    if not ix[lay.exclusive + x]:
                        j = ix[lay.chats + a]
                        if j < ix[lay.conc + x]:
                            m = ix[lay.partial + x * (lay.k_max + 1) + j]
                            _insert(lay, ix, fx, m, a, t)
                        if lay.interrupt:
                            _park(lay, ix, fx, a, ix[lay.able + a], x, j, t)
                    continue
            _append(lay, ix, x, y)
        elif kind == lay.release:
            row = lay.offsets + x * (lay.n_iv + 1) + y
            for k in range(ix[row], ix[row + 1]):
                _append(lay, ix, x, k)
            while _front(lay, ix, x) >= 0:
                a = _pick(lay, ix, fx, x)
                if a < 0:
                    break
                _acc(lay, ix, fx, a, t)
                _unregister(lay, ix, a)
                _serve_next(lay, ix, fx, a, t)
        elif kind == lay.on:
            _acc(lay, ix, fx, x, t)
            ix[lay.able + x] = y
            if ix[lay.excl + x] < 0:
                _serve_next(lay, ix, fx, x, t)
        else:
            _acc(lay, ix, fx, x, t)
            _unregister(lay, ix, x)
            ix[lay.able + x] = -1
    for c in range(lay.n_ch):
        if ix[lay.impatient + c]:
            b = ix[lay.base + c]
            for i in range(ix[lay.qhead + c], ix[lay.qtail + c]):
                fx[lay.outcome + b + ix[lay.queue + b + i]] = lay.abandoned
    return events


def play_compiled(
    sim: SimInput,
    sets: list[frozenset[int]],
    contacts: list[Contacts],
    offsets: list[list[int]],
    schedule: ScheduleArrays,
) -> Played:
    """Play the events as ``routing.play_events`` does, compiled; its results as arrays.

    The arguments are those of :func:`rostering.simulation.routing.play_events`
    with the schedule as arrays. Returns ``(outcome, finish, busy, events)``:
    ``outcome[c]`` and ``finish[c]`` per channel (``finish[c]`` empty for a
    queued channel), ``busy`` of shape ``(sets, intervals)``.
    """
    lay, ix, fx = pack(sim, sets, contacts, offsets)
    times, kinds, xs, ys = schedule
    events = int(_loop(lay, ix, fx, times, kinds, xs, ys))
    sizes = [ct.time.size for ct in contacts]
    cuts = np.cumsum(sizes)[:-1].tolist()
    total = sum(sizes)
    outcome = np.split(fx[lay.outcome : lay.outcome + total].copy(), cuts)
    done = np.split(fx[lay.finish : lay.finish + total].copy(), cuts)
    finish = [np.zeros(0) if ch.queued else f for ch, f in zip(sim.channels, done, strict=True)]
    busy = fx[lay.busy : lay.busy + lay.n_sets * lay.n_iv].reshape(lay.n_sets, lay.n_iv).copy()
    return outcome, finish, busy, events


__all__ = ["Played", "ScheduleArrays", "play_compiled"]

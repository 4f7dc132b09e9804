"""One replication of a roster played through a discrete-event simulation: :func:`play`.

The model
---------
Contacts
    A queued channel (voice, chat) receives Poisson arrivals whose rate is
    constant within an interval: the count of interval ``i`` is drawn from
    Poisson(``volume[c, i]``) and the arrival times are uniform within the
    interval. When ``SimInput.arrivals[c]`` is given, those timestamps are
    played instead (times outside the horizon are dropped). A backlog channel
    (outbound, deferred work) releases ``volume[c, i]`` items, rounded to the
    nearest whole number, at the start of interval ``i``; each is due
    ``window_s`` after its release (``window_s = 0``: at the end of its
    interval).
Handling time
    Mean ``aht_s[c, i]`` of the interval of arrival (release), exponential or
    lognormal with the channel's coefficient of variation ``handle_cv``
    (``sigma^2 = ln(1 + cv^2)``, ``mu = ln(aht) - sigma^2 / 2``).
Patience
    Exponential with mean ``patience_s`` on channels that have one. A waiting
    contact whose wait reaches its patience hangs up; it is dropped from the
    head of its queue when an agent or a new arrival next looks at the queue,
    which changes no count (a contact that would have hung up is never
    answered). Contacts still waiting when no agent can ever come back hang
    up too, or, on channels without patience, stay unanswered (offered, not
    answered: they count against the service level).
Agents
    An agent is on the floor only during its :class:`Segment` s and serves
    only their channels. At a segment's end it finishes what it holds and
    takes nothing new. Time outside the horizon is played (a segment may run
    past the end, so late arrivals are served) but not counted in
    ``busy_s``/``available_s``.
Residual shrinkage
    In each interval ``i`` of the horizon, every stretch of a segment inside
    the interval, of length ``p``, holds one not-ready block of length
    ``unavailable[i] * p`` at a uniformly random offset within the stretch.
    The agent finishes what it holds when the block starts and takes nothing
    until it ends; the time lost is exactly ``unavailable[i]`` of its
    presence. The offsets are drawn per (agent index, interval), shared by
    an agent's stretches within one interval (e.g. around a meal), so the
    same agent sees the same blocks whatever the rest of the roster.
Routing
    An agent holds contacts of one channel at a time, up to the channel's
    ``concurrency`` (a voice call needs a fully idle agent; an agent on a
    call takes no chat; an agent holding chats takes only more chats of that
    channel). A new contact goes to the longest-idle eligible agent (idle:
    holding nothing, counted from when it last became free or came back);
    for a channel with concurrency above one, failing that, to the agent
    holding the fewest contacts of that channel (ties: longest at that
    count). When an agent frees capacity or comes back, it takes the
    waiting queued contact of the best (lowest) ``routing_rank`` among the
    channels it may take (ties between channels of equal rank: the longest
    waiting head), first come first served within a channel; only if no such
    contact waits does it take backlog work, earliest due first across its
    backlog channels. Backlog items have no patience and no service level.
    So a blended agent reaches a waiting call only once it holds nothing:
    while it holds chats it keeps filling chat slots (no reservation).
    Events at the same instant run as: completions, agents leaving, agents
    arriving, backlog releases, arrivals.
Randomness
    Independent child streams of the seed are derived per channel and purpose
    (arrivals, handling times, patience) and one for the not-ready blocks, so
    two rosters simulated with the same seed see the same contacts with the
    same handling times and patience (common random numbers), and the same
    seed always gives the same :class:`Tally`.

The engine
----------
A hand-written event loop in pure Python and numpy: randomness is drawn in
bulk up front, every event known in advance (arrivals, releases, agents
coming and going) is one sorted stream, and only completions go through a
``heapq`` of ``(time, agent)`` tuples. Queues are per-channel deques of
contact indices; idle agents sit in one insertion-ordered map per distinct
channel set, so the longest idle is the first entry. A straightforward SimPy
model of the same roster is slower; measured in benchmarks/simulation.py.
"""

from __future__ import annotations

import heapq
import logging
import math
from collections import OrderedDict, deque
from dataclasses import dataclass, fields
from itertools import groupby

import numpy as np

from rostering.simulation.draws import (
    Contacts,
    IntArray,
    agent_windows,
    available_by_set,
    check_segments,
    draw_contacts,
)
from rostering.simulation.inputs import FloatArray, SimInput

logger = logging.getLogger(__name__)

_OFF, _ON, _RELEASE, _ARRIVE = 0, 1, 2, 3  # kinds of scheduled events, in tie order
_ABANDONED, _UNSERVED = -1.0, -2.0  # outcomes of queued contacts that were not answered


@dataclass(frozen=True, eq=False)
class Tally:
    """Counts of one replication, each array of shape ``(n_channels, n_intervals)``.

    Contact counts are filed under the interval of arrival (release for
    backlog channels); ``backlog``, ``busy_s`` and ``available_s`` under the
    interval they are measured in.

    Attributes
    ----------
    offered
        Contacts arrived (items released).
    answered
        Queued contacts answered.
    answered_in_threshold
        Queued contacts answered within the channel's ``threshold_s``.
    abandoned
        Queued contacts that hung up.
    wait_s
        Sum of the waits of answered contacts, seconds.
    done_on_time, done_late
        Backlog items completed by their due time; completed after it or never.
    backlog
        Backlog items released and not yet started at the end of the interval.
    available_s
        Agent-seconds of agents able to serve the channel: on a segment that
        includes it, not in a not-ready block.
    busy_s
        The part of ``available_s`` spent busy on any channel (an agent holding
        ``j`` of ``k`` chats is ``j / k`` busy); occupancy is
        ``busy_s / available_s``.
    events
        Events processed.
    """

    offered: FloatArray
    answered: FloatArray
    answered_in_threshold: FloatArray
    abandoned: FloatArray
    wait_s: FloatArray
    done_on_time: FloatArray
    done_late: FloatArray
    backlog: FloatArray
    busy_s: FloatArray
    available_s: FloatArray
    events: int

    def identical(self, other: Tally) -> bool:
        """True when every count of ``other`` equals this one exactly."""
        return all(
            np.array_equal(getattr(self, f.name), getattr(other, f.name)) for f in fields(self)
        )


def _loop(
    sim: SimInput,
    sets: list[frozenset[int]],
    contacts: list[Contacts],
    offsets: list[list[int]],
    schedule: tuple[list[float], list[int], list[int], list[int]],
) -> tuple[list[list[float]], list[list[float]], list[list[float]], int]:
    """Play the events: ``(outcome, finish, busy per set and interval, events)``.

    ``outcome[c][k]``: queued channels, the wait of contact ``k`` if answered,
    else ``_ABANDONED`` or ``_UNSERVED``; backlog channels, the start time of
    item ``k`` (inf: never). ``finish[c][k]``: when a backlog item is done.
    """
    channels = sim.channels
    n_ch, n_agents = len(channels), len(sim.agents)
    dt, horizon = sim.interval_s, sim.horizon_s
    inv_dt, last_iv = 1.0 / dt, sim.n_intervals - 1
    queued = [ch.queued for ch in channels]
    impatient = [ch.queued and ch.patience_s is not None for ch in channels]
    conc = [ch.concurrency for ch in channels]
    inv_k = [1.0 / k for k in conc]
    arr = [ct.time.tolist() for ct in contacts]
    handle = [ct.handle.tolist() for ct in contacts]
    limit = [ct.limit.tolist() for ct in contacts]
    outcome = [
        [_UNSERVED if queued[c] else math.inf] * ct.time.size for c, ct in enumerate(contacts)
    ]
    finish = [[math.inf] * (0 if queued[c] else ct.time.size) for c, ct in enumerate(contacts)]
    waiting: list[deque[int]] = [deque() for _ in range(n_ch)]

    def by_rank(s: frozenset[int]) -> list[list[int]]:
        mine = sorted((c for c in s if queued[c]), key=lambda c: (channels[c].routing_rank, c))
        return [list(g) for _, g in groupby(mine, key=lambda c: channels[c].routing_rank)]

    groups = [by_rank(s) for s in sets]
    backlogs = [[c for c in sorted(s) if not queued[c]] for s in sets]
    member = [[c in s for c in range(n_ch)] for s in sets]
    sets_for = [[i for i, s in enumerate(sets) if c in s] for c in range(n_ch)]
    idle: list[OrderedDict[int, float]] = [OrderedDict() for _ in sets]
    partial: list[list[OrderedDict[int, float]]] = [
        [OrderedDict() for _ in range(k)] for k in conc
    ]  # partial[c][j]: agents holding j (1 <= j < k) contacts of c
    able, held, count = [-1] * n_agents, [-1] * n_agents, [0] * n_agents
    last = [0.0] * n_agents
    reg: list[OrderedDict[int, float] | None] = [None] * n_agents
    busy = [[0.0] * sim.n_intervals for _ in sets]
    heap: list[tuple[float, int]] = []
    push, pop = heapq.heappush, heapq.heappop

    def acc(a: int, t: float) -> None:
        """File the busy time of agent ``a`` since its last change, up to ``t``."""
        t0 = last[a]
        last[a] = t
        j, s = count[a], able[a]
        if j == 0 or s < 0:
            return
        t0 = max(t0, 0.0)
        t1 = min(t, horizon)
        if t1 <= t0:
            return
        f = j * inv_k[held[a]]
        row = busy[s]
        i = min(int(t0 * inv_dt), last_iv)
        edge = (i + 1) * dt
        while t1 > edge and i < last_iv:
            row[i] += f * (edge - t0)
            t0, i = edge, i + 1
            edge = (i + 1) * dt
        row[i] += f * (t1 - t0)

    def unregister(a: int) -> None:
        d = reg[a]
        if d is not None:
            del d[a]
            reg[a] = None

    def purge(c: int, t: float) -> deque[int]:
        """The queue of ``c`` without the heads whose patience has run out by ``t``."""
        dq = waiting[c]
        if impatient[c]:
            lim, out = limit[c], outcome[c]
            while dq and lim[dq[0]] <= t:
                out[dq.popleft()] = _ABANDONED
        return dq

    def start(a: int, c: int, k: int, t: float) -> None:
        end = t + handle[c][k]
        if queued[c]:
            outcome[c][k] = t - arr[c][k]
        else:
            outcome[c][k] = t
            finish[c][k] = end
        push(heap, (end, a))
        held[a] = c
        count[a] += 1

    def pick(c: int) -> int:
        """The agent a new contact of ``c`` goes to, or -1."""
        best, since = -1, math.inf
        for s in sets_for[c]:
            d = idle[s]
            if d:
                a = next(iter(d))
                if d[a] < since:
                    best, since = a, d[a]
        if best < 0:
            for d in partial[c][1:]:
                if d:
                    return next(iter(d))
        return best

    def serve_next(a: int, t: float) -> None:
        """Agent ``a`` (able, unregistered) takes what it may, then waits in the right place."""
        s, j = able[a], count[a]
        if j == 0:
            c, first = -1, math.inf
            for group in groups[s]:
                for g in group:
                    dq = purge(g, t)
                    if dq and arr[g][dq[0]] < first:
                        c, first = g, arr[g][dq[0]]
                if c >= 0:
                    break
            else:
                for g in backlogs[s]:
                    dq = waiting[g]
                    if dq and limit[g][dq[0]] < first:
                        c, first = g, limit[g][dq[0]]
            if c < 0:
                d = idle[s]
                d[a] = t
                reg[a] = d
                return
            start(a, c, waiting[c].popleft(), t)
            j = 1
        else:
            c = held[a]
            if not member[s][c]:
                return
        k = conc[c]
        while j < k:
            dq = purge(c, t)
            if not dq:
                d = partial[c][j]
                d[a] = t
                reg[a] = d
                return
            start(a, c, dq.popleft(), t)
            j += 1

    times, kinds, xs, ys = schedule
    n_sched, p, events = len(times), 0, 0
    while True:
        if heap and (p == n_sched or heap[0][0] <= times[p]):
            t, a = pop(heap)
            events += 1
            acc(a, t)
            count[a] -= 1
            if count[a] == 0:
                held[a] = -1
            if able[a] >= 0:
                unregister(a)
                serve_next(a, t)
            continue
        if p == n_sched:
            break
        t, kind, x, y = times[p], kinds[p], xs[p], ys[p]
        p += 1
        events += 1
        if kind == _ARRIVE:
            dq = purge(x, t)
            if not dq:
                a = pick(x)
                if a >= 0:
                    acc(a, t)
                    unregister(a)
                    start(a, x, y, t)
                    if count[a] < conc[x]:
                        d = partial[x][count[a]]
                        d[a] = t
                        reg[a] = d
                    continue
            dq.append(y)
        elif kind == _RELEASE:
            dq = waiting[x]
            dq.extend(range(offsets[x][y], offsets[x][y + 1]))
            while dq:
                a = pick(x)
                if a < 0:
                    break
                acc(a, t)
                unregister(a)
                serve_next(a, t)
        elif kind == _ON:
            acc(x, t)
            able[x] = y
            serve_next(x, t)
        else:
            acc(x, t)
            unregister(x)
            able[x] = -1
    for c in range(n_ch):
        if impatient[c]:
            for k in waiting[c]:
                outcome[c][k] = _ABANDONED
    return outcome, finish, busy, events


def play(sim: SimInput, seed: np.random.SeedSequence) -> Tally:
    """Simulate one replication of ``sim``.

    Parameters
    ----------
    sim : SimInput
        Channels, demand and the agents' segments (checked first).
    seed : numpy.random.SeedSequence
        Root of the random streams; not mutated. The same seed gives an
        identical tally, and the same contacts whatever the roster.

    Returns
    -------
    Tally
        The counts of the replication; see the module docstring for the model.
    """
    sim.check()
    check_segments(sim)
    n_ch, n_iv, dt = len(sim.channels), sim.n_intervals, sim.interval_s
    sets = sorted({seg.channels for seg in sim.segments}, key=sorted)
    index = {s: i for i, s in enumerate(sets)}
    contacts = [draw_contacts(sim, c, seed) for c in range(n_ch)]
    set_of = [index[seg.channels] for seg in sim.segments]
    w0, w1, w_agent, w_set = agent_windows(sim, set_of, seed)

    offsets: list[list[int]] = []
    parts: list[tuple[FloatArray, int, IntArray, IntArray]] = [
        (w0, _ON, w_agent, w_set),
        (w1, _OFF, w_agent, np.zeros_like(w_set)),
    ]
    for c, (channel, ct) in enumerate(zip(sim.channels, contacts, strict=True)):
        if channel.queued:
            offsets.append([])
            ids = np.arange(ct.time.size, dtype=np.int64)
            parts.append((ct.time, _ARRIVE, np.full(ids.size, c, dtype=np.int64), ids))
        else:
            counts = np.bincount(ct.interval, minlength=n_iv)
            offsets.append(np.concatenate(([0], np.cumsum(counts))).tolist())
            released = np.flatnonzero(counts).astype(np.int64)
            channel_ids = np.full(released.size, c, dtype=np.int64)
            release_t = np.asarray(released * dt, dtype=np.float64)
            parts.append((release_t, _RELEASE, channel_ids, released))
    time_arr = np.concatenate([p[0] for p in parts])
    kind_arr = np.concatenate([np.full(p[0].size, p[1], dtype=np.int64) for p in parts])
    x_arr = np.concatenate([p[2] for p in parts])
    y_arr = np.concatenate([p[3] for p in parts])
    order = np.lexsort((y_arr, x_arr, kind_arr, time_arr))
    schedule = (
        time_arr[order].tolist(),
        kind_arr[order].tolist(),
        x_arr[order].tolist(),
        y_arr[order].tolist(),
    )
    outcome, finish, busy_sets, events = _loop(sim, sets, contacts, offsets, schedule)

    offered, answered, quick_n, abandoned, wait_s, on_time_n, late_n, backlog = (
        np.zeros((n_ch, n_iv)) for _ in range(8)
    )
    edges = (np.arange(n_iv) + 1) * dt
    for c, (channel, ct) in enumerate(zip(sim.channels, contacts, strict=True)):
        iv, out = ct.interval, np.asarray(outcome[c], dtype=np.float64)
        offered[c] = np.bincount(iv, minlength=n_iv)
        if channel.queued:
            ok = out >= 0
            answered[c] = np.bincount(iv[ok], minlength=n_iv)
            quick = ok & (out <= channel.threshold_s)
            quick_n[c] = np.bincount(iv[quick], minlength=n_iv)
            abandoned[c] = np.bincount(iv[out == _ABANDONED], minlength=n_iv)
            wait_s[c] = np.bincount(iv[ok], weights=out[ok], minlength=n_iv)
        else:
            on_time = np.asarray(finish[c], dtype=np.float64) <= ct.limit
            on_time_n[c] = np.bincount(iv[on_time], minlength=n_iv)
            late_n[c] = offered[c] - on_time_n[c]
            started = np.searchsorted(np.sort(out), edges, side="left")
            backlog[c] = np.cumsum(offered[c]) - started
    member = np.array([[c in s for c in range(n_ch)] for s in sets], dtype=np.float64)
    member = member.reshape(len(sets), n_ch)
    busy = member.T @ np.asarray(busy_sets, dtype=np.float64).reshape(len(sets), n_iv)
    available = member.T @ available_by_set(w0, w1, w_set, len(sets), sim)
    logger.debug("replication played: %d events, %d channel sets", events, len(sets))
    return Tally(
        offered=offered,
        answered=answered,
        answered_in_threshold=quick_n,
        abandoned=abandoned,
        wait_s=wait_s,
        done_on_time=on_time_n,
        done_late=late_n,
        backlog=backlog,
        busy_s=busy,
        available_s=available,
        events=events,
    )


__all__ = ["Tally", "play"]

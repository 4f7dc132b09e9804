"""The event loop of one replication: who takes which contact, and when (:func:`play_events`).

The model, routing included, is described in :mod:`rostering.simulation.engine`,
which draws the contacts, builds the schedule of known events and tallies what
this loop returns.

This pure-Python loop is the reference: replications are played by its
compiled copy (:mod:`rostering.simulation.compiled`), which must give
identical results; :func:`rostering.simulation.engine.play_reference` plays
this one, and the tests compare the two. A change of routing is made in both.

Bookkeeping
-----------
An agent holds at most one contact of an *exclusive* channel (concurrency 1:
voice, backlog items) in ``excl`` and some contacts of one channel with
concurrency above one (chats) in ``held``/``count``; without
``calls_interrupt_chats`` never both at once. Completions are ``(time, x)``
entries of a heap: ``x`` is the agent, or the agent plus the number of agents
for an exclusive contact taken on top of chats, so an entry tells which
contact ends (an exclusive contact taken by an agent holding no chat keeps
``x = agent``: that agent takes no chat until it ends). Waiting agents sit in
insertion-ordered maps (agent: since when), so the first entry is the one
waiting longest: ``idle[s]`` per channel set, ``partial[c][j]`` for agents
that may take more chats of ``c`` and hold ``j``, and, with
``calls_interrupt_chats``, ``chatting[s][h][j]`` for agents of set ``s``
holding ``j`` chats of ``h`` and no exclusive contact (they may take a call).
"""

from __future__ import annotations

import heapq
import math
from collections import OrderedDict, deque
from itertools import groupby

from rostering.simulation.draws import Contacts
from rostering.simulation.inputs import SimInput

OFF, ON, RELEASE, ARRIVE = 0, 1, 2, 3
"""Kinds of scheduled events, in the order they run at one instant."""
ABANDONED, UNSERVED = -1.0, -2.0
"""Outcomes of queued contacts that were not answered."""

Schedule = tuple[list[float], list[int], list[int], list[int]]
"""Known events sorted by time: ``(time, kind, x, y)``; see :func:`play_events`."""
Waiting = OrderedDict[int, float]


def play_events(
    sim: SimInput,
    sets: list[frozenset[int]],
    contacts: list[Contacts],
    offsets: list[list[int]],
    schedule: Schedule,
) -> tuple[list[list[float]], list[list[float]], list[list[float]], int]:
    """Play the events: ``(outcome, finish, busy per set and interval, events)``.

    Parameters
    ----------
    sim : SimInput
        The channels, horizon and routing flag.
    sets : list of frozenset of int
        The distinct channel sets of the segments.
    contacts : list of Contacts
        The contacts of each channel, in arrival (release) order.
    offsets : list of list of int
        Backlog channels: ``offsets[c][i]`` is the first item released in
        interval ``i`` (one more entry closes the last); queued channels: empty.
    schedule : Schedule
        ``ON`` (x: agent, y: set), ``OFF`` (x: agent), ``RELEASE``
        (x: channel, y: interval) and ``ARRIVE`` (x: channel, y: contact).

    Returns
    -------
    outcome, finish, busy, events
        ``outcome[c][k]``: queued channels, the wait of contact ``k`` if
        answered, else ``ABANDONED`` or ``UNSERVED``; backlog channels, the
        start time of item ``k`` (inf: never). ``finish[c][k]``: when a backlog
        item is done. ``busy[s][i]``: busy agent-seconds of set ``s`` in
        interval ``i``. ``events``: events processed.
    """
    channels = sim.channels
    n_ch, n_agents = len(channels), len(sim.agents)
    dt, horizon = sim.interval_s, sim.horizon_s
    inv_dt, last_iv = 1.0 / dt, sim.n_intervals - 1
    interrupt = sim.calls_interrupt_chats
    queued = [ch.queued for ch in channels]
    impatient = [ch.queued and ch.patience_s is not None for ch in channels]
    conc = [ch.concurrency for ch in channels]
    rank = [ch.routing_rank for ch in channels]
    exclusive = [k == 1 for k in conc]
    inv_k = [1.0 / k for k in conc]
    speed = [1.0] * n_agents if sim.speed is None else sim.speed.tolist()
    arr = [ct.time.tolist() for ct in contacts]
    handle = [ct.handle.tolist() for ct in contacts]
    limit = [ct.limit.tolist() for ct in contacts]
    outcome = [
        [UNSERVED if queued[c] else math.inf] * ct.time.size for c, ct in enumerate(contacts)
    ]
    finish = [[math.inf] * (0 if queued[c] else ct.time.size) for c, ct in enumerate(contacts)]
    waiting: list[deque[int]] = [deque() for _ in range(n_ch)]

    def by_rank(mine: list[int]) -> list[list[int]]:
        mine = sorted(mine, key=lambda c: (rank[c], c))
        return [list(g) for _, g in groupby(mine, key=lambda c: rank[c])]

    groups = [by_rank([c for c in s if queued[c]]) for s in sets]
    backlogs = [[c for c in sorted(s) if not queued[c]] for s in sets]
    member = [[c in s for c in range(n_ch)] for s in sets]
    sets_for = [[i for i, s in enumerate(sets) if c in s] for c in range(n_ch)]
    idle: list[Waiting] = [OrderedDict() for _ in sets]
    partial: list[list[Waiting]] = [[OrderedDict() for _ in range(k)] for k in conc]
    # with interrupt: chatting[s][h][j] holds agents of set s with j chats of h and no call;
    # over[s][h] the exclusive queued channels of s ranked before h, by rank; levels[c][j - 1]
    # the maps of the agents holding j chats a new contact of c may go to
    chatting: list[list[list[Waiting]]] = [
        [[OrderedDict() for _ in range(k + 1)] if interrupt and k > 1 else [] for k in conc]
        for _ in sets
    ]
    over = [
        [
            by_rank([e for e in s if queued[e] and exclusive[e] and rank[e] < rank[h]])
            for h in range(n_ch)
        ]
        for s in sets
    ]
    levels: list[list[list[Waiting]]] = [[] for _ in range(n_ch)]
    for c in range(n_ch):
        if interrupt and queued[c] and exclusive[c]:
            hosts = [(s, h) for s in sets_for[c] for h in range(n_ch) if rank[c] < rank[h]]
            top = max((conc[h] for _, h in hosts), default=1)
            levels[c] = [
                [chatting[s][h][j] for s, h in hosts if j < len(chatting[s][h])]
                for j in range(1, top + 1)
            ]
    able, held, count, excl = [-1] * n_agents, [-1] * n_agents, [0] * n_agents, [-1] * n_agents
    frac, last = [0.0] * n_agents, [0.0] * n_agents
    reg: list[Waiting | None] = [None] * n_agents
    reg2: list[Waiting | None] = [None] * n_agents
    busy = [[0.0] * sim.n_intervals for _ in sets]
    heap: list[tuple[float, int]] = []
    push, pop = heapq.heappush, heapq.heappop

    def acc(a: int, t: float) -> None:
        """File the busy time of agent ``a`` since its last change, up to ``t``."""
        t0 = last[a]
        last[a] = t
        f, s = frac[a], able[a]
        if f == 0.0 or s < 0:
            return
        t0 = max(t0, 0.0)
        t1 = min(t, horizon)
        if t1 <= t0:
            return
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
        d = reg2[a]
        if d is not None:
            del d[a]
            reg2[a] = None

    def park(a: int, s: int, h: int, j: int, t: float) -> None:
        """Agent ``a`` of set ``s``, holding ``j`` chats of ``h`` and no call, may take a call."""
        d = chatting[s][h][j]
        d[a] = t
        reg2[a] = d

    def purge(c: int, t: float) -> deque[int]:
        """The queue of ``c`` without the heads whose patience has run out by ``t``."""
        dq = waiting[c]
        if impatient[c]:
            lim, out = limit[c], outcome[c]
            while dq and lim[dq[0]] <= t:
                out[dq.popleft()] = ABANDONED
        return dq

    def head(ranked: list[list[int]], t: float) -> int:
        """The channel of the best-ranked, longest-waiting head among ``ranked``, or -1."""
        c, first = -1, math.inf
        for group in ranked:
            for g in group:
                dq = purge(g, t)
                if dq and arr[g][dq[0]] < first:
                    c, first = g, arr[g][dq[0]]
            if c >= 0:
                return c
        return -1

    def start(a: int, c: int, k: int, t: float) -> None:
        end = t + handle[c][k] / speed[a]  # x / 1.0 == x: full speed changes nothing
        if queued[c]:
            outcome[c][k] = t - arr[c][k]
        else:
            outcome[c][k] = t
            finish[c][k] = end
        if exclusive[c]:
            push(heap, (end, a + n_agents if count[a] else a))
            excl[a] = c
            frac[a] = 1.0
        else:
            push(heap, (end, a))
            held[a] = c
            count[a] += 1
            frac[a] = count[a] * inv_k[c]

    def pick(c: int) -> int:
        """The agent a new contact of ``c`` goes to, or -1."""
        best, since = -1, math.inf
        for s in sets_for[c]:
            d = idle[s]
            if d:
                a = next(iter(d))
                if d[a] < since:
                    best, since = a, d[a]
        if best >= 0:
            return best
        for d in partial[c][1:]:
            if d:
                return next(iter(d))
        for maps in levels[c]:
            for d in maps:
                if d:
                    a = next(iter(d))
                    if d[a] < since:
                        best, since = a, d[a]
            if best >= 0:
                return best
        return -1

    def serve_next(a: int, t: float) -> None:
        """Agent ``a`` (able, unregistered, no exclusive contact) takes what it may, then waits."""
        s, j = able[a], count[a]
        if j == 0:
            c = head(groups[s], t)
            if c < 0:
                first = math.inf
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
            if exclusive[c]:
                return
            j = 1
        else:
            c = held[a]
            if interrupt:
                e = head(over[s][c], t)
                if e >= 0:
                    start(a, e, waiting[e].popleft(), t)
                    return
            if not member[s][c]:
                if interrupt:
                    park(a, s, c, j, t)
                return
        k = conc[c]
        while j < k:
            dq = purge(c, t)
            if not dq:
                d = partial[c][j]
                d[a] = t
                reg[a] = d
                break
            start(a, c, dq.popleft(), t)
            j += 1
        if interrupt:
            park(a, s, c, j, t)

    times, kinds, xs, ys = schedule
    n_sched, p, events = len(times), 0, 0
    while True:
        if heap and (p == n_sched or heap[0][0] <= times[p]):
            t, a = pop(heap)
            events += 1
            if a >= n_agents:
                a -= n_agents
                acc(a, t)
                excl[a] = -1
                j = count[a]
                frac[a] = j * inv_k[held[a]] if j else 0.0
            elif count[a] == 0:  # the exclusive contact of an agent holding no chat
                acc(a, t)
                excl[a] = -1
                frac[a] = 0.0
            else:
                acc(a, t)
                j = count[a] = count[a] - 1
                if excl[a] >= 0:  # on a call: no new chat
                    if j == 0:
                        held[a] = -1
                    continue
                if j == 0:
                    held[a] = -1
                    frac[a] = 0.0
                else:
                    frac[a] = j * inv_k[held[a]]
            if able[a] >= 0:
                unregister(a)
                serve_next(a, t)
            continue
        if p == n_sched:
            break
        t, kind, x, y = times[p], kinds[p], xs[p], ys[p]
        p += 1
        events += 1
        if kind == ARRIVE:
            dq = purge(x, t)
            if not dq:
                a = pick(x)
                if a >= 0:
                    acc(a, t)
                    unregister(a)
                    start(a, x, y, t)
                    if not exclusive[x]:
                        j = count[a]
                        if j < conc[x]:
                            d = partial[x][j]
                            d[a] = t
                            reg[a] = d
                        if interrupt:
                            park(a, able[a], x, j, t)
                    continue
            dq.append(y)
        elif kind == RELEASE:
            dq = waiting[x]
            dq.extend(range(offsets[x][y], offsets[x][y + 1]))
            while dq:
                a = pick(x)
                if a < 0:
                    break
                acc(a, t)
                unregister(a)
                serve_next(a, t)
        elif kind == ON:
            acc(x, t)
            able[x] = y
            if excl[x] < 0:
                serve_next(x, t)
        else:
            acc(x, t)
            unregister(x)
            able[x] = -1
    for c in range(n_ch):
        if impatient[c]:
            for k in waiting[c]:
                outcome[c][k] = ABANDONED
    return outcome, finish, busy, events


__all__ = ["ABANDONED", "ARRIVE", "OFF", "ON", "RELEASE", "UNSERVED", "Schedule", "play_events"]

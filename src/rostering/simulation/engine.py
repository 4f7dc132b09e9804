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
Proficiency
    ``SimInput.speed[a]`` in (0, 1] is agent ``a``'s output relative to an
    experienced agent (new agents are slower): a contact it serves takes the
    drawn handling time divided by ``speed[a]`` (0.6: 1 / 0.6 times as
    long). The draws themselves do not depend on who serves, so common
    random numbers hold across rosters and speeds; ``None`` (or all 1.0)
    plays every contact at its drawn handling time, exactly.
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
    Channels of ``concurrency`` 1 (voice, backlog items) are *exclusive*:
    an agent holds at most one such contact. By default an agent holds
    contacts of one channel at a time, up to the channel's ``concurrency``
    (a voice call needs a fully idle agent; an agent on a call takes no
    chat; an agent holding chats takes only more chats of that channel). A
    new contact goes to the longest-idle eligible agent (idle: holding
    nothing, counted from when it last became free or came back; eligible:
    on the floor, outside a not-ready block, on a segment whose set holds
    the channel); for a channel with concurrency above one, failing that, to
    the agent holding the fewest contacts of that channel (ties: longest at
    that count). When an agent frees capacity or comes back, it takes the
    waiting queued contact of the best (lowest) ``routing_rank`` among the
    channels it may take (ties between channels of equal rank: the longest
    waiting head), first come first served within a channel, and fills its
    slots from that channel's queue; only if no such contact waits does it
    take backlog work, earliest due first across its backlog channels.
    Backlog items have no patience and no service level. So a blended agent
    reaches a waiting call only once it holds nothing: while it holds chats
    it keeps filling chat slots (no reservation).
Voice first (``SimInput.calls_interrupt_chats``)
    An agent may hold one exclusive contact on top of the chats (contacts of
    one channel of concurrency ``k > 1``) it holds; the chats continue with
    their own handling times, and while it holds the exclusive contact it
    takes no new chat. A new contact of an exclusive queued channel ``e``
    goes to the longest-idle eligible agent; if none is idle, to an eligible
    agent holding only chats of a channel ranked after ``e`` (a higher
    ``routing_rank``; rank order is kept as when agents free), the one
    holding the fewest chats (ties: longest holding that many, whatever the
    channel). A new chat goes as above, only to agents holding no exclusive
    contact. When an agent holding chats and no exclusive contact frees
    capacity or comes back (its call ended, a chat ended), it first takes
    the waiting contact of the best-ranked exclusive queued channel ranked
    before its chats (ties: longest waiting head), else fills chat slots; an
    agent holding nothing chooses as above. Backlog work still goes only to
    agents holding nothing. An agent holding an exclusive contact and chats
    is fully busy (in general ``min(1, exclusive + chats / k)``).
Order at one instant
    Completions, agents leaving, agents arriving, backlog releases, arrivals.
Randomness
    Independent child streams of the seed are derived per channel and purpose
    (arrivals, handling times, patience) and one for the not-ready blocks, so
    two rosters simulated with the same seed see the same contacts with the
    same handling times and patience (common random numbers), and the same
    seed always gives the same :class:`Tally`.

The engine
----------
An event loop compiled with numba
(:func:`rostering.simulation.compiled.play_compiled`): randomness is drawn in
bulk up front with numpy, every event known in advance (arrivals, releases,
agents coming and going) is one sorted stream, and only completions go
through a binary heap of ``(time, agent)``. Queues are per-channel slices of
contact indices with a head and a tail; waiting agents sit in linked lists
kept in insertion order (idle agents one per distinct channel set, agents
with free chat slots one per channel and chats held), so the longest waiting
is the first entry. The pure-Python loop with ``heapq``, deques and
insertion-ordered maps (:func:`rostering.simulation.routing.play_events`) is
kept as the reference: :func:`play_reference` plays it, and the tests check
that both give identical tallies. The compiled code is cached on disk (the
first replication after an install compiles it, in a few seconds).

Why not SimPy or ciw: measured with ``benchmarks/simulation.py`` on the site
M roster (150 agents, 28 days, 3 channels, 240,000 contacts a replication),
one worker each, a straightforward SimPy model of the same roster takes
3.8 s a replication and this engine 0.12 s (33x; the pure-Python form of
this loop took 1.1 s, 3.5x); 20 replications take 2.0 s on two processes.
Both models give the same service within a few tenths of a point.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, fields

import numpy as np

from rostering.simulation.compiled import Played, ScheduleArrays, play_compiled
from rostering.simulation.draws import (
    Contacts,
    IntArray,
    agent_windows,
    available_by_set,
    check_segments,
    draw_contacts,
)
from rostering.simulation.inputs import FloatArray, SimInput
from rostering.simulation.routing import ABANDONED, ARRIVE, OFF, ON, RELEASE, play_events

logger = logging.getLogger(__name__)


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
        ``j`` of ``k`` chats is ``j / k`` busy, one holding a contact of
        concurrency 1 fully); occupancy is ``busy_s / available_s``.
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
    return _replicate(sim, seed, reference=False)


def play_reference(sim: SimInput, seed: np.random.SeedSequence) -> Tally:
    """:func:`play` with the pure-Python event loop (``routing.play_events``).

    The reference the compiled loop is checked against: the same tally as
    :func:`play` for every input and seed, many times slower.
    """
    return _replicate(sim, seed, reference=True)


def _reference_loop(
    sim: SimInput,
    sets: list[frozenset[int]],
    contacts: list[Contacts],
    offsets: list[list[int]],
    schedule: ScheduleArrays,
) -> Played:
    """``routing.play_events`` with the arguments and results of ``play_compiled``."""
    times, kinds, xs, ys = schedule
    lists = (times.tolist(), kinds.tolist(), xs.tolist(), ys.tolist())
    outcome, finish, busy, events = play_events(sim, sets, contacts, offsets, lists)
    as_arrays = [np.asarray(row, dtype=np.float64) for row in outcome]
    finish_arrays = [np.asarray(row, dtype=np.float64) for row in finish]
    busy_array = np.asarray(busy, dtype=np.float64).reshape(len(sets), sim.n_intervals)
    return as_arrays, finish_arrays, busy_array, events


def _replicate(sim: SimInput, seed: np.random.SeedSequence, *, reference: bool) -> Tally:
    """One replication, played by the compiled loop or the reference."""
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
        (w0, ON, w_agent, w_set),
        (w1, OFF, w_agent, np.zeros_like(w_set)),
    ]
    for c, (channel, ct) in enumerate(zip(sim.channels, contacts, strict=True)):
        if channel.queued:
            offsets.append([])
            ids = np.arange(ct.time.size, dtype=np.int64)
            parts.append((ct.time, ARRIVE, np.full(ids.size, c, dtype=np.int64), ids))
        else:
            counts = np.bincount(ct.interval, minlength=n_iv)
            offsets.append(np.concatenate(([0], np.cumsum(counts))).tolist())
            released = np.flatnonzero(counts).astype(np.int64)
            channel_ids = np.full(released.size, c, dtype=np.int64)
            release_t = np.asarray(released * dt, dtype=np.float64)
            parts.append((release_t, RELEASE, channel_ids, released))
    time_arr = np.concatenate([p[0] for p in parts])
    kind_arr = np.concatenate([np.full(p[0].size, p[1], dtype=np.int64) for p in parts])
    x_arr = np.concatenate([p[2] for p in parts])
    y_arr = np.concatenate([p[3] for p in parts])
    order = np.lexsort((y_arr, x_arr, kind_arr, time_arr))
    schedule = (
        np.ascontiguousarray(time_arr[order], dtype=np.float64),
        np.ascontiguousarray(kind_arr[order], dtype=np.int64),
        np.ascontiguousarray(x_arr[order], dtype=np.int64),
        np.ascontiguousarray(y_arr[order], dtype=np.int64),
    )
    loop = _reference_loop if reference else play_compiled
    outcome, finish, busy_sets, events = loop(sim, sets, contacts, offsets, schedule)

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
            abandoned[c] = np.bincount(iv[out == ABANDONED], minlength=n_iv)
            wait_s[c] = np.bincount(iv[ok], weights=out[ok], minlength=n_iv)
        else:
            on_time = np.asarray(finish[c], dtype=np.float64) <= ct.limit
            on_time_n[c] = np.bincount(iv[on_time], minlength=n_iv)
            late_n[c] = offered[c] - on_time_n[c]
            started = np.searchsorted(np.sort(out), edges, side="left")
            backlog[c] = np.cumsum(offered[c]) - started
    member = np.array([[c in s for c in range(n_ch)] for s in sets], dtype=np.float64)
    member = member.reshape(len(sets), n_ch)
    busy = member.T @ busy_sets
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


__all__ = ["Tally", "play", "play_reference"]

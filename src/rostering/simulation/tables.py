"""The arrays the compiled event loop plays on: :func:`pack` and its :class:`Layout`.

The compiled loop (:mod:`rostering.simulation.compiled`) reads and changes two
flat arrays, one of ``int64`` and one of ``float64``; :class:`Layout` says where
each table and each piece of state starts in them, with the sizes and the
constants of the replication. Two arrays rather than one per table: a call
between compiled functions then passes two arrays (plus scalars) and counts
two references, not one per table, which would cost more than the routing.

Tables, with their shapes (row-major, ``-1`` pads), from the arguments of
:func:`rostering.simulation.routing.play_events`:

* per channel ``c``: ``queued``, ``impatient``, ``exclusive``, ``conc``,
  ``rank``, ``base`` (where its contacts start in the flat contact arrays),
  ``inv_k`` (floats), and ``offsets`` ``(channel, n_iv + 1)``;
* per agent ``a``: ``speed`` (floats; all 1.0 when ``SimInput.speed`` is ``None``);
* ``ranked`` ``(list, n_ch)``: the channels of a list by ``(rank, index)``;
  list ``s`` is ``groups[s]`` (the queued channels of set ``s``), list
  ``n_sets + s * n_ch + h`` is ``over[s][h]``; a change of rank starts a group;
* ``backlogs`` and ``member`` ``(set, n_ch)``; ``sets_for`` ``(channel, sets_w)``;
* maps of waiting agents are numbered: map ``s`` is ``idle[s]``, then
  ``partial`` ``(channel, k_max + 1)``, then ``chatting`` ``(set, channel,
  k_max + 1)``; ``slot`` ``(map,)`` is 0 for idle and partial maps, 1 for
  chatting maps; ``levels`` ``(channel, k_max, lev_w)``: the maps a new
  contact may go to at each level ``j = 1 .. k_max``.

State: per agent ``able``, ``held``, ``chats`` (``count`` there), ``excl`` (ints), ``frac``,
``last``, ``since`` ``(slot, agent)`` (floats); ``links`` ``(slot, 3, agent)``:
its map, the next and the previous agent in it; ``ends`` ``(map, 2)``: the
first and last agent of a map; ``queue`` (flat like the contacts),
``qhead``/``qtail`` per channel; ``outcome``, ``finish`` (flat); ``busy``
``(set, n_iv)``; the completion heap ``heap_t``/``heap_x`` and its size
``heap_n``.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from rostering.simulation.draws import Contacts, IntArray
from rostering.simulation.inputs import FloatArray, SimInput
from rostering.simulation.routing import ABANDONED, ARRIVE, ON, RELEASE, UNSERVED


class Layout(NamedTuple):
    """Sizes and constants, and the offset of each table or state in the int or float array."""

    n_agents: int
    n_ch: int
    n_sets: int
    n_iv: int
    k_max: int
    sets_w: int
    lev_w: int
    dt: float
    inv_dt: float
    horizon: float
    interrupt: bool
    arrive: int  # routing.ARRIVE, ON, RELEASE and ABANDONED, passed rather than read as
    on: int  # globals: a cached compiled function would keep a global's old value
    release: int
    abandoned: float
    # ints: tables
    queued: int
    impatient: int
    exclusive: int
    conc: int
    rank: int
    base: int
    offsets: int
    ranked: int
    backlogs: int
    member: int
    sets_for: int
    partial: int
    chatting: int
    levels: int
    slot: int
    # ints: state
    able: int
    held: int
    chats: int
    excl: int
    links: int
    ends: int
    queue: int
    qhead: int
    qtail: int
    heap_x: int
    heap_n: int
    # floats
    inv_k: int
    speed: int
    arr: int
    handle: int
    limit: int
    frac: int
    last: int
    since: int
    outcome: int
    finish: int
    busy: int
    heap_t: int


class _Packer:
    """Appends arrays to one flat array and remembers where each starts."""

    def __init__(self, dtype: type[np.int64] | type[np.float64]) -> None:
        self.dtype = dtype
        self.parts: list[npt.NDArray[Any]] = []
        self.size = 0

    def add(self, values: object) -> int:
        flat = np.asarray(values, dtype=self.dtype).ravel()
        start = self.size
        self.parts.append(flat)
        self.size += flat.size
        return start

    def array(self) -> npt.NDArray[Any]:
        return np.concatenate(self.parts) if self.parts else np.zeros(0, dtype=self.dtype)


def _ranked(channels: list[int], rank: list[int], width: int) -> list[int]:
    """``channels`` sorted by (rank, index), padded with -1 to ``width``."""
    mine = sorted(channels, key=lambda c: (rank[c], c))
    return mine + [-1] * (width - len(mine))


def _joined(parts: list[FloatArray]) -> FloatArray:
    return np.concatenate(parts) if parts else np.zeros(0)


def _padded(values: list[int], width: int) -> list[int]:
    return values + [-1] * (width - len(values))


def pack(
    sim: SimInput,
    sets: list[frozenset[int]],
    contacts: list[Contacts],
    offsets: list[list[int]],
) -> tuple[Layout, IntArray, FloatArray]:
    """The layout, int array and float array of a replication, its state at the start."""
    channels = sim.channels
    n_ch, n_sets, n_iv, n_agents = len(channels), len(sets), sim.n_intervals, len(sim.agents)
    interrupt = sim.calls_interrupt_chats
    queued = [ch.queued for ch in channels]
    conc = [ch.concurrency for ch in channels]
    rank = [ch.routing_rank for ch in channels]
    exclusive = [k == 1 for k in conc]
    k_max = max(conc, default=1)
    sets_w = max(n_sets, 1)
    lev_w = max(n_sets * n_ch, 1)
    sizes = [ct.time.size for ct in contacts]
    total = sum(sizes)
    base = np.concatenate(([0], np.cumsum(sizes, dtype=np.int64)))[:n_ch]

    n_maps = n_sets
    partial = np.full((n_ch, k_max + 1), -1, dtype=np.int64)
    for c in range(n_ch):
        partial[c, : conc[c]] = np.arange(n_maps, n_maps + conc[c])
        n_maps += conc[c]
    n_plain = n_maps
    chatting = np.full((n_sets, n_ch, k_max + 1), -1, dtype=np.int64)
    for s in range(n_sets):
        for h in range(n_ch):
            if interrupt and conc[h] > 1:
                chatting[s, h, : conc[h] + 1] = np.arange(n_maps, n_maps + conc[h] + 1)
                n_maps += conc[h] + 1
    slot = [0] * n_plain + [1] * (n_maps - n_plain)
    levels = np.full((n_ch, k_max, lev_w), -1, dtype=np.int64)
    for c in range(n_ch):
        if interrupt and queued[c] and exclusive[c]:
            hosts = [(s, h) for s in range(n_sets) if c in sets[s] for h in range(n_ch)]
            hosts = [(s, h) for s, h in hosts if rank[c] < rank[h] and conc[h] > 1]
            for j in range(1, k_max + 1):
                maps = [int(chatting[s, h, j]) for s, h in hosts if j <= conc[h]]
                levels[c, j - 1, : len(maps)] = maps

    ranked: list[int] = []
    for chans in sets:
        ranked += _ranked([c for c in chans if queued[c]], rank, n_ch)
    for chans in sets:
        for h in range(n_ch):
            over = [e for e in chans if queued[e] and exclusive[e] and rank[e] < rank[h]]
            ranked += _ranked(over, rank, n_ch)
    offset_table = np.zeros((n_ch, n_iv + 1), dtype=np.int64)
    for c, row in enumerate(offsets):
        if row:
            offset_table[c] = row
    queued_outcome = np.repeat(np.array(queued, dtype=bool), sizes)

    ints, floats = _Packer(np.int64), _Packer(np.float64)
    where = {
        "queued": ints.add(queued),
        "impatient": ints.add([ch.queued and ch.patience_s is not None for ch in channels]),
        "exclusive": ints.add(exclusive),
        "conc": ints.add(conc),
        "rank": ints.add(rank),
        "base": ints.add(base),
        "offsets": ints.add(offset_table),
        "ranked": ints.add(ranked),
        "backlogs": ints.add(
            [_padded([c for c in sorted(chans) if not queued[c]], n_ch) for chans in sets]
        ),
        "member": ints.add([[c in chans for c in range(n_ch)] for chans in sets]),
        "sets_for": ints.add(
            [_padded([s for s in range(n_sets) if c in sets[s]], sets_w) for c in range(n_ch)]
        ),
        "partial": ints.add(partial),
        "chatting": ints.add(chatting),
        "levels": ints.add(levels),
        "slot": ints.add(slot),
        "able": ints.add(np.full(n_agents, -1)),
        "held": ints.add(np.full(n_agents, -1)),
        "chats": ints.add(np.zeros(n_agents)),
        "excl": ints.add(np.full(n_agents, -1)),
        "links": ints.add(np.full((2, 3, n_agents), -1)),
        "ends": ints.add(np.full((n_maps, 2), -1)),
        "queue": ints.add(np.zeros(total)),
        "qhead": ints.add(np.zeros(n_ch)),
        "qtail": ints.add(np.zeros(n_ch)),
        "heap_x": ints.add(np.zeros(total)),
        "heap_n": ints.add([0]),
        "inv_k": floats.add([1.0 / k for k in conc]),
        "speed": floats.add(np.ones(n_agents) if sim.speed is None else sim.speed),
        "arr": floats.add(_joined([ct.time for ct in contacts])),
        "handle": floats.add(_joined([ct.handle for ct in contacts])),
        "limit": floats.add(_joined([ct.limit for ct in contacts])),
        "frac": floats.add(np.zeros(n_agents)),
        "last": floats.add(np.zeros(n_agents)),
        "since": floats.add(np.zeros((2, n_agents))),
        "outcome": floats.add(np.where(queued_outcome, UNSERVED, np.inf)),
        "finish": floats.add(np.full(total, np.inf)),
        "busy": floats.add(np.zeros((n_sets, n_iv))),
        "heap_t": floats.add(np.zeros(total)),
    }
    layout = Layout(
        n_agents=n_agents,
        n_ch=n_ch,
        n_sets=n_sets,
        n_iv=n_iv,
        k_max=k_max,
        sets_w=sets_w,
        lev_w=lev_w,
        dt=sim.interval_s,
        inv_dt=1.0 / sim.interval_s,
        horizon=sim.horizon_s,
        interrupt=interrupt,
        arrive=ARRIVE,
        on=ON,
        release=RELEASE,
        abandoned=ABANDONED,
        **where,
    )
    int_array: IntArray = ints.array().astype(np.int64)
    float_array: FloatArray = floats.array().astype(np.float64)
    return layout, int_array, float_array


__all__ = ["Layout", "pack"]

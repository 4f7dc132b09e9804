"""A plain SimPy model of a roster simulation, the peer of the benchmark in ``simulation.py``.

It plays the same :class:`~rostering.simulation.inputs.SimInput` the roster
simulation engine plays, written the way SimPy models of a contact centre
usually are: one process per agent walking through its segments, one arrival
process per queued channel spawning a process per contact, and one release
process per backlog channel.

The model
---------
* Queued channels (inbound, chat): the count in each interval is Poisson with
  mean ``volume[c, i]`` (or the replayed ``arrivals[c]``), at uniform times in
  the interval; handling times are exponential (or lognormal) with the
  interval's ``aht_s``; a contact waits first come, first served and hangs up
  after an exponential patience of mean ``patience_s``.
* An agent serves a segment's channels from ``start_s`` to ``end_s``: a
  contact of a channel with ``concurrency`` 1 (voice, backlog) takes the
  agent whole, a chat takes one of its ``concurrency`` slots (an agent holds
  several chats, never a chat and a call together). Contacts in hand at the
  end of a segment are finished.
* An arriving contact goes to the eligible agent idle the longest (for chat:
  fewest chats in hand first). An agent that frees looks at its channels in
  ``routing_rank`` order (voice before chat before backlog) and takes the
  first waiting contact it can.
* Backlog channels (e-mail, outbound): ``round(volume[c, i])`` items are
  released at the start of interval ``i``, due ``window_s`` later (no window:
  by the end of the interval); idle agents take them earliest due first.
* ``unavailable[i]``: in every interval an agent is on the floor, it is not
  ready for a stretch of ``unavailable[i]`` of its time there, at a uniform
  random place (it finishes what it holds, takes nothing new).

Counted per channel over the horizon: offered, answered, answered within
``threshold_s`` (backlog: done by the due time), abandoned; and the SimPy
events processed. Service level is answered within threshold over offered;
abandonment is abandoned over offered.

    python benchmarks/simpy_peer.py          # one replication of a synthetic site, timed
"""

from __future__ import annotations

import heapq
import math
import random
import sys
import time
from collections import deque
from collections.abc import Generator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import simpy

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from peak_memory import peak_mb  # noqa: E402

from rostering.simulation.inputs import (  # noqa: E402
    HandleTime,
    Segment,
    SimChannel,
    SimInput,
)
from rostering.types import AgentId, ChannelId  # noqa: E402

#: After the horizon, time allowed for contacts in hand to finish and waiting ones to hang up.
DRAIN_S = 4 * 3600.0

ProcessGen = Generator[simpy.Event, Any, None]


@dataclass
class ChannelCounts:
    """What happened to one channel's contacts over the horizon."""

    offered: int = 0
    answered: int = 0
    within: int = 0
    """Answered within the threshold (backlog: done by the due time)."""
    abandoned: int = 0

    @property
    def service_level(self) -> float:
        """Answered within the threshold over offered."""
        return self.within / self.offered if self.offered else math.nan

    @property
    def abandon_rate(self) -> float:
        """Abandoned over offered."""
        return self.abandoned / self.offered if self.offered else math.nan


@dataclass
class PeerResult:
    """One replication of the SimPy model."""

    channels: dict[ChannelId, ChannelCounts]
    events: int
    """SimPy events processed."""
    wall_s: float

    @property
    def contacts(self) -> int:
        """Contacts and backlog items offered, every channel."""
        return sum(c.offered for c in self.channels.values())

    def as_dict(self) -> dict[str, float]:
        """Flat figures: ``<channel>.offered``, ``.service_level``, ... and the totals."""
        out: dict[str, float] = {
            "events": float(self.events),
            "contacts": float(self.contacts),
            "wall_s": self.wall_s,
        }
        for cid, c in self.channels.items():
            out[f"{cid}.offered"] = float(c.offered)
            out[f"{cid}.answered"] = float(c.answered)
            out[f"{cid}.within"] = float(c.within)
            out[f"{cid}.abandoned"] = float(c.abandoned)
            out[f"{cid}.service_level"] = c.service_level
            out[f"{cid}.abandon_rate"] = c.abandon_rate
        return out


@dataclass(eq=False)
class _Agent:
    index: int
    present: bool = False
    ready: bool = True
    channels: tuple[int, ...] = ()
    """The current segment's channels, in routing order."""
    held: int = 0
    exclusive: bool = False
    """Holding a contact of a channel with concurrency 1."""
    idle_since: float = 0.0


@dataclass(eq=False)
class _Waiting:
    arrival: float
    handle_s: float
    answered: simpy.Event
    gone: bool = False
    agent: _Agent | None = None


@dataclass
class _Backlog:
    items: list[tuple[float, int, float]] = field(default_factory=list)
    """Heap of (due, sequence, handle_s)."""
    seq: int = 0


class _Model:
    """The state of one replication and the SimPy processes that change it."""

    def __init__(self, sim: SimInput, seed: int) -> None:
        self.sim = sim
        self.env = simpy.Environment()
        self.rng = random.Random(seed)
        self.np_rng = np.random.default_rng(seed)
        self.channels = sim.channels
        n = len(sim.channels)
        self.counts = [ChannelCounts() for _ in range(n)]
        self.queues: list[deque[_Waiting]] = [deque() for _ in range(n)]
        self.backlogs = [_Backlog() for _ in range(n)]
        self.on_floor: list[set[_Agent]] = [set() for _ in range(n)]
        self.agents = [_Agent(i) for i in range(len(sim.agents))]
        self.rank = sorted(range(n), key=lambda c: (sim.channels[c].routing_rank, c))
        self.lognormal = [self._lognormal_sigma(ch) for ch in sim.channels]

    @staticmethod
    def _lognormal_sigma(channel: SimChannel) -> float | None:
        if channel.handle is not HandleTime.LOGNORMAL:
            return None
        return math.sqrt(math.log1p(channel.handle_cv**2))

    def handle_time(self, c: int, interval: int) -> float:
        mean = float(self.sim.aht_s[c, interval])
        sigma = self.lognormal[c]
        if sigma is None:
            return self.rng.expovariate(1.0 / mean)
        return self.rng.lognormvariate(math.log(mean) - sigma * sigma / 2, sigma)

    def interval_of(self, t: float) -> int:
        return min(int(t // self.sim.interval_s), self.sim.n_intervals - 1)

    # -- agents --------------------------------------------------------------

    def can_take(self, agent: _Agent, c: int) -> bool:
        k = self.channels[c].concurrency
        if k == 1:
            return agent.held == 0
        return not agent.exclusive and agent.held < k

    def start(self, agent: _Agent, c: int) -> None:
        agent.held += 1
        if self.channels[c].concurrency == 1:
            agent.exclusive = True

    def release(self, agent: _Agent, c: int) -> None:
        agent.held -= 1
        if self.channels[c].concurrency == 1:
            agent.exclusive = False
        agent.idle_since = self.env.now
        self.find_work(agent)

    def find_work(self, agent: _Agent) -> None:
        """An agent with room takes waiting work, its channels in routing order."""
        while agent.present and agent.ready:
            for c in agent.channels:
                if not self.can_take(agent, c):
                    continue
                if self.channels[c].queued:
                    queue = self.queues[c]
                    while queue and queue[0].gone:
                        queue.popleft()
                    if queue:
                        waiting = queue.popleft()
                        waiting.gone = True
                        waiting.agent = agent
                        self.start(agent, c)
                        waiting.answered.succeed()
                        break
                elif self.backlogs[c].items:
                    due, _, handle_s = heapq.heappop(self.backlogs[c].items)
                    self.start(agent, c)
                    self.env.process(self.work_item(agent, c, due, handle_s))
                    break
            else:
                return

    def agent(self, agent: _Agent, segments: list[Segment]) -> ProcessGen:
        env = self.env
        interval_s = self.sim.interval_s
        unavailable = self.sim.unavailable
        for seg in segments:
            if seg.start_s > env.now:
                yield env.timeout(seg.start_s - env.now)
            agent.channels = tuple(c for c in self.rank if c in seg.channels)
            agent.present = True
            if agent.held == 0:
                agent.idle_since = env.now
            for c in agent.channels:
                self.on_floor[c].add(agent)
            self.find_work(agent)
            while env.now < seg.end_s:
                i = int(env.now // interval_s)
                if i >= self.sim.n_intervals:  # past the horizon: no not-ready time
                    yield env.timeout(seg.end_s - env.now)
                    break
                piece_end = min(seg.end_s, (i + 1) * interval_s)
                share = float(unavailable[i])
                if share > 0:
                    away = share * (piece_end - env.now)
                    yield env.timeout(self.rng.uniform(0, piece_end - env.now - away))
                    agent.ready = False
                    yield env.timeout(away)
                    agent.ready = True
                    self.find_work(agent)
                if piece_end > env.now:
                    yield env.timeout(piece_end - env.now)
            agent.present = False
            for c in agent.channels:
                self.on_floor[c].discard(agent)

    # -- queued channels -----------------------------------------------------

    def arrival_times(self, c: int) -> npt.NDArray[np.float64]:
        if c in self.sim.arrivals:
            times = np.sort(self.sim.arrivals[c])
            return times[(times >= 0) & (times < self.sim.horizon_s)]
        counts = self.np_rng.poisson(self.sim.volume[c])
        starts = np.repeat(np.arange(self.sim.n_intervals) * self.sim.interval_s, counts)
        return np.sort(starts + self.np_rng.uniform(0, self.sim.interval_s, len(starts)))

    def arrivals(self, c: int) -> ProcessGen:
        env = self.env
        for t in self.arrival_times(c).tolist():
            if t > env.now:
                yield env.timeout(t - env.now)
            env.process(self.contact(c))

    def pick_agent(self, c: int) -> _Agent | None:
        """The eligible agent idle the longest (for chat: fewest chats in hand first)."""
        k = self.channels[c].concurrency
        if k == 1:
            free = [a for a in self.on_floor[c] if a.held == 0 and a.ready]
        else:
            free = [a for a in self.on_floor[c] if a.held < k and a.ready and not a.exclusive]
        if not free:
            return None
        return min(free, key=lambda a: (a.held, a.idle_since, a.index))

    def contact(self, c: int) -> ProcessGen:
        env = self.env
        channel = self.channels[c]
        counts = self.counts[c]
        counts.offered += 1
        arrival = env.now
        handle_s = self.handle_time(c, self.interval_of(arrival))
        picked = self.pick_agent(c)
        if picked is not None:
            self.start(picked, c)
            agent = picked
        else:
            waiting = _Waiting(arrival, handle_s, env.event())
            self.queues[c].append(waiting)
            if channel.patience_s is None:
                yield waiting.answered
            else:
                patience = env.timeout(self.rng.expovariate(1.0 / channel.patience_s))
                yield waiting.answered | patience
                if not waiting.answered.triggered:
                    waiting.gone = True
                    counts.abandoned += 1
                    return
            if waiting.agent is None:  # pragma: no cover - answered always names its agent
                return
            agent = waiting.agent
        counts.answered += 1
        if env.now - arrival <= channel.threshold_s:
            counts.within += 1
        yield env.timeout(handle_s)
        self.release(agent, c)

    # -- backlog channels ----------------------------------------------------

    def releases(self, c: int) -> ProcessGen:
        env = self.env
        backlog = self.backlogs[c]
        # Due window_s after release; a channel without a window: by the end of the interval.
        window = self.channels[c].window_s or self.sim.interval_s
        for i in range(self.sim.n_intervals):
            n = round(float(self.sim.volume[c, i]))
            if n <= 0:
                continue
            t = i * self.sim.interval_s
            if t > env.now:
                yield env.timeout(t - env.now)
            self.counts[c].offered += n
            for _ in range(n):
                backlog.seq += 1
                heapq.heappush(backlog.items, (t + window, backlog.seq, self.handle_time(c, i)))
            idle = sorted(
                (a for a in self.on_floor[c] if a.ready and a.held == 0),
                key=lambda a: (a.idle_since, a.index),
            )
            for agent in idle:
                if not backlog.items:
                    break
                self.find_work(agent)

    def work_item(self, agent: _Agent, c: int, due: float, handle_s: float) -> ProcessGen:
        yield self.env.timeout(handle_s)
        counts = self.counts[c]
        counts.answered += 1
        if self.env.now <= due:
            counts.within += 1
        self.release(agent, c)

    # -- the run -------------------------------------------------------------

    def run(self) -> PeerResult:
        began = time.perf_counter()
        by_agent: dict[int, list[Segment]] = {}
        for seg in self.sim.segments:
            by_agent.setdefault(seg.agent, []).append(seg)
        for a, segs in by_agent.items():
            self.env.process(self.agent(self.agents[a], sorted(segs, key=lambda s: s.start_s)))
        for c, channel in enumerate(self.channels):
            if channel.queued:
                self.env.process(self.arrivals(c))
            else:
                self.env.process(self.releases(c))
        self.env.run(until=self.sim.horizon_s + DRAIN_S)
        return PeerResult(
            channels={ch.id: n for ch, n in zip(self.channels, self.counts, strict=True)},
            events=_events_processed(self.env),
            wall_s=time.perf_counter() - began,
        )


def _events_processed(env: simpy.Environment) -> int:
    """Events SimPy scheduled and took off its queue (read from its event counter)."""
    counter = getattr(env, "_eid", None)
    if counter is None:
        return -1
    return int(next(counter)) - len(getattr(env, "_queue", ()))


def simulate_simpy(sim: SimInput, seed: int) -> PeerResult:
    """One replication of ``sim`` in SimPy with random streams from ``seed``."""
    sim.check()
    return _Model(sim, seed).run()


def synthetic_input(
    n_agents: int = 150, days: int = 28, *, seed: int = 7, load: float = 0.9
) -> SimInput:
    """A blended site without a roster: agents on 9-hour days with a meal, three channels.

    Shaped like ``scenarios/site-m`` (inbound with patience, chat at concurrency
    3, e-mail due within a day), for trying the peer when no roster is at hand.
    ``load`` scales the volumes against the agents on the floor.
    """
    rng = random.Random(seed)
    interval_s = 1800.0
    per_day = 48
    n = days * per_day
    channels = (
        SimChannel(
            ChannelId("inbound"),
            queued=True,
            routing_rank=0,
            threshold_s=20,
            patience_s=150,
            target_service_level=0.8,
            target_abandon_rate=0.05,
        ),
        SimChannel(
            ChannelId("chat"),
            queued=True,
            routing_rank=1,
            threshold_s=30,
            concurrency=3,
            target_service_level=0.8,
        ),
        SimChannel(ChannelId("email"), queued=False, routing_rank=2, window_s=86400.0),
    )
    skill_sets = [frozenset({0, 1}), frozenset({0, 1, 2}), frozenset({0}), frozenset({0, 1})]
    segments: list[Segment] = []
    on_floor = np.zeros(n)
    for a in range(n_agents):
        skills = skill_sets[a % len(skill_sets)]
        start_slot = rng.choice([16, 18, 20, 26])  # 08:00, 09:00, 10:00, 13:00
        off = set(rng.sample(range(7), 2))
        for d in range(days):
            if d % 7 in off:
                continue
            s0 = d * per_day + start_slot
            meal = s0 + rng.choice([6, 7, 8])
            for lo, hi in ((s0, meal), (meal + 2, s0 + 18)):
                segments.append(Segment(a, lo * interval_s, hi * interval_s, skills))
                on_floor[lo:hi] += 1
    # Offered load in agent-equivalents per interval: inbound 55 %, chat 30 %, e-mail 15 %.
    aht = np.array([240.0, 480.0, 300.0])
    work = on_floor * load * 0.85
    volume = np.zeros((3, n))
    for c, share in enumerate((0.55, 0.30, 0.15)):
        per_agent = interval_s / aht[c] * (channels[c].concurrency if c == 1 else 1)
        volume[c] = work * share * per_agent
    volume[2] = np.round(volume[2])
    return SimInput(
        interval_s=interval_s,
        channels=channels,
        volume=volume,
        aht_s=np.repeat(aht[:, None], n, axis=1),
        agents=tuple(AgentId(f"G{a:03d}") for a in range(n_agents)),
        segments=tuple(segments),
        unavailable=np.full(n, 0.1),
    )


def main() -> None:
    sim = synthetic_input()
    result = simulate_simpy(sim, seed=1)
    print(f"synthetic site: {len(sim.agents)} agents, {sim.n_intervals} intervals")
    print(
        f"one replication: {result.wall_s:.2f} s, {result.contacts:,} contacts, "
        f"{result.events:,} events ({result.events / result.wall_s:,.0f} events/s)"
    )
    for cid, c in result.channels.items():
        print(
            f"  {cid:8} offered {c.offered:8,}  answered {c.answered:8,}  "
            f"SL {c.service_level:6.1%}  abandoned {c.abandon_rate:6.2%}"
        )
    print(f"peak memory of this process: {peak_mb():,.0f} MB (VmHWM)")


if __name__ == "__main__":
    main()

"""From a scenario's demand and a roster to the records the simulation plays.

Agents are on the floor as the roster says: from shift start to shift end,
less the meal it places, serving the channels their assignment carries that
day (their skills within the shift's channels). People on leave or off have
no assignment and are absent. Supervisors on standby are not on the floor.
What the roster does not place is the channels' shrinkage: taken as random
not-ready time, the largest shrinkage of the channels open in the interval.
Agents (called-in people too) handle contacts at their proficiency
(:meth:`Scenario.proficiency`: their ramp-up stage, else their stated
``proficiency``); the input carries it as ``speed`` when some agent is below 1.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
from collections.abc import Sequence
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from rostering.domain.agents import Role
from rostering.domain.channels import Channel, ChannelKind
from rostering.domain.scenario import Scenario
from rostering.errors import InputError
from rostering.roster.solution import Assignment, CallIn
from rostering.simulation.inputs import HandleTime, Segment, SimChannel, SimInput
from rostering.types import AgentId, ChannelId

log = logging.getLogger(__name__)

_DEFAULT_RANK = {ChannelKind.INBOUND: 0, ChannelKind.CHAT: 1}


def routing_ranks(scenario: Scenario) -> dict[ChannelId, int]:
    """Rank of each channel when an agent frees (lower first).

    The scenario's ``simulation.routing`` order when given (channels it leaves
    out come after, voice first); else inbound calls, then chats, then the
    backlog channels.
    """
    order = list(scenario.simulation.routing)
    rest = sorted(
        (c for c in scenario.channels if c.id not in order),
        key=lambda c: (_DEFAULT_RANK.get(c.kind, 2), -c.priority, c.id),
    )
    return {c: i for i, c in enumerate([*order, *(c.id for c in rest)])}


def _channel(channel: Channel, rank: int, scenario: Scenario, interval_s: float) -> SimChannel:
    targets = channel.targets
    window = channel.completion_window_h
    return SimChannel(
        id=channel.id,
        queued=channel.kind.queued,
        routing_rank=rank,
        threshold_s=targets.threshold_s,
        patience_s=channel.patience_s if channel.kind.queued else None,
        concurrency=channel.concurrency if channel.kind is ChannelKind.CHAT else 1,
        window_s=window * 3600.0 if window is not None else interval_s,
        handle=HandleTime(scenario.simulation.handle_time),
        handle_cv=scenario.simulation.handle_cv,
        target_service_level=targets.service_level if channel.kind.queued else None,
        target_abandon_rate=targets.abandon_rate if channel.kind.queued else None,
    )


def horizon_origin(scenario: Scenario) -> dt.datetime:
    """Local midnight of the horizon's first day: second 0 of the simulation."""
    tz = ZoneInfo(scenario.site.timezone)
    return dt.datetime.combine(scenario.horizon.start, dt.time(), tzinfo=tz)


def _segments(
    assignment: Assignment, agent: int, origin: dt.datetime, index: dict[ChannelId, int]
) -> list[Segment]:
    """The agent's time on the floor that day: the shift less its meal and short breaks,
    split where it helps."""

    def at(t: dt.datetime) -> float:
        return (t - origin).total_seconds()

    start, end = at(assignment.start), at(assignment.end)
    meal = (
        (at(assignment.meal_start), at(assignment.meal_end))
        if assignment.meal_start is not None and assignment.meal_end is not None
        else None
    )
    away = [(at(b.start), at(b.end)) for b in assignment.breaks]
    helps = [
        (at(s.start), at(s.end), frozenset(index[c] for c in s.channels))
        for s in assignment.secondary
    ]
    cuts = sorted(
        {
            start,
            end,
            *(meal or ()),
            *(x for a, b in away for x in (a, b)),
            *(x for a, b, _ in helps for x in (a, b)),
        }
    )
    own = frozenset(index[c] for c in assignment.channels)
    out: list[Segment] = []
    for a, b in itertools.pairwise(cuts):
        if a < start or b > end or (meal is not None and meal[0] <= a and b <= meal[1]):
            continue
        if any(lo <= a and b <= hi for lo, hi in away):
            continue
        carried = own.union(*(chans for lo, hi, chans in helps if lo <= a and b <= hi))
        if not carried:
            continue
        if out and out[-1].end_s == a and out[-1].channels == carried:
            out[-1] = Segment(agent, out[-1].start_s, b, carried)
        else:
            out.append(Segment(agent, a, b, carried))
    return out


def build_sim_input(
    scenario: Scenario,
    demand: pd.DataFrame,
    assignments: Sequence[Assignment],
    *,
    call_ins: Sequence[CallIn] = (),
) -> SimInput:
    """The simulation of a roster's ``assignments`` over ``scenario``'s horizon with ``demand``.

    ``demand`` is the demand frame of the scenario (``interval_start``,
    ``channel``, ``volume``, ``aht_s``). ``call_ins`` put standby people on the
    floor for their stretches, taking the queued channels they have the skills
    for. Raises :class:`InputError` when the roster names agents, days or
    channels the scenario does not have.
    """
    h = scenario.horizon
    interval_s = h.interval_minutes * 60.0
    per_day = 24 * 60 // h.interval_minutes
    n_intervals = h.days * per_day
    ranks = routing_ranks(scenario)
    channels = tuple(_channel(c, ranks[c.id], scenario, interval_s) for c in scenario.channels)
    index = {c.id: i for i, c in enumerate(channels)}
    origin = horizon_origin(scenario)

    volume = np.zeros((len(channels), n_intervals))
    aht = np.zeros((len(channels), n_intervals))
    if len(demand):
        starts = pd.to_datetime(demand["interval_start"])
        seconds = (starts - pd.Timestamp(origin)).dt.total_seconds().to_numpy()
        slot = np.floor(seconds / interval_s).astype(np.int64)
        inside = (slot >= 0) & (slot < n_intervals)
        rows = [index.get(ChannelId(str(c)), -1) for c in demand["channel"]]
        chan = np.asarray(rows, dtype=np.int64)
        if (chan < 0).any():
            bad = demand["channel"].iloc[int(np.argmax(chan < 0))]
            raise InputError(f"demand names channel {bad!r}, not one of the scenario's")
        keep = inside
        volume[chan[keep], slot[keep]] = demand["volume"].to_numpy(dtype=float)[keep]
        aht[chan[keep], slot[keep]] = demand["aht_s"].to_numpy(dtype=float)[keep]
        aht[volume == 0] = 0.0

    people = {a.id: a for a in scenario.agents}
    agents: list[AgentId] = [a.id for a in scenario.agents if a.role is Role.AGENT]
    position = {a: i for i, a in enumerate(agents)}
    segments: list[Segment] = []
    for assignment in assignments:
        person = people.get(assignment.agent)
        if person is None:
            raise InputError(
                f"roster agent {assignment.agent!r} is not in scenario {scenario.name!r}"
            )
        if person.role is not Role.AGENT:
            continue
        carried = [*assignment.channels, *(c for s in assignment.secondary for c in s.channels)]
        unknown = [c for c in carried if c not in index]
        if unknown:
            raise InputError(
                f"roster: {assignment.agent} on {assignment.date} carries unknown channel "
                f"{unknown[0]!r}"
            )
        segments += _segments(assignment, position[assignment.agent], origin, index)

    queued = {c.id for c in scenario.channels if c.kind.queued}
    for call in call_ins:
        person = people.get(call.agent)
        if person is None:
            raise InputError(f"call-in of {call.agent!r}, not in scenario {scenario.name!r}")
        takes = frozenset(index[c] for c in person.skills if c in queued)
        if not takes:
            continue
        if call.agent not in position:
            position[call.agent] = len(agents)
            agents.append(call.agent)
        start, end = (call.start - origin).total_seconds(), (call.end - origin).total_seconds()
        segments.append(Segment(position[call.agent], start, end, takes))

    shrink = np.zeros(n_intervals)
    hours = (np.arange(n_intervals) % per_day) * h.interval_minutes // 60
    for c in scenario.channels:
        table = np.array([c.shrinkage_at(hour) for hour in range(24)])
        shrink = np.maximum(shrink, table[hours])
    proficiency = np.array([scenario.proficiency(people[a]) for a in agents], dtype=np.float64)
    speed = proficiency if (proficiency != 1.0).any() else None
    log.debug("simulation input: %d agents, %d segments", len(agents), len(segments))
    return SimInput(
        interval_s=interval_s,
        channels=channels,
        volume=volume,
        aht_s=aht,
        agents=tuple(agents),
        segments=tuple(segments),
        unavailable=shrink,
        calls_interrupt_chats=scenario.simulation.calls_interrupt_chats,
        speed=speed,
    )


__all__ = ["build_sim_input", "horizon_origin", "routing_ranks"]

"""Coverage facts shared by the model and the validator: requirements, the floor, deferred work.

Solver-free functions of a :class:`RosterInstance` and, for figures of a
roster, of the agents serving each slot; the rule names the coverage rules
report their violations under.
"""

from __future__ import annotations

import math
from collections import defaultdict, deque
from collections.abc import Mapping
from itertools import combinations

from rostering.roster import rule_names as rn
from rostering.roster.facts import can_work, crews, day_label, serves, shift_slots
from rostering.roster.instance import RosterInstance
from rostering.types import ChannelId


def deferred_window(instance: RosterInstance, channel: ChannelId) -> int:
    """Slots within which a channel's work may be done; 0 when it is due in its slot."""
    window = instance.channel(channel).window_slots
    return window if window > 1 else 0


def requirements(instance: RosterInstance) -> dict[tuple[int, ChannelId], int]:
    """Required staff by (slot, channel); the largest when a need is listed twice."""
    out: dict[tuple[int, ChannelId], int] = {}
    for need in instance.needs:
        key = (need.slot, need.channel)
        out[key] = max(out.get(key, 0), need.required)
    return out


def staffable(instance: RosterInstance) -> set[tuple[int, ChannelId]]:
    """(slot, channel) pairs some front-line agent could serve on some eligible shift."""
    out: set[tuple[int, ChannelId]] = set()
    # The members of a crew on the same shift type staff the same slots.
    for members in crews(instance).values():
        for shift_id in dict.fromkeys(s for a in members for s in a.shifts):
            shift = instance.shift(shift_id)
            for d in range(instance.n_days):
                if not can_work(instance, shift, d):
                    continue
                able = serves(instance, members[0], shift, d)
                for t in shift_slots(instance, shift, d):
                    out.update((t, c) for c in able)
    return out


def floor_groups(instance: RosterInstance) -> dict[int, dict[ChannelId, dict[int, int]]]:
    """Per day, per channel held to the coverage floor: required staff by slot.

    Channels due in their slot (not deferred) that need staff on the day, counting
    only the slots someone could serve; empty when the floor is switched off.
    """
    w = instance.weights
    if w.coverage_floor_percent <= 0 or w.coverage_floor_per_point <= 0 or not instance.needs:
        return {}
    out: dict[int, dict[ChannelId, dict[int, int]]] = defaultdict(lambda: defaultdict(dict))
    deferred = {c.id for c in instance.channels if deferred_window(instance, c.id)}
    able = staffable(instance)
    for (t, c), req in sorted(requirements(instance).items()):
        if req > 0 and c not in deferred and (t, c) in able:
            out[t // instance.slots_per_day][c][t] = req
    return {d: dict(by_channel) for d, by_channel in out.items()}


def floor_gap(percent: int, required: int, covered: int) -> int:
    """Whole percentage points by which ``covered`` of ``required`` agent-slots misses the floor.

    ``ceil(percent - 100 * covered / required)``, never negative.
    """
    return max(0, -((100 * covered - percent * required) // required))


def floor_where(instance: RosterInstance, day: int) -> str:
    """Where a coverage-floor violation is reported."""
    percent = instance.weights.coverage_floor_percent
    return f"{day_label(instance, day)}: worst channel below {percent}%"


def worst_floor_gap(
    instance: RosterInstance,
    groups: Mapping[ChannelId, Mapping[int, int]],
    covered: Mapping[tuple[int, ChannelId], int],
) -> int:
    """A day's coverage-floor gap: the largest over its channels (``covered`` by slot).

    ``groups``: the day's entry of :func:`floor_groups`.
    """
    percent = instance.weights.coverage_floor_percent
    gaps = [
        floor_gap(percent, sum(slots.values()), sum(covered.get((t, c), 0) for t in slots))
        for c, slots in groups.items()
    ]
    return max(gaps, default=0)


MARGIN_SHARE = 0.10
"""Staff above the requirement up to this share of it is a service margin: it buys
service (a queue's variance, an absence) and costs only the surplus weight."""
IDLE_SHARE = 0.25
"""Staff above the requirement beyond this share of it mostly waits for contacts."""
IDLE_FACTOR = 2.0
"""Extra surplus weight, in surplus weights, on staff beyond :data:`IDLE_SHARE`."""
DEEP_SHARE = 0.10
"""A shortfall beyond this share of the requirement costs the shortfall weight twice."""


def tier_caps(required: int) -> tuple[int, int, int]:
    """Heads of the service margin, of the idle threshold and of a shallow shortfall
    for a requirement (none when nothing is required)."""
    if required <= 0:
        return 0, 0, 0
    return (
        math.ceil(MARGIN_SHARE * required),
        math.ceil(IDLE_SHARE * required),
        math.ceil(DEEP_SHARE * required),
    )


def tiered_amounts(required: int, staffed: int) -> dict[str, int]:
    """Soft amounts of one slot and channel: plain surplus and shortfall and their tiers.

    Surplus within the service margin (a tenth of the requirement) costs the
    surplus weight; each head beyond it costs the surplus weight again, and
    each beyond a quarter of the requirement (or any where nothing is
    required) twice more, so spare staff spread along the requirement curve
    instead of piling up where the pay is cheapest. Each head short beyond a
    tenth of the requirement costs the shortfall weight a second time, so a
    shortage is shared out rather than concentrated on one interval.
    """
    margin, idle, shallow = tier_caps(required)
    over = max(0, staffed - required)
    short = max(0, required - staffed)
    return {
        rn.SURPLUS: over,
        rn.SURPLUS_BEYOND_MARGIN: max(0, over - margin),
        rn.SURPLUS_IDLE: max(0, over - idle),
        rn.SHORTFALL: short,
        rn.SHORTFALL_DEEP: max(0, short - shallow),
    }


def tier_weights(instance: RosterInstance, channel: ChannelId) -> dict[str, float]:
    """Weight per agent-slot of each amount of :func:`tiered_amounts` for ``channel``."""
    w = instance.weights
    short = w.shortfall_per_agent_slot * instance.channel(channel).priority
    shaped = 1.0 if w.shaped_coverage else 0.0
    return {
        rn.SURPLUS: w.surplus_per_agent_slot,
        rn.SURPLUS_BEYOND_MARGIN: shaped * w.surplus_per_agent_slot,
        rn.SURPLUS_IDLE: shaped * IDLE_FACTOR * w.surplus_per_agent_slot,
        rn.SHORTFALL: short,
        rn.SHORTFALL_DEEP: shaped * short,
    }


def subsets(channels: list[ChannelId]) -> list[tuple[ChannelId, ...]]:
    """Every non-empty subset of ``channels`` (sorted input gives a stable order)."""
    return [c for k in range(1, len(channels) + 1) for c in combinations(channels, k)]


def deferred_amounts(
    instance: RosterInstance, channel: ChannelId, served: Mapping[int, int]
) -> tuple[dict[int, int], dict[int, int]]:
    """Late work by arrival slot and idle agents by slot for a deferred channel.

    ``served`` gives the agents serving the channel in each slot. Each slot's
    agents take the waiting work due first (earliest deadline first), which
    does as much work on time as any other split; work whose window has closed
    is late and no longer waits. Returns ``(late, idle)``, both keyed by slot
    and holding every arrival slot, respectively every slot with agents serving.
    """
    window = deferred_window(instance, channel)
    required = requirements(instance)
    late: dict[int, int] = {}
    idle: dict[int, int] = {}
    waiting: deque[list[int]] = deque()  # [arrival, work still to do], earliest due first
    for t in range(instance.n_slots):
        work = required.get((t, channel), 0)
        if work > 0:
            late[t] = 0
            waiting.append([t, work])
        while waiting and min(waiting[0][0] + window - 1, instance.n_slots - 1) < t:
            a, rest = waiting.popleft()
            late[a] = rest
        free = served.get(t, 0)
        while free and waiting:
            take = min(free, waiting[0][1])
            free -= take
            waiting[0][1] -= take
            if waiting[0][1] == 0:
                waiting.popleft()
        if t in served:
            idle[t] = free
    for a, rest in waiting:
        late[a] = rest
    return late, idle


__all__ = [
    "deferred_amounts",
    "deferred_window",
    "floor_gap",
    "floor_groups",
    "floor_where",
    "requirements",
    "staffable",
    "subsets",
    "worst_floor_gap",
]

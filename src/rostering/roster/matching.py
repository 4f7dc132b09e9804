"""Who serves which channel in a slot: a matching of agents to channel quotas.

The model decides how many agents serve each channel in each slot; this
module names them, keeping agents on the channel they served the slot before
where it can. Solver-free.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Mapping

from rostering.types import AgentId, ChannelId

log = logging.getLogger(__name__)


def match_channels(
    able: dict[AgentId, list[ChannelId]],
    quota: dict[ChannelId, int],
    previous: Mapping[AgentId, ChannelId],
) -> dict[AgentId, ChannelId]:
    """Give each agent one channel they can serve, ``quota[c]`` agents on channel ``c``.

    Agents keep their previous channel where the quota allows; the rest are
    placed by augmenting paths, which always succeed when the quotas meet the
    Hall conditions the model enforces.
    """
    load: dict[ChannelId, int] = defaultdict(int)
    holders: dict[ChannelId, list[AgentId]] = defaultdict(list)
    chosen: dict[AgentId, ChannelId] = {}

    def put(agent: AgentId, channel: ChannelId) -> None:
        chosen[agent] = channel
        load[channel] += 1
        holders[channel].append(agent)

    def take(agent: AgentId) -> None:
        channel = chosen.pop(agent)
        load[channel] -= 1
        holders[channel].remove(agent)

    for agent in sorted(able, key=lambda a: (len(able[a]), a)):
        c = previous.get(agent)
        if c is not None and c in able[agent] and load[c] < quota.get(c, 0):
            put(agent, c)

    def augment(agent: AgentId, seen: set[ChannelId]) -> bool:
        for c in able[agent]:
            if c in seen:
                continue
            seen.add(c)
            if load[c] < quota.get(c, 0):
                put(agent, c)
                return True
            for other in list(holders[c]):
                take(other)
                if augment(other, seen):
                    put(agent, c)
                    return True
                put(other, c)
        return False

    for agent in sorted(able, key=lambda a: (len(able[a]), a)):
        if agent in chosen:
            continue
        if not augment(agent, set()):
            # Quotas are exhausted: the agent is spare on their first channel.
            log.warning("slot matching left agent %s over quota", agent)
            put(agent, able[agent][0])
    return chosen


__all__ = [
    "match_channels",
]

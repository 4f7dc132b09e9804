r"""Pooled sizing: channels that the same agents carry at once are sized on their joint workload.

An agent on a blended shift takes calls and chats as they come: voice first,
chats between calls. Sizing each channel alone and adding the integer results
counts every agent's idle time once per channel; for a small team that is
several agents too many. A *pool* is a set of queued channels that the same
agents carry together in the same interval (see
:meth:`rostering.domain.scenario.Scenario.blended_pools`). It is sized once:

.. math::
    A_{pool} = \sum_{c \in pool} \frac{A_c}{k_c\,(1 - s_c)\,p},\qquad
    N_{pool} = \max_{c \in pool,\ \lambda_c > 0}
        \min\{N : \text{targets of } c \text{ met with load } A_{pool} k_c
        \text{ on } N \text{ agents of } k_c \text{ slots}\}

with :math:`A_c` the channel's offered load in erlangs, :math:`k_c` its
concurrency (an agent holds :math:`k_c` chats, so a chat-erlang is
:math:`1/k_c` of an agent), :math:`s_c` its shrinkage and :math:`p` the team's
proficiency. Every member sees the whole pool's workload under its own
answer-time, patience and occupancy targets, which is the pooled (Erlang)
approximation of a blended team; the roster simulation
(:mod:`rostering.simulation`) plays the routing itself (voice first) and the
correction loop raises the requirement wherever the simulated service misses.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

from rostering.domain.channels import Channel
from rostering.errors import InputError
from rostering.sizing.staffing import min_agents
from rostering.types import ChannelId


def pool_id(members: Sequence[ChannelId]) -> ChannelId:
    """The id of a pool: its member ids, sorted, joined by ``+`` (``chat+inbound``)."""
    return ChannelId("+".join(sorted(members)))


def pool_members(
    pools: Sequence[Sequence[ChannelId]], channels: Mapping[ChannelId, Channel]
) -> dict[ChannelId, ChannelId]:
    """Pool id of every pooled channel; a channel in two pools, or not queued, is refused."""
    out: dict[ChannelId, ChannelId] = {}
    for members in pools:
        if len(set(members)) < 2:
            raise InputError(f"a pool needs two channels or more, got {list(members)}")
        for c in members:
            if c not in channels:
                raise InputError(f"pool {list(members)}: unknown channel {c!r}")
            if not channels[c].kind.queued:
                raise InputError(f"pool {list(members)}: {c!r} is not a queued channel")
            if c in out:
                raise InputError(f"channel {c!r} is in two pools")
            out[c] = pool_id(members)
    return out


def size_pools(
    frame: pd.DataFrame,
    channels: Mapping[ChannelId, Channel],
    pool_of: Mapping[ChannelId, ChannelId],
    *,
    effective_load: npt.NDArray[np.float64],
) -> npt.NDArray[np.int64]:
    """Required staff of each row's pool in its interval (the row's own figure when unpooled: -1).

    ``effective_load``: per row, the offered load divided by available share and
    proficiency (:math:`A_c / ((1 - s_c) p)`).
    """
    out = np.full(len(frame), -1, dtype=np.int64)
    ids = frame["channel"].to_numpy()
    starts = frame["interval_start"].to_numpy()
    volume = frame["volume"].to_numpy(dtype=np.float64)
    aht = frame["aht_s"].to_numpy(dtype=np.float64)
    for pool in sorted(set(pool_of.values())):
        members = [c for c, p in pool_of.items() if p == pool]
        rows = np.flatnonzero(np.isin(ids, members))
        if rows.size == 0:
            continue
        codes, slot_of_row = np.unique(starts[rows], return_inverse=True)
        agent_load = np.zeros(codes.size)
        concurrency = np.array([channels[ChannelId(str(ids[r]))].concurrency for r in rows])
        np.add.at(agent_load, slot_of_row, effective_load[rows] / concurrency)
        need = np.zeros(codes.size, dtype=np.int64)
        for c in members:
            channel = channels[c]
            mine = rows[ids[rows] == c]
            where = slot_of_row[ids[rows] == c]
            busy = volume[mine] > 0
            if not busy.any():
                continue
            k = channel.concurrency
            agents = min_agents(
                agent_load[where[busy]] * k,
                aht[mine[busy]],
                targets=channel.targets,
                patience_s=channel.patience_s,
                concurrency=k,
            )
            np.maximum.at(need, where[busy], agents)
        out[rows] = need[slot_of_row]
    return out


__all__ = ["pool_id", "pool_members", "size_pools"]

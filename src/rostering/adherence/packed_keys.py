"""Agent-and-time pairs packed into one sortable number.

Much of the stage works on "every agent's time line, one after another": the
boundaries of all agents' shifts and logged-in spells, sorted by agent and then
by time. Packing the pair into one ``int64`` key (agent first) lets one sort or
one binary search do that for every agent at once. :class:`KeyPacking` holds
the two numbers that make a packing, and packs and unpacks keys; the functions
below sort and search such keys.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rostering.adherence.arrays import I64

KEY_LIMIT = 2**62
"""Keys are kept below this, a margin inside the ``int64`` range."""


@dataclass(frozen=True)
class KeyPacking:
    """``key = agent * span + (value - base)``: keys sort by agent, then by value.

    Every value packed must lie in ``[base, base + span)``; within that range
    packing is exact and :meth:`unpack` gives back the agent and the value.
    """

    base: int
    """The smallest value that can be packed."""
    span: int
    """How many values each agent has room for."""

    def pack(self, agent: I64, value: I64) -> I64:
        """The key of each (agent, value) pair."""
        out: I64 = agent * self.span + (value - self.base)
        return out

    def agent_of(self, key: I64) -> I64:
        """The agent of each key."""
        out: I64 = key // self.span
        return out

    def unpack(self, key: I64) -> tuple[I64, I64]:
        """The agent and the value of each key."""
        agent = self.agent_of(key)
        value: I64 = key - agent * self.span + self.base
        return agent, value

    def fits(self, n_agents: int) -> bool:
        """Whether the keys of ``n_agents`` agents stay below :data:`KEY_LIMIT`."""
        return n_agents * self.span < KEY_LIMIT


def lookup(start_key: I64, end_key: I64, x: I64) -> I64:
    """Index of the sorted, non-overlapping ``[start, end)`` holding each ``x``, else -1."""
    if len(start_key) == 0:
        return np.full(len(x), -1, dtype=np.int64)
    i = np.searchsorted(start_key, x, side="right") - 1
    ic = np.clip(i, 0, None)
    hit = (i >= 0) & (x < end_key[ic])
    out: I64 = np.where(hit, ic, -1).astype(np.int64)
    return out


def sorted_unique(x: I64) -> I64:
    """Sorted distinct values (a sort, faster here than a hash for millions of keys)."""
    s = np.sort(x)
    out: I64 = s[np.r_[True, s[1:] != s[:-1]]] if len(s) else s
    return out


def unique_inverse(x: I64) -> tuple[I64, I64]:
    """Sorted distinct values and the position of each value among them."""
    u = sorted_unique(x)
    inv: I64 = np.searchsorted(u, x).astype(np.int64)
    return u, inv


__all__ = ["KEY_LIMIT", "KeyPacking", "lookup", "sorted_unique", "unique_inverse"]

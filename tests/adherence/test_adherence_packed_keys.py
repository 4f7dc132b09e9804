"""Agent-and-time keys: packing is exact, sorts by agent then time, and is searchable."""

from __future__ import annotations

import numpy as np

from rostering.adherence.packed_keys import KeyPacking, lookup, sorted_unique, unique_inverse


def test_keys_sort_by_agent_then_value_and_unpack_exactly() -> None:
    keys = KeyPacking(base=100, span=50)
    agent = np.array([2, 0, 1, 0], dtype=np.int64)
    value = np.array([100, 149, 120, 100], dtype=np.int64)
    packed = keys.pack(agent, value)
    assert list(packed) == [100, 49, 70, 0]
    assert list(np.argsort(packed)) == [3, 1, 2, 0]
    back_agent, back_value = keys.unpack(packed)
    assert list(back_agent) == [2, 0, 1, 0]
    assert list(back_value) == [100, 149, 120, 100]
    assert list(keys.agent_of(packed)) == [2, 0, 1, 0]


def test_a_packing_fits_only_while_keys_stay_small() -> None:
    keys = KeyPacking(base=0, span=2**40)
    assert keys.fits(2**21)
    assert not keys.fits(2**22)


def test_lookup_finds_the_half_open_interval_holding_each_value() -> None:
    starts = np.array([0, 10], dtype=np.int64)
    ends = np.array([5, 20], dtype=np.int64)
    x = np.array([-1, 0, 4, 5, 10, 19, 20], dtype=np.int64)
    assert list(lookup(starts, ends, x)) == [-1, 0, 0, -1, 1, 1, -1]
    assert list(lookup(starts[:0], ends[:0], x)) == [-1] * 7


def test_sorted_unique_and_inverse() -> None:
    x = np.array([5, 3, 5, 1], dtype=np.int64)
    assert list(sorted_unique(x)) == [1, 3, 5]
    u, inv = unique_inverse(x)
    assert list(u) == [1, 3, 5] and list(inv) == [2, 1, 2, 0]
    assert list(u[inv]) == list(x)

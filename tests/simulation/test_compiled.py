"""The compiled event loop against the pure-Python reference: identical tallies, input by input.

Random sites small and medium (1-30 agents, 1-3 channels of every kind,
chat concurrency 2-3, patience or not, backlog channels, not-ready shares,
voice first or not, overlapping and touching segments of several channel
sets, segments outside the horizon, replayed arrivals with ties, handling
times equal to their mean so completions tie too) are played by
:func:`play` (compiled) and :func:`play_reference` (pure Python) with the
same seed; every count must be equal, bit for bit.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from rostering.simulation import HandleTime, Segment, SimChannel, SimInput, play
from rostering.simulation.engine import play_reference
from rostering.types import AgentId
from tests.simulation.factories import channel, site

WHOLE = 1e-18
"""A lognormal coefficient of variation so small that every factor is exactly 1.0."""


def _channels(rng: np.random.Generator, *, ties: bool) -> list[SimChannel]:
    n_ch = int(rng.integers(1, 4))
    out = []
    for c in range(n_ch):
        queued = n_ch == 1 or c == 0 or rng.random() < 0.6
        chat = queued and rng.random() < 0.5
        out.append(
            channel(
                f"c{c}",
                queued=queued,
                rank=int(rng.integers(0, 2 if ties else 3)),  # ties between channels included
                threshold_s=float(rng.choice([0.0, 20.0, 60.0])),
                patience_s=float(rng.uniform(20, 300)) if queued and rng.random() < 0.5 else None,
                concurrency=int(rng.integers(2, 4)) if chat else 1,
                window_s=0.0 if queued or ties else float(rng.choice([0.0, 1800.0, 7200.0])),
                exact=ties or bool(rng.random() < 0.4),
            )
        )
    if ties:  # handling times exactly equal to their mean: completions tie
        out = [dataclasses.replace(ch, handle=HandleTime.LOGNORMAL, handle_cv=WHOLE) for ch in out]
    return out


def _segments(
    rng: np.random.Generator, n_agents: int, n_ch: int, horizon: float, dt: float, *, ties: bool
) -> list[Segment]:
    sets = [frozenset(int(c) for c in np.flatnonzero(rng.random(n_ch) < 0.6)) for _ in range(3)]
    sets = [s or frozenset({int(rng.integers(0, n_ch))}) for s in sets]
    segments = []
    for a in range(n_agents):
        t = float(rng.uniform(-0.3, 0.6) * horizon)
        if ties or rng.random() < 0.3:
            t = float(np.floor(t / dt) * dt)  # on an interval boundary
        for _ in range(int(rng.integers(1, 4))):
            length = float(rng.choice([rng.uniform(0.05, 0.8) * horizon, dt, 2 * dt]))
            length = round(length / 60.0) * 60.0 + 60.0 if ties else length
            serve = sets[int(rng.integers(0, len(sets)))]
            segments.append(Segment(a, t, t + length, serve))
            gap = float(rng.choice([0.0, 0.0, rng.uniform(0, 0.3) * horizon]))
            t += length + (round(gap / 60.0) * 60.0 if ties else gap)
    return segments


def random_site(seed: int, *, medium: bool = False, ties: bool = False) -> SimInput:
    """A random site; ``medium``: more agents and intervals; ``ties``: events often coincide.

    With ``ties`` every queued channel replays arrivals on a one-minute grid,
    handling times are whole minutes and exact, and segments start on
    interval boundaries, so arrivals, completions and agents coming back
    often fall on the same instant (and waits tie across channels).
    """
    rng = np.random.default_rng(seed)
    chans = _channels(rng, ties=ties)
    n_ch = len(chans)
    n_agents = int(rng.integers(10, 31) if medium else rng.integers(1, 9))
    intervals = int(rng.integers(8, 17) if medium else rng.integers(1, 7))
    dt = float(rng.choice([900.0, 1800.0, 3600.0]))
    horizon = intervals * dt
    aht = [float(rng.integers(1, 8) * 60 if ties else rng.uniform(60, 600)) for _ in chans]
    # queued channels: arrivals per second near what the agents can take
    rates = [
        float(rng.uniform(0.2, 1.5) * n_agents * (ch.concurrency if ch.queued else 1) / a / n_ch)
        if ch.queued
        else float(rng.integers(0, 4 * n_agents))
        for ch, a in zip(chans, aht, strict=True)
    ]
    sim = site(
        chans,
        rate_per_s=rates,
        aht_s=aht,
        agents=n_agents,
        intervals=intervals,
        interval_s=dt,
    )
    volume = sim.volume * rng.uniform(0.3, 1.7, size=sim.volume.shape)  # not stationary
    arrivals = {}
    for c, ch in enumerate(chans):
        if ch.queued and (ties or rng.random() < 0.3):  # replayed on a grid: several tie
            n = int(rng.poisson(max(volume[c].sum(), 1.0)))
            step = 60.0 if ties else 30.0
            grid = rng.integers(-2, int(horizon / step) + 3, size=n) * step
            arrivals[c] = grid.astype(np.float64)
    unavailable = rng.uniform(0, 0.4, intervals) * (rng.random(intervals) < 0.6)
    return dataclasses.replace(
        sim,
        volume=volume,
        agents=tuple(AgentId(f"a{i}") for i in range(n_agents)),
        segments=tuple(_segments(rng, n_agents, n_ch, horizon, dt, ties=ties)),
        unavailable=unavailable if rng.random() < (0.3 if ties else 0.7) else np.zeros(intervals),
        arrivals=arrivals,
        calls_interrupt_chats=bool(rng.random() < 0.5),
    )


def _assert_identical(sim: SimInput, seed: int) -> None:
    ours = play(sim, np.random.SeedSequence(seed))
    ref = play_reference(sim, np.random.SeedSequence(seed))
    for field in dataclasses.fields(ours):
        np.testing.assert_array_equal(
            getattr(ours, field.name), getattr(ref, field.name), err_msg=field.name, strict=True
        )
    assert ours.identical(ref)


@pytest.mark.parametrize("ties", [False, True])
@pytest.mark.parametrize("case", range(40))
def test_small_random_sites_play_identically(case: int, ties: bool) -> None:
    sim = random_site(case + (20_000 if ties else 0), ties=ties)
    for seed in range(5):
        _assert_identical(sim, 1000 * case + seed)


@pytest.mark.parametrize("ties", [False, True])
@pytest.mark.parametrize("case", range(12))
def test_medium_random_sites_play_identically(case: int, ties: bool) -> None:
    sim = random_site(case + (30_000 if ties else 10_000), medium=True, ties=ties)
    _assert_identical(sim, case)
    _assert_identical(sim, case + 1)


def test_a_call_goes_to_the_first_of_agents_holding_chats_as_long() -> None:
    # agents 0 (voice, chat) and 1 (voice, chat, email) each take a chat at 10 s; the call at
    # 20 s finds both holding one chat since 10 s: it goes to the first (agent 0's set)
    voice = dataclasses.replace(channel("voice"), handle=HandleTime.LOGNORMAL, handle_cv=WHOLE)
    chat = dataclasses.replace(
        channel("chat", rank=1, concurrency=2), handle=HandleTime.LOGNORMAL, handle_cv=WHOLE
    )
    email = channel("email", queued=False, rank=2)
    sim = site(
        [voice, chat, email],
        rate_per_s=[0.0, 0.0, 0],
        aht_s=[100.0, 600.0, 60.0],
        agents=2,
        intervals=1,
        arrivals={0: [20.0], 1: [10.0, 10.0]},
    )
    segments = (
        Segment(0, 0.0, 7200.0, frozenset({0, 1})),
        Segment(1, 0.0, 7200.0, frozenset({0, 1, 2})),
    )
    sim = dataclasses.replace(sim, segments=segments, calls_interrupt_chats=True)
    _assert_identical(sim, 1)
    tally = play(sim, np.random.SeedSequence(1))
    assert tally.answered[:2, 0].tolist() == [1.0, 2.0]
    assert tally.busy_s[2, 0] == 300.0  # agent 1: one chat of two for 600 s, no call


@pytest.mark.parametrize("interrupt", [False, True])
def test_a_blended_site_over_two_days_plays_identically(interrupt: bool) -> None:
    voice = channel("voice", rank=0, patience_s=120.0)
    chat = channel("chat", rank=1, concurrency=3, patience_s=400.0)
    email = channel("email", queued=False, rank=2, window_s=4 * 3600.0)
    n_agents, intervals, dt = 25, 96, 1800.0
    sim = site(
        [voice, chat, email],
        rate_per_s=[6 / 60, 4 / 60, 30],
        aht_s=[280.0, 600.0, 400.0],
        agents=n_agents,
        intervals=intervals,
        interval_s=dt,
        unavailable=0.1,
    )
    skills = [frozenset({0, 1}), frozenset({0, 1, 2}), frozenset({0}), frozenset({1, 2})]
    segments = [
        Segment(a, day * 86400.0 + start, day * 86400.0 + start + 9 * 3600.0, skills[a % 4])
        for a, start in zip(range(n_agents), np.tile([7, 8, 9, 11, 13], 5) * 3600.0, strict=True)
        for day in range(2)
    ]
    sim = dataclasses.replace(sim, segments=tuple(segments), calls_interrupt_chats=interrupt)
    _assert_identical(sim, 5)


def test_an_empty_roster_plays_identically() -> None:
    sim = site([channel(patience_s=30.0)], rate_per_s=[0.01], aht_s=[60.0], agents=2, intervals=2)
    sim = dataclasses.replace(sim, segments=())
    _assert_identical(sim, 3)
    assert play(sim, np.random.SeedSequence(3)).answered.sum() == 0

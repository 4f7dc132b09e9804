"""Routing and bookkeeping of one replication, on small cases worked out by hand.

Deterministic cases replay fixed arrival times and use handling times equal to
their mean (a lognormal of negligible spread), so every wait is known exactly.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from rostering.errors import InputError
from rostering.simulation import HandleTime, SimInput, Tally, play
from rostering.simulation.draws import agent_windows, draw_contacts
from rostering.types import AgentId
from tests.simulation.factories import channel, site

SEED = np.random.SeedSequence(2024)


def _play(sim: SimInput, seed: int = 7) -> Tally:
    return play(sim, np.random.SeedSequence(seed))


# -- presence --------------------------------------------------------------------------------


@pytest.mark.parametrize("patience", [60.0, None])
def test_nobody_is_answered_while_the_only_agent_is_away(patience: float | None) -> None:
    sim = site(
        [channel(patience_s=patience)],
        rate_per_s=[40 / 3600],
        aht_s=[60.0],
        agents=1,
        intervals=3,
        segments=[(0, 3600.0, 7200.0)],
    )
    tally = _play(sim)
    assert tally.offered[0, 2] > 0
    assert tally.answered[0, 2] == 0
    expected_abandoned = tally.offered[0, 2] if patience else 0.0
    assert tally.abandoned[0, 2] == expected_abandoned
    np.testing.assert_allclose(tally.available_s[0], [0.0, 3600.0, 0.0])
    assert tally.busy_s[0, 0] == tally.busy_s[0, 2] == 0.0
    assert 0 < tally.busy_s[0, 1] <= 3600.0


def test_a_channel_nobody_serves_is_never_answered() -> None:
    sim = site(
        [channel("voice", patience_s=30.0), channel("chat", rank=1, patience_s=30.0)],
        rate_per_s=[20 / 3600, 20 / 3600],
        aht_s=[100.0, 100.0],
        agents=2,
        intervals=4,
        serve=frozenset({0}),
    )
    tally = _play(sim)
    assert tally.offered[1].sum() > 0
    assert tally.answered[1].sum() == 0
    assert tally.abandoned[1].sum() == tally.offered[1].sum()
    assert tally.available_s[1].sum() == 0.0
    assert tally.answered[0].sum() > 0


def test_an_early_contact_waits_for_the_agent_to_arrive() -> None:
    sim = site(
        [channel(exact=True)],
        rate_per_s=[0.0],
        aht_s=[50.0],
        agents=1,
        intervals=2,
        segments=[(0, 3600.0, 7200.0)],
        arrivals={0: [100.0]},
    )
    tally = _play(sim)
    assert tally.answered[0, 0] == 1
    assert tally.wait_s[0, 0] == pytest.approx(3500.0)
    assert tally.answered_in_threshold[0, 0] == 0
    assert tally.busy_s[0, 1] == pytest.approx(50.0)


def test_time_past_the_horizon_is_played_but_not_counted() -> None:
    sim = site(
        [channel(exact=True)],
        rate_per_s=[0.0],
        aht_s=[300.0],
        agents=1,
        intervals=1,
        segments=[(0, -600.0, 7200.0)],
        arrivals={0: [3500.0]},
    )
    tally = _play(sim)
    assert tally.answered[0, 0] == 1
    assert tally.available_s[0, 0] == pytest.approx(3600.0)
    assert tally.busy_s[0, 0] == pytest.approx(100.0)


# -- routing ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("ranks", "waits"), [((0, 1), (80.0, 190.0)), ((1, 0), (180.0, 90.0))])
def test_the_better_ranked_queue_is_served_first(
    ranks: tuple[int, int], waits: tuple[float, float]
) -> None:
    # one agent busy 0-100 with the first "a" contact; "b" waits since 10, "a" since 20
    sim = site(
        [channel("a", rank=ranks[0], exact=True), channel("b", rank=ranks[1], exact=True)],
        rate_per_s=[0.0, 0.0],
        aht_s=[100.0, 100.0],
        agents=1,
        intervals=1,
        arrivals={0: [0.0, 20.0], 1: [10.0]},
    )
    tally = _play(sim)
    assert tally.answered.sum() == 3
    assert tally.wait_s[:, 0] == pytest.approx(waits)


def test_equal_ranks_take_the_longest_waiting_head() -> None:
    sim = site(
        [channel("a", rank=0, exact=True), channel("b", rank=0, exact=True)],
        rate_per_s=[0.0, 0.0],
        aht_s=[100.0, 100.0],
        agents=1,
        intervals=1,
        arrivals={0: [0.0, 30.0], 1: [10.0]},
    )
    tally = _play(sim)
    assert tally.wait_s[:, 0] == pytest.approx([170.0, 90.0])


def test_an_agent_holding_a_chat_takes_no_call_but_more_chats() -> None:
    sim = site(
        [channel("voice", rank=0, exact=True), channel("chat", rank=1, concurrency=2, exact=True)],
        rate_per_s=[0.0, 0.0],
        aht_s=[50.0, 100.0],
        agents=1,
        intervals=1,
        arrivals={0: [10.0], 1: [0.0, 20.0]},
    )
    tally = _play(sim)
    # chats at 0 and 20 answered at once (two slots); the call waits until both end, at 120
    assert tally.wait_s[1, 0] == pytest.approx(0.0)
    assert tally.wait_s[0, 0] == pytest.approx(110.0)


def test_an_agent_freed_from_a_call_fills_every_chat_slot() -> None:
    sim = site(
        [channel("voice", rank=0, exact=True), channel("chat", rank=1, concurrency=2, exact=True)],
        rate_per_s=[0.0, 0.0],
        aht_s=[100.0, 100.0],
        agents=1,
        intervals=1,
        arrivals={0: [0.0], 1: [10.0, 20.0]},
    )
    tally = _play(sim)
    assert tally.wait_s[1, 0] == pytest.approx(90.0 + 80.0)  # both chats taken at 100


def test_a_new_chat_prefers_a_fully_idle_agent() -> None:
    sim = site(
        [channel("voice", rank=0, exact=True), channel("chat", rank=1, concurrency=2, exact=True)],
        rate_per_s=[0.0, 0.0],
        aht_s=[50.0, 100.0],
        agents=2,
        intervals=1,
        arrivals={0: [10.0], 1: [0.0, 5.0]},
    )
    tally = _play(sim)
    # the two chats went to different agents, so the call waits for the first chat to end
    assert tally.wait_s[0, 0] == pytest.approx(90.0)


def test_chat_slots_and_fractional_busy_time() -> None:
    sim = site(
        [channel("chat", concurrency=2, exact=True)],
        rate_per_s=[0.0],
        aht_s=[100.0],
        agents=1,
        intervals=1,
        arrivals={0: [0.0, 10.0, 20.0]},
    )
    tally = _play(sim)
    assert tally.wait_s[0, 0] == pytest.approx(80.0)  # the third waits for a slot, 20 -> 100
    # half busy 0-10, fully 10-110, half 110-200: 150 agent-seconds
    assert tally.busy_s[0, 0] == pytest.approx(150.0)


@pytest.mark.parametrize("same_set", [True, False])
def test_the_longest_idle_agent_takes_the_next_contact(same_set: bool) -> None:
    # a0 answers at 0 (idle again at 100), a1 at 50 (idle at 150); a0 takes the one at 300
    # and leaves at 350, so only 50 s of it are counted busy (a1 taking it would count 100)
    sim = site(
        [channel(exact=True), channel("chat", rank=1)],
        rate_per_s=[0.0, 0.0],
        aht_s=[100.0, 100.0],
        agents=2,
        intervals=1,
        segments=[(0, 0.0, 350.0), (1, 1.0, 3600.0)],
        arrivals={0: [0.0, 50.0, 300.0]},
    )
    if not same_set:  # a0 serves voice only, a1 voice and chat: two idle lists to compare
        first, second = sim.segments
        only_voice = dataclasses.replace(first, channels=frozenset({0}))
        sim = dataclasses.replace(sim, segments=(only_voice, second))
    tally = _play(sim)
    assert tally.answered[0, 0] == 3
    assert tally.busy_s[0, 0] == pytest.approx(250.0)


# -- backlog ---------------------------------------------------------------------------------


def _backlog_site(window_s: float, end_s: float) -> SimInput:
    return site(
        [channel("email", queued=False, rank=2, window_s=window_s, exact=True)],
        rate_per_s=[0.0],
        aht_s=[110.0],
        agents=1,
        intervals=6,
        interval_s=300.0,
        segments=[(0, 0.0, end_s)],
    )


def test_backlog_items_count_late_past_their_window() -> None:
    sim = _backlog_site(600.0, 1800.0)
    sim = dataclasses.replace(sim, volume=np.array([[10.0, 0, 0, 0, 0, 0]]))
    tally = _play(sim)
    # started at 0, 110, ..., 990; done at 110, ..., 1100; due at 600
    assert tally.offered[0, 0] == 10
    assert tally.done_on_time[0, 0] == 5
    assert tally.done_late[0, 0] == 5
    np.testing.assert_array_equal(tally.backlog[0], [7, 4, 1, 0, 0, 0])
    assert tally.busy_s[0].sum() == pytest.approx(1100.0)
    assert np.isnan(tally.wait_s).sum() == 0 and tally.answered.sum() == 0


def test_backlog_items_never_done_are_late_and_window_zero_means_interval_end() -> None:
    sim = dataclasses.replace(_backlog_site(0.0, 500.0), volume=np.array([[10.0, 0, 0, 0, 0, 0]]))
    tally = _play(sim)
    assert tally.done_on_time[0, 0] == 2  # done at 110 and 220, by the interval's end at 300
    assert tally.done_late[0, 0] == 8  # five started (done late), five never started
    np.testing.assert_array_equal(tally.backlog[0], [7, 5, 5, 5, 5, 5])


def test_backlog_fills_idle_time_after_queued_contacts() -> None:
    sim = site(
        [
            channel("voice", rank=0, exact=True),
            channel("email", queued=False, rank=2, exact=True),
        ],
        rate_per_s=[0.0, 3.0],
        aht_s=[100.0, 110.0],
        agents=1,
        intervals=1,
        arrivals={0: [50.0]},
    )
    tally = _play(sim)
    # email 0-110; the call waits 50 -> 110 and runs to 210; emails 210-320, 320-430
    assert tally.wait_s[0, 0] == pytest.approx(60.0)
    assert tally.done_on_time[1, 0] == 3
    assert tally.busy_s[0, 0] == pytest.approx(430.0)


# -- residual shrinkage ------------------------------------------------------------------------


def test_not_ready_blocks_remove_exactly_the_unavailable_share() -> None:
    sim = site(
        [channel()],
        rate_per_s=[10 / 3600],
        aht_s=[60.0],
        agents=2,
        intervals=3,
        interval_s=900.0,
        segments=[(0, 0.0, 2700.0), (1, 450.0, 2700.0)],
        unavailable=0.2,
    )
    tally = _play(sim)
    np.testing.assert_allclose(tally.available_s[0], [0.8 * 1350, 0.8 * 1800, 0.8 * 1800])


def test_an_agent_takes_nothing_during_a_not_ready_block() -> None:
    # a flood of one-second contacts: the agent is busy whenever it may take work
    sim = site(
        [channel(exact=True)],
        rate_per_s=[5.0],
        aht_s=[1.0],
        agents=1,
        intervals=2,
        interval_s=600.0,
        segments=[(0, 0.0, 1200.0)],
        unavailable=0.5,
    )
    tally = _play(sim)
    assert abs(tally.answered.sum() - 600) <= 4
    assert tally.busy_s.sum() / tally.available_s.sum() > 0.99


# -- randomness ------------------------------------------------------------------------------


def _poisson_site(agents: int, unavailable: float = 0.1) -> SimInput:
    return site(
        [
            channel("voice", patience_s=120.0),
            channel("chat", rank=1, concurrency=2, patience_s=300.0),
            channel("email", queued=False, rank=2, window_s=7200.0),
        ],
        rate_per_s=[60 / 3600, 20 / 3600, 5.0],
        aht_s=[240.0, 500.0, 300.0],
        agents=agents,
        intervals=8,
        unavailable=unavailable,
    )


def test_the_counts_add_up() -> None:
    sim = _poisson_site(6)
    tally = _play(sim, 4)
    assert np.all(tally.busy_s <= tally.available_s + 1e-6)
    np.testing.assert_allclose(tally.available_s, 6 * 3600.0 * 0.9)
    queued = slice(0, 2)
    assert np.all(tally.answered[queued] + tally.abandoned[queued] <= tally.offered[queued])
    assert np.all(tally.answered_in_threshold <= tally.answered)
    np.testing.assert_array_equal(
        tally.done_on_time + tally.done_late, tally.offered * [[0], [0], [1]]
    )
    assert np.all(tally.backlog >= 0)
    np.testing.assert_array_equal(tally.offered[2], 5.0)


def test_the_same_seed_gives_the_same_tally_and_another_seed_does_not() -> None:
    sim = _poisson_site(6)
    one = _play(sim, 1)
    assert one.identical(_play(sim, 1))
    assert not one.identical(_play(sim, 2))
    assert one.events > one.offered.sum()


def test_common_random_numbers_give_an_extra_agent_the_same_contacts() -> None:
    small, big = _poisson_site(5), _poisson_site(6)
    seed = np.random.SeedSequence(3)
    a, b = play(small, seed), play(big, seed)
    np.testing.assert_array_equal(a.offered, b.offered)
    assert not a.identical(b)
    for c in range(3):  # the same contacts, handling times and patience
        ours, theirs = draw_contacts(small, c, seed), draw_contacts(big, c, seed)
        np.testing.assert_array_equal(ours.time, theirs.time)
        np.testing.assert_array_equal(ours.handle, theirs.handle)
        np.testing.assert_array_equal(ours.limit, theirs.limit)
    # and the first five agents the same not-ready blocks
    w_small = agent_windows(small, [0] * len(small.segments), seed)
    w_big = agent_windows(big, [0] * len(big.segments), seed)
    first = w_big[2] < 5
    for x, y in zip(w_small, w_big, strict=True):
        np.testing.assert_array_equal(x, y[first])


def test_poisson_arrivals_have_the_planned_mean_and_spread_within_intervals() -> None:
    sim = site(
        [channel()], rate_per_s=[50 / 600], aht_s=[60.0], agents=1, intervals=2000, interval_s=600.0
    )
    drawn = draw_contacts(sim, 0, SEED)
    assert abs(drawn.time.size - 100_000) < 4 * np.sqrt(100_000)
    within = drawn.time / 600.0 - drawn.interval
    assert abs((within < 0.5).mean() - 0.5) < 0.01
    assert np.all(np.diff(drawn.time) >= 0)


def test_lognormal_handling_times_have_the_mean_and_cv_asked() -> None:
    base = channel()
    lognormal = dataclasses.replace(base, handle=HandleTime.LOGNORMAL, handle_cv=0.6)
    sim = site([lognormal], rate_per_s=[1.0], aht_s=[300.0], agents=1, intervals=50)
    handle = draw_contacts(sim, 0, SEED).handle
    assert handle.size > 150_000
    assert handle.mean() == pytest.approx(300.0, rel=0.01)
    assert handle.std() / handle.mean() == pytest.approx(0.6, rel=0.02)


# -- input checks ----------------------------------------------------------------------------


def test_overlapping_segments_of_one_agent_are_refused() -> None:
    sim = site(
        [channel()],
        rate_per_s=[0.01],
        aht_s=[60.0],
        agents=1,
        intervals=2,
        segments=[(0, 0.0, 3600.0), (0, 3000.0, 7200.0)],
    )
    with pytest.raises(InputError, match="segments overlap"):
        _play(sim)


def test_a_replayed_contact_needs_a_handling_time() -> None:
    sim = site(
        [channel()],
        rate_per_s=[0.0],
        aht_s=[0.0],
        agents=1,
        intervals=2,
        arrivals={0: [10.0, 9000.0]},
    )
    with pytest.raises(InputError, match="interval 0: aht_s must be positive"):
        _play(sim)


def test_replayed_arrivals_outside_the_horizon_are_dropped() -> None:
    sim = site(
        [channel()],
        rate_per_s=[0.0],
        aht_s=[60.0],
        agents=1,
        intervals=1,
        arrivals={0: [-5.0, 10.0, 3599.0, 3600.0]},
    )
    assert _play(sim).offered[0, 0] == 2


def test_an_input_with_no_segment_plays() -> None:
    sim = dataclasses.replace(_poisson_site(1), segments=(), agents=(AgentId("x"),))
    tally = _play(sim)
    assert tally.answered.sum() == 0
    assert tally.available_s.sum() == 0

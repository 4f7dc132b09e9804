"""Voice-first routing (``calls_interrupt_chats``) on small cases worked out by hand.

As in ``test_engine``, arrival times are replayed and handling times equal
their mean, so every wait is known exactly. Unless told, voice is ranked 0
with calls of 50 s, and chat ranked 1 at concurrency 2 with chats of 100 s.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np
import pytest

from rostering.simulation import SimInput, Tally, play
from tests.simulation.factories import channel, site


def _play(sim: SimInput, seed: int = 7) -> Tally:
    return play(sim, np.random.SeedSequence(seed))


def _blend(
    calls: Sequence[float],
    chats: Sequence[float],
    *,
    interrupt: bool = True,
    aht: tuple[float, float] = (50.0, 100.0),
    ranks: tuple[int, int] = (0, 1),
    agents: int = 1,
    segments: Sequence[tuple[int, float, float]] | None = None,
) -> SimInput:
    sim = site(
        [
            channel("voice", rank=ranks[0], exact=True),
            channel("chat", rank=ranks[1], concurrency=2, exact=True),
        ],
        rate_per_s=[0.0, 0.0],
        aht_s=aht,
        agents=agents,
        intervals=1,
        segments=segments,
        arrivals={0: calls, 1: chats},
    )
    return dataclasses.replace(sim, calls_interrupt_chats=interrupt)


@pytest.mark.parametrize(("interrupt", "wait", "busy"), [(True, 0.0, 100.0), (False, 90.0, 150.0)])
def test_a_call_goes_to_an_agent_holding_two_chats(
    interrupt: bool, wait: float, busy: float
) -> None:
    # chats 0-100 and 10-110; the call at 20 is answered at once (voice first) or waits
    # until both chats end at 110. Busy: half 0-10 and 100-110, fully 10-100 (the call
    # 20-70 on top adds nothing), plus 110-160 on the call without voice first.
    tally = _play(_blend([20.0], [0.0, 10.0], interrupt=interrupt))
    assert tally.answered[:, 0] == pytest.approx([1, 2])
    assert tally.wait_s[:, 0] == pytest.approx([wait, 0.0])
    assert tally.busy_s[0, 0] == pytest.approx(busy)


@pytest.mark.parametrize(("interrupt", "waits"), [(True, (0.0, 40.0)), (False, (110.0, 0.0))])
def test_an_agent_on_a_call_takes_no_new_chat(interrupt: bool, waits: tuple[float, float]) -> None:
    # a chat at 0 (to 100); the call at 10 interrupts it (to 60) and the chat at 20 waits
    # for the call to end although a slot is free. Without voice first the second chat
    # takes the free slot at once and the call waits until both chats end, at 120.
    tally = _play(_blend([10.0], [0.0, 20.0], interrupt=interrupt))
    assert tally.wait_s[:, 0] == pytest.approx(waits)


def test_a_chat_arriving_during_the_call_goes_to_another_agent() -> None:
    # a0 takes the chat at 0 and the call at 10; a1 comes at 30 and takes the chat of 20
    sim = _blend([10.0], [0.0, 20.0], agents=2, segments=[(0, 0.0, 3600.0), (1, 30.0, 3600.0)])
    tally = _play(sim)
    assert tally.wait_s[:, 0] == pytest.approx([0.0, 10.0])


def test_after_its_call_an_agent_takes_a_waiting_call_before_refilling_chats() -> None:
    # a chat 0-200; call one 10-60 on top; the chat of 20 and call two of 30 wait. At 60
    # call two is taken (wait 30, to 110), then the chat (wait 90)
    sim = _blend([10.0, 30.0], [0.0, 20.0], aht=(50.0, 200.0))
    tally = _play(sim)
    assert tally.wait_s[:, 0] == pytest.approx([30.0, 90.0])


@pytest.mark.parametrize(("interrupt", "waits"), [(True, (10.0, 75.0)), (False, (180.0, 75.0))])
def test_an_agent_back_with_chats_takes_a_waiting_call_first(
    interrupt: bool, waits: tuple[float, float]
) -> None:
    # chats 0-100 and 5-105; the agent steps away 15-30 holding them, so the call of 20
    # and the chat of 25 wait. Back at 30 it takes the call (to 80); the chat gets the
    # slot freed at 100. Without voice first the chat takes that slot and the call waits
    # until the agent holds nothing, at 200.
    sim = _blend(
        [20.0], [0.0, 5.0, 25.0], interrupt=interrupt, segments=[(0, 0.0, 15.0), (0, 30.0, 3600.0)]
    )
    tally = _play(sim)
    assert tally.wait_s[:, 0] == pytest.approx(waits)


@pytest.mark.parametrize(("chats", "busy"), [((0.0, 1.0, 2.0), 75.0), ((0.0, 1.0), 50.0)])
def test_a_call_goes_to_the_agent_holding_the_fewest_chats(
    chats: tuple[float, ...], busy: float
) -> None:
    # a0 serves voice and chat; a1, from 0.5, also a third channel, so busy_s of that
    # channel is a1's alone. Chats at 0, 1 (and 2) go to a0, a1 (and a0, the longest at
    # one chat). The call at 10 goes to a1 when it holds fewer chats: busy 1-10 half,
    # 10-60 fully, 60-101 half: 75 s; else (a tie at one chat) to a0, the longest at one
    # chat, and a1 is half busy 1-101: 50 s.
    sim = site(
        [
            channel("voice", exact=True),
            channel("chat", rank=1, concurrency=2, exact=True),
            channel("other", rank=2),
        ],
        rate_per_s=[0.0, 0.0, 0.0],
        aht_s=[50.0, 100.0, 100.0],
        agents=2,
        intervals=1,
        segments=[(0, 0.0, 3600.0), (1, 0.5, 3600.0)],
        arrivals={0: [10.0], 1: chats},
    )
    first, second = sim.segments
    sim = dataclasses.replace(
        sim,
        segments=(dataclasses.replace(first, channels=frozenset({0, 1})), second),
        calls_interrupt_chats=True,
    )
    tally = _play(sim)
    assert tally.wait_s[0, 0] == 0.0
    assert tally.busy_s[2, 0] == pytest.approx(busy)


@pytest.mark.parametrize("ranks", [(1, 0), (0, 0)])
def test_calls_interrupt_only_chats_ranked_after_them(ranks: tuple[int, int]) -> None:
    tally = _play(_blend([20.0], [0.0, 10.0], ranks=ranks))
    assert tally.wait_s[0, 0] == pytest.approx(90.0)  # as without voice first


@pytest.mark.parametrize("interrupt", [True, False])
def test_backlog_work_waits_for_an_agent_holding_nothing(interrupt: bool) -> None:
    # a chat 10-410; an e-mail released at 300 (due 600) starts at 410, done late at 660
    sim = site(
        [
            channel("chat", rank=1, concurrency=2, exact=True),
            channel("email", queued=False, rank=2, exact=True),
        ],
        rate_per_s=[0.0, 1.0],
        aht_s=[400.0, 250.0],
        agents=1,
        intervals=2,
        interval_s=300.0,
        arrivals={0: [10.0]},
    )
    volume = np.array([[0.0, 0.0], [0.0, 1.0]])
    sim = dataclasses.replace(sim, volume=volume, calls_interrupt_chats=interrupt)
    tally = _play(sim)
    assert tally.done_late[1, 1] == 1
    assert tally.busy_s[0].sum() == pytest.approx(0.5 * 400.0 + 190.0)


def _poisson_site(agents: int, interrupt: bool = True) -> SimInput:
    sim = site(
        [
            channel("voice", patience_s=120.0),
            channel("chat", rank=1, concurrency=3, patience_s=300.0),
            channel("email", queued=False, rank=2, window_s=7200.0),
        ],
        rate_per_s=[50 / 3600, 40 / 3600, 5.0],
        aht_s=[240.0, 500.0, 300.0],
        agents=agents,
        intervals=8,
        unavailable=0.1,
    )
    return dataclasses.replace(sim, calls_interrupt_chats=interrupt)


def test_voice_first_counts_add_up_and_reproduce() -> None:
    sim = _poisson_site(5)
    tally = _play(sim, 4)
    assert np.all(tally.busy_s <= tally.available_s + 1e-6)
    queued = slice(0, 2)
    assert np.all(tally.answered[queued] + tally.abandoned[queued] <= tally.offered[queued])
    assert np.all(tally.answered_in_threshold <= tally.answered)
    assert tally.identical(_play(sim, 4))
    assert not tally.identical(_play(sim, 5))


def test_voice_first_sees_the_same_contacts_and_serves_calls_sooner() -> None:
    first, plain = _play(_poisson_site(5), 3), _play(_poisson_site(5, interrupt=False), 3)
    np.testing.assert_array_equal(first.offered, plain.offered)
    asa = [t.wait_s[0].sum() / t.answered[0].sum() for t in (first, plain)]
    chat_asa = [t.wait_s[1].sum() / t.answered[1].sum() for t in (first, plain)]
    assert asa[0] < asa[1]
    assert chat_asa[0] > chat_asa[1]

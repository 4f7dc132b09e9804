"""Which intervals the correction loop and the call-ins act on."""

from __future__ import annotations

from rostering.simulation import simulate
from rostering.simulation.callins import missed_intervals
from rostering.simulation.correct import confident_misses, meeting_share
from rostering.simulation.run import SimulationResult
from tests.simulation.factories import channel, site


def _result(agents_by_interval: list[int]) -> SimulationResult:
    """One voice channel, 8 calls of 180 s an hour: interval i staffed by agents_by_interval[i]."""
    voice = channel(patience_s=120.0, target_service_level=0.8, target_abandon_rate=0.05)
    hours = len(agents_by_interval)
    spans = [
        (a, i * 3600.0, (i + 1) * 3600.0)
        for i, n in enumerate(agents_by_interval)
        for a in range(n)
    ]
    sim = site(
        [voice], rate_per_s=[8 / 3600], aht_s=[180.0], agents=4, intervals=hours, segments=spans
    )
    return simulate(sim, replications=20, seed=3)


def test_an_interval_without_agents_is_a_confident_miss_and_a_staffed_one_is_not() -> None:
    result = _result([3, 0, 3, 3])
    misses = confident_misses(result)
    assert list(misses["interval"]) == [1]
    assert list(misses["channel"]) == ["voice"]
    assert set(missed_intervals(result)) >= {1}
    share = meeting_share(result)
    assert share is not None and share <= 0.75


def test_a_well_staffed_day_has_nothing_to_correct() -> None:
    result = _result([4, 4, 4])
    assert confident_misses(result).empty
    assert missed_intervals(result) == {}
    assert meeting_share(result) == 1.0

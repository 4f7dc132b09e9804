"""Time limits hold: a limit too short to build the model is refused at once, and a
search that found nothing is answered within the limit and a twentieth."""

from __future__ import annotations

import time

import pytest

from rostering.errors import TimeLimitError
from rostering.roster import search as search_module
from rostering.roster import solver as solver_module
from rostering.roster.config import SolverConfig
from rostering.roster.facts import works_count
from rostering.roster.solution import SolveStatus
from rostering.roster.solver import build_estimate_s, check_time_limit, solve

from .factories import reference_instance


def test_a_limit_shorter_than_the_build_is_refused_before_building(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    inst = reference_instance(n_days=14)
    built: list[object] = []
    monkeypatch.setattr(solver_module, "build_model", lambda *a, **k: built.append(a))
    limit = build_estimate_s(inst) / 2
    started = time.perf_counter()
    with pytest.raises(TimeLimitError) as caught:
        solve(inst, SolverConfig(time_limit_s=limit))
    assert time.perf_counter() - started < 0.5
    assert built == []  # said at once, nothing built
    message = str(caught.value)
    assert f"{works_count(inst):,} shift choices" in message
    assert "give a time limit of at least" in message


def test_a_limit_the_build_fits_in_is_accepted() -> None:
    inst = reference_instance(n_days=14)
    check_time_limit(inst, build_estimate_s(inst) * 1.01)


def test_no_roster_found_is_answered_within_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    # A search that used its whole time and found nothing leaves the proof of
    # infeasibility no time: the answer is UNKNOWN, within the limit and a twentieth,
    # not 30 s more of proof.
    limit = 2.0

    def whole_time(built, config, *, started, **kwargs):  # type: ignore[no-untyped-def]
        time.sleep(max(0.0, started + config.time_limit_s - time.perf_counter()))

    monkeypatch.setattr(solver_module, "search", whole_time)
    started = time.perf_counter()
    solution = solve(reference_instance(n_days=14), SolverConfig(time_limit_s=limit))
    assert solution.status is SolveStatus.UNKNOWN
    assert time.perf_counter() - started <= limit * (1 + solver_module.PROOF_OVERRUN_SHARE) + 0.3


def test_the_first_roster_gets_its_floor_of_time_at_short_limits(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A large model at a 20 s limit: the completion of its first roster gets 10 s,
    # not 15 % of the limit (too little for a 500-agent site to find any roster).
    given: list[float] = []
    real = search_module.complete

    def spy(*args, time_limit_s, **kwargs):  # type: ignore[no-untyped-def]
        given.append(time_limit_s)
        return real(*args, time_limit_s=time_limit_s, **kwargs)

    monkeypatch.setattr(search_module, "LNS_MIN_WORKS", 0)
    monkeypatch.setattr(search_module, "complete", spy)
    solution = solve(reference_instance(n_days=14), SolverConfig(time_limit_s=20, workers=2))
    assert solution.status in (SolveStatus.FEASIBLE, SolveStatus.OPTIMAL)
    assert given and given[0] == pytest.approx(search_module.COMPLETION_FLOOR_S, abs=0.5)

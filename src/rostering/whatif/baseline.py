"""A what-if started from a baseline roster, so that its effect is not lost in solver noise.

A planner asks "what if voice is 20 % higher on 1 October" of a roster already
published. Solved from scratch, the what-if reshuffles the month; started
from the baseline roster, it changes only the person-days the change needs.
:func:`baseline_from_roster` reads the baseline roster (a run folder's
``roster.csv`` rows, or a stored run's) into the engine's
:class:`~rostering.roster.instance.Baseline`, checked against the scenario
the what-if is applied to; :class:`FromBaseline` carries it with the weight
of a change and an optional cap into the pipeline, which hands them to the
roster model (:mod:`rostering.roster.rules.stability`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from rostering.domain.scenario import Scenario
from rostering.errors import InputError
from rostering.results.folder import read_roster_rows
from rostering.results.outcome import RosterRow
from rostering.roster.instance import DEFAULT_CHANGE_WEIGHT, Baseline, RosterInstance
from rostering.types import AgentId, ShiftId

log = logging.getLogger(__name__)


class FromBaseline(BaseModel):
    """Start a run from a baseline roster: the roster, and how firmly it is kept."""

    model_config = ConfigDict(extra="forbid")

    baseline: Baseline
    change_weight: float = Field(
        DEFAULT_CHANGE_WEIGHT,
        ge=0,
        description="Yuan-equivalent cost of each person-day changed from the baseline "
        "(0 with a cap: only the cap).",
    )
    max_changes: int | None = Field(
        None, ge=0, description="At most this many person-days may change (None: no cap)."
    )

    def apply(self, instance: RosterInstance) -> RosterInstance:
        """``instance`` with the baseline, the change weight and the cap.

        Raises :class:`InputError` when the baseline names a person the
        instance does not have, or has another number of days.
        """
        people = {a.id for a in instance.agents}
        for agent, days in self.baseline.shifts.items():
            if agent not in people:
                raise InputError(f"{self.baseline.source}: {agent!r} is not in {instance.name!r}")
            if len(days) != instance.n_days:
                raise InputError(
                    f"{self.baseline.source}: {len(days)} days for {agent!r}, "
                    f"the horizon has {instance.n_days}"
                )
        weights = instance.weights.model_copy(
            update={"change_per_assignment": self.change_weight, "max_changes": self.max_changes}
        )
        return instance.model_copy(update={"baseline": self.baseline, "weights": weights})


def baseline_from_roster(
    roster: Sequence[RosterRow],
    *,
    ran: Scenario,
    scenario: Scenario,
    changed: Scenario,
    source: str,
) -> Baseline:
    """The baseline of a what-if from the roster rows of the run it starts from.

    ``ran`` is the scenario that run solved, ``scenario`` the one the what-if
    is applied to and ``changed`` the result. Every person of ``ran`` still
    in ``changed`` gets a baseline, days off included (a standby-only day is
    off, and a supervisor's standby days are kept); people removed by the
    what-if are dropped, and people new to ``changed`` have none (they are
    rostered freely).

    Raises
    ------
    InputError
        Naming ``source`` and the row (the first roster row is row 2, as in
        ``roster.csv``) of a person not in ``scenario``, a date outside the
        horizon, a shift ``changed`` does not have or a person-day listed
        twice; or when the run's horizon is not the scenario's.
    """
    horizon, runs = changed.horizon, ran.horizon
    if (runs.start, runs.days) != (horizon.start, horizon.days):
        raise InputError(
            f"{source}: the baseline roster covers {runs.days} days from {runs.start}, "
            f"the scenario {horizon.days} days from {horizon.start}"
        )
    known = {a.id for a in scenario.agents}
    present = {a.id for a in changed.agents}
    shifts = {s.id for s in changed.shifts}
    day_of = {d: i for i, d in enumerate(horizon.dates)}
    people = [a.id for a in ran.agents if a.id in present]
    worked: dict[AgentId, list[ShiftId | None]] = {a: [None] * horizon.days for a in people}
    standby: dict[AgentId, list[int]] = {}
    on_call: dict[AgentId, list[int]] = {}
    seen: set[tuple[str, int]] = set()
    for row_number, row in enumerate(roster, start=2):
        where = f"{source} row {row_number}"
        if row.agent not in known:
            raise InputError(
                f"{where}, agent: {row.agent!r} is not in scenario {scenario.name!r}; a "
                "baseline roster names only people of the scenario (the what-if's "
                "remove_agents takes people off)"
            )
        day = day_of.get(row.date)
        if day is None:
            raise InputError(f"{where}, date: {row.date} is outside the horizon")
        if (row.agent, day) in seen:
            raise InputError(f"{where}, date: {row.agent!r} has two rows on {row.date}")
        seen.add((row.agent, day))
        if row.shift and row.shift not in shifts:
            raise InputError(f"{where}, shift: {row.shift!r} is not a shift of the scenario")
        agent = AgentId(row.agent)
        if agent not in worked:
            continue  # removed by the what-if
        if row.shift:
            worked[agent][day] = ShiftId(row.shift)
        if row.standby == "supervisor":
            standby.setdefault(agent, []).append(day)
        elif row.standby == "backup":
            on_call.setdefault(agent, []).append(day)
    newcomers = sorted(present - set(worked))
    if newcomers:
        log.info(
            "%d people have no baseline and are rostered freely: %s",
            len(newcomers),
            ", ".join(newcomers),
        )
    return Baseline(source=source, shifts=worked, standby=standby, on_call=on_call)


def baseline_from_folder(run: Path, *, scenario: Scenario, changed: Scenario) -> Baseline:
    """The baseline of a what-if from a ``rostering solve`` folder (its ``roster.csv``).

    Raises :class:`InputError` naming the file (and row and field) that is
    missing, unreadable or does not fit the scenario; see
    :func:`baseline_from_roster`.
    """
    ran, rows = read_roster_rows(run)
    return baseline_from_roster(
        rows, ran=ran, scenario=scenario, changed=changed, source=str(run / "roster.csv")
    )


__all__ = ["FromBaseline", "baseline_from_folder", "baseline_from_roster"]

"""The reserve: does the backup pool cover the absences the roster can expect?

Solver-free. Each day, absences among the front-line agents the roster puts on
duty follow a binomial law with the scenario's absenteeism rate; a pool of
``n`` people covers the day when at most ``n`` are absent. Days are taken as
independent, so the chance that the pool covers every day of the horizon is
the product of the days' chances.
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict, Field
from scipy.stats import binom

from rostering.domain.agents import Role
from rostering.roster.duties import on_duty_agents
from rostering.roster.instance import RosterInstance
from rostering.types import AgentId, ShiftId


class ReserveCover(BaseModel):
    """The backup pool against the absences expected from the absenteeism rate."""

    model_config = ConfigDict(extra="forbid")

    pool_size: int = Field(description="People in reserve (the scenario's, or its backups).")
    backup_people: int = Field(description="People with the backup role in the scenario.")
    absenteeism_rate: float
    worst_day_probability: float = Field(
        description="The lowest chance, over the days, that absences do not exceed the pool."
    )
    horizon_probability: float = Field(
        description="The chance that the pool covers the absences of every day."
    )
    expected_absences_per_day: float


def reserve_cover(
    instance: RosterInstance, schedule: Mapping[tuple[AgentId, int], ShiftId]
) -> ReserveCover | None:
    """How well the reserve covers the roster's expected absences; None without standby rules."""
    rules = instance.standby
    if rules is None:
        return None
    people = sum(1 for a in instance.agents if a.role is Role.BACKUP)
    pool = rules.backup_pool_size if rules.backup_pool_size is not None else people
    p = rules.absenteeism_rate
    chances: list[float] = []
    expected: list[float] = []
    for d in range(instance.n_days):
        on_duty = on_duty_agents(instance, schedule, d)
        chances.append(float(binom.cdf(pool, on_duty, p)) if on_duty else 1.0)
        expected.append(on_duty * p)
    horizon = 1.0
    for chance in chances:
        horizon *= chance
    return ReserveCover(
        pool_size=pool,
        backup_people=people,
        absenteeism_rate=p,
        worst_day_probability=min(chances, default=1.0),
        horizon_probability=horizon,
        expected_absences_per_day=sum(expected) / max(len(expected), 1),
    )


__all__ = ["ReserveCover", "reserve_cover"]

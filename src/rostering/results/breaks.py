"""Planned breaks against the not-ready + break target (seed 001: below 6 %).

The roster places short breaks; the phone system then records not-ready and
break time. The seed's target bounds their sum as a share of paid logged-in
time. The plan alone already spends part of that budget: this module says how
much, so the target is measurable before the day (the adherence stage measures
what agents actually did against the same target).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from rostering.adherence.config import AdherenceConfig
from rostering.roster.instance import RosterInstance
from rostering.roster.solution import RosterSolution


class PlannedBreaks(BaseModel):
    """Short breaks the roster places, as a share of the paid logged-in time."""

    model_config = ConfigDict(extra="forbid")

    shifts: int = Field(description="Shifts worked.")
    break_minutes: int = Field(description="Minutes of short breaks placed.")
    logged_in_minutes: int = Field(description="Shift minutes less meals: paid logged-in time.")
    share: float = Field(description="break_minutes / logged_in_minutes.")
    target: float = Field(description="Most not-ready + break share the site accepts.")
    left_for_not_ready: float = Field(
        description="Share of logged-in time the target leaves for not-ready after the plan's "
        "breaks (negative: the plan alone breaks the target)."
    )


def planned_breaks(
    instance: RosterInstance, solution: RosterSolution, *, target: float | None = None
) -> PlannedBreaks | None:
    """The plan's break share; None when no shift has short breaks."""
    if not any(s.breaks for s in instance.shifts):
        return None
    goal = AdherenceConfig().not_ready_break_share_target if target is None else target
    minutes = logged = 0
    for a in solution.assignments:
        shift = instance.shift(a.shift)
        minutes += sum(round((b.end - b.start).total_seconds() / 60) for b in a.breaks)
        logged += shift.length_minutes - shift.meal_minutes
    share = minutes / logged if logged else 0.0
    return PlannedBreaks(
        shifts=len(solution.assignments),
        break_minutes=minutes,
        logged_in_minutes=logged,
        share=round(share, 4),
        target=goal,
        left_for_not_ready=round(goal - share, 4),
    )


__all__ = ["PlannedBreaks", "planned_breaks"]

"""A month's run of a large site, built without the solver, for report size and browser tests.

The site-m scenario (28 days, 30-minute intervals, inbound, chat and e-mail)
is sized as usual; its 167 people are repeated, with new ids, up to the size
asked (320 by default) and put in eight teams of equal size. The roster is
written by rule rather than solved: each agent works five days in seven on
one of their shifts, turns between their channels every two hours with a
meal in the middle of the shift (about six bars a shift, more than a solved
roster has), supervisors stand by four days in seven and backups every
third day. Staff scheduled per interval swing around the requirement, so
the coverage panels have shortfalls and surpluses, and every short interval
is listed as a violation.
"""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd

from rostering.domain.agents import Role
from rostering.domain.shifts import DayType
from rostering.io import load_scenario
from rostering.pipeline import size_scenario
from rostering.results import ChannelKpis, RunKpis, RunResult
from rostering.roster import compile_instance
from rostering.roster.instance import AgentSpec, RosterInstance
from rostering.roster.solution import (
    Assignment,
    CostLine,
    RosterSolution,
    SlotActivity,
    SolveStatus,
    StandbyDuty,
    Violation,
)
from rostering.roster.validation import ValidationReport
from rostering.types import AgentId, ChannelId

SITE = Path(__file__).resolve().parents[2] / "scenarios" / "site-m"
TEAMS = 8
SWITCH_SLOTS = 4
"""An agent turns to their next channel after this many intervals."""


def _people(instance: RosterInstance, count: int) -> list[AgentSpec]:
    base = instance.agents
    people = []
    for i in range(count):
        spec = base[i % len(base)]
        copy = i // len(base)
        ident = str(spec.id) if copy == 0 else f"{spec.id}-{copy + 1}"
        team = f"Team {i * TEAMS // count + 1}"
        people.append(spec.model_copy(update={"id": AgentId(ident), "team": team}))
    return people


def _roster(instance: RosterInstance) -> RosterSolution:
    tz = ZoneInfo(instance.timezone)
    step = instance.interval_minutes
    shifts = {str(s.id): s for s in instance.shifts}
    assignments: list[Assignment] = []
    activities: list[SlotActivity] = []
    standby: list[StandbyDuty] = []
    costs: list[CostLine] = []
    for index, agent in enumerate(instance.agents):
        worked = holidays = 0
        for day in range(instance.n_days):
            date = instance.date(day)
            day_type = instance.day_types[day]
            if agent.role is Role.SUPERVISOR:
                if (day + index) % 7 < 4:
                    standby.append(StandbyDuty(date=date, agent=agent.id, kind="supervisor"))
                continue
            if agent.role is Role.BACKUP:
                if (day + index) % 3 == 0:
                    standby.append(StandbyDuty(date=date, agent=agent.id, kind="backup"))
                continue
            if (day + index) % 7 >= 5 or not agent.shifts:
                continue
            shift = shifts[str(agent.shifts[(day + index) % len(agent.shifts)])]
            carried = shift.channels.get(day_type, list(agent.skills))
            channels = [c for c in carried if c in agent.skills] or list(carried)
            if not channels:
                continue
            start = dt.datetime.combine(date, dt.time(), tz) + dt.timedelta(
                minutes=shift.start_minute
            )
            end = start + dt.timedelta(minutes=shift.length_minutes)
            slots = shift.length_minutes // step
            meal_first = slots // 2 - 1
            meal_slots = max(1, shift.meal_minutes // step)
            meal_start = start + dt.timedelta(minutes=meal_first * step)
            assignments.append(
                Assignment(
                    agent=agent.id,
                    day=day,
                    date=date,
                    shift=shift.id,
                    start=start,
                    end=end,
                    meal_start=meal_start,
                    meal_end=meal_start + dt.timedelta(minutes=meal_slots * step),
                    channels=[ChannelId(c) for c in channels],
                )
            )
            first = day * instance.slots_per_day + shift.start_minute // step
            for k in range(slots):
                if meal_first <= k < meal_first + meal_slots:
                    activity = "meal"
                else:
                    activity = str(channels[(k // SWITCH_SLOTS + index) % len(channels)])
                activities.append(SlotActivity(agent=agent.id, slot=first + k, activity=activity))
            worked += 1
            holidays += day_type is DayType.HOLIDAY
        rate = agent.daily_rate
        costs.append(
            CostLine(
                agent=agent.id,
                days_worked=worked,
                base=round(worked * rate, 2),
                holiday_premium=round(holidays * 2 * rate, 2),
                standby=50.0 * sum(1 for s in standby if s.agent == agent.id),
            )
        )
    return RosterSolution(
        instance=instance.name,
        status=SolveStatus.FEASIBLE,
        objective=sum(c.total for c in costs),
        best_bound=0.9 * sum(c.total for c in costs),
        wall_time_s=60.0,
        assignments=assignments,
        activities=activities,
        standby=standby,
        costs=costs,
    )


def _requirements(sizing: pd.DataFrame) -> pd.DataFrame:
    frame = sizing.copy()
    frame["required"] = frame["pool_required_staff"].astype(int)
    swing = (pd.Series(range(len(frame)), index=frame.index) * 7 % 5 - 2) * (frame["required"] > 0)
    frame["scheduled"] = (frame["required"] + swing).clip(lower=0)
    frame["shortfall"] = (frame["required"] - frame["scheduled"]).clip(lower=0)
    frame["surplus"] = (frame["scheduled"] - frame["required"]).clip(lower=0)
    return frame


def _violations(frame: pd.DataFrame) -> list[Violation]:
    short = frame[frame["shortfall"] > 0].drop_duplicates(["interval_start", "pool"])
    return [
        Violation(
            rule="coverage shortfall",
            where=f"{when:%Y-%m-%d %H:%M} {pool}",
            amount=float(amount),
            cost=90.0 * float(amount),
        )
        for when, pool, amount in zip(
            short["interval_start"], short["pool"], short["shortfall"], strict=True
        )
    ]


def _kpis(frame: pd.DataFrame, solution: RosterSolution, name: str) -> RunKpis:
    hours = 0.5
    channels = []
    for channel, rows in frame.groupby("channel", sort=False):
        required = float(rows["required"].sum()) * hours
        scheduled = float(rows["scheduled"].sum()) * hours
        channels.append(
            ChannelKpis(
                channel=str(channel),
                volume=float(rows["volume"].sum()),
                required_agent_hours=required,
                scheduled_agent_hours=scheduled,
                coverage=min(1.0, scheduled / required) if required else 1.0,
                service_level=0.85,
            )
        )
    return RunKpis(
        scenario=name,
        status=solution.status,
        objective=solution.objective,
        best_bound=solution.best_bound,
        gap=0.1,
        wall_time_s=solution.wall_time_s,
        labour_cost=solution.labour_cost,
        valid=True,
        hard_violations=0,
        soft_violations=len(solution.violations),
        channels=channels,
    )


@functools.cache
def large_run(people: int = 320) -> RunResult:
    """The site-m month with ``people`` people in eight teams, rostered by rule (see above)."""
    scenario = load_scenario(SITE)
    sizing = size_scenario(scenario)
    compiled = compile_instance(scenario, sizing)
    # Validated anew, so that the instance's lookups know the new people.
    instance = RosterInstance.model_validate(
        {
            **compiled.model_dump(),
            "name": f"{scenario.name}-x{people}",
            "agents": [p.model_dump() for p in _people(compiled, people)],
        }
    )
    requirements = _requirements(sizing)
    solution = _roster(instance)
    solution = solution.model_copy(update={"violations": _violations(requirements)})
    return RunResult(
        scenario=scenario,
        demand=sizing[["interval_start", "channel", "volume", "aht_s"]].copy(),
        requirements=requirements,
        instance=instance,
        solution=solution,
        validation=ValidationReport(ok=True),
        kpis=_kpis(requirements, solution, scenario.name),
    )

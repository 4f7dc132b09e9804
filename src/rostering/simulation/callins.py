"""Call-ins where the simulated day still misses its targets, and the day played again with them.

After the roster is corrected as far as its own people allow, the intervals
whose mean simulated service still misses a target are where a planner would
call someone in. Day by day, the person on standby (backups on call first,
then the supervisor), who does not work that day and has the skills, is
called in for the stretch that covers the most missed contacts, merging
missed intervals at most one interval apart, up to
``StandbyRules.call_in_max_hours`` a day and ``call_in_max_hours_per_week`` a
calendar week, and never sooner than ``call_in_min_rest_hours`` after the
person's last call-in. A call-in is paid by the hour as
:func:`rostering.roster.planning.call_in_hourly` says (3x on statutory
holidays). The roster plus its call-ins is then simulated with the same
random numbers, so the two sets of figures compare like with like.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict

import numpy as np

from rostering.domain.scenario import Scenario
from rostering.roster.facts import local_time, skill_set
from rostering.roster.instance import RosterInstance
from rostering.roster.planning import call_in_hourly
from rostering.roster.solution import CallIn, RosterSolution
from rostering.simulation.run import SimulationResult
from rostering.types import AgentId, ChannelId

log = logging.getLogger(__name__)


def missed_intervals(result: SimulationResult) -> dict[int, float]:
    """Interval -> contacts offered on channels whose mean simulated service misses a target."""
    verdicts = result.verdicts()
    missed = verdicts[~verdicts["meets"]].groupby("interval")["offered"].sum()
    return dict(
        zip(missed.index.to_numpy(dtype=np.int64).tolist(), missed.to_numpy().tolist(), strict=True)
    )


def _runs(slots: list[int]) -> list[list[int]]:
    """Missed slots merged into stretches, bridging gaps of one slot."""
    runs: list[list[int]] = []
    for t in sorted(slots):
        if runs and t - runs[-1][-1] <= 2:
            runs[-1].extend(range(runs[-1][-1] + 1, t + 1))
        else:
            runs.append([t])
    return runs


def plan_call_ins(
    scenario: Scenario,
    instance: RosterInstance,
    solution: RosterSolution,
    result: SimulationResult,
) -> list[CallIn]:
    """Who to call in, when and at what cost, where the simulated roster still misses."""
    missed = missed_intervals(result)
    if not missed:
        return []
    per_day = instance.slots_per_day
    step = instance.interval_minutes
    rules = scenario.standby
    most = round(rules.call_in_max_hours * 60 / step)
    weekly = round(rules.call_in_max_hours_per_week * 60 / step)
    rest = dt.timedelta(hours=rules.call_in_min_rest_hours)
    used: dict[tuple[str, int], int] = defaultdict(int)  # (person, ISO week) -> slots called in
    last_end: dict[str, dt.datetime] = {}
    working = {(a.agent, a.day) for a in solution.assignments}
    pooled = {c.id: c.members for c in instance.channels if c.members}
    queued = [c.id for c in scenario.channels if c.kind.queued]
    by_day: dict[int, list[int]] = defaultdict(list)
    for t in missed:
        by_day[t // per_day].append(t)
    calls: list[CallIn] = []
    for day, slots in sorted(by_day.items()):
        date = instance.date(day)
        standby = sorted(
            (d for d in solution.standby if d.date == date),
            key=lambda d: (d.kind != "backup", d.agent),
        )
        runs = sorted(_runs(slots), key=lambda r: -sum(missed.get(t, 0.0) for t in r))
        for duty in standby:
            if not runs:
                break
            person = instance.agent(duty.agent)
            if (person.id, day) in working:
                continue
            skills = skill_set(instance, person) & set(queued)
            week = (person.id, date.isocalendar().week)
            if not skills or used[week] >= weekly:
                continue
            run = runs[0][: min(most, weekly - used[week])]
            first, last = run[0] - day * per_day, run[-1] + 1 - day * per_day
            start = local_time(instance, day, first * step)
            if person.id in last_end and start < last_end[person.id] + rest:
                continue  # too soon after this person's last call-in
            runs.pop(0)
            used[week] += len(run)
            last_end[person.id] = local_time(instance, day, last * step)
            hours = len(run) * step / 60
            unit = instance.unit_of(sorted(skills)[0])
            channel = unit if unit in pooled else sorted(skills)[0]
            calls.append(
                CallIn(
                    date=date,
                    agent=AgentId(person.id),
                    channel=ChannelId(channel),
                    start=start,
                    end=last_end[person.id],
                    short_agent_minutes=len(run) * step,
                    cost=round(hours * call_in_hourly(instance, person, day), 2),
                )
            )
    log.info("%d call-ins planned where the simulated roster misses its targets", len(calls))
    return calls


__all__ = ["missed_intervals", "plan_call_ins"]

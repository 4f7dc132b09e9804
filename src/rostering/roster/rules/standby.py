"""Standby: the supervisor on 7x24 standby, the management ratio and the backup pool."""

from __future__ import annotations

import math
from collections.abc import Mapping

from ortools.sat.python import cp_model
from scipy.special import bdtrc

from rostering.domain.agents import Role
from rostering.roster.instance import AgentSpec, RosterInstance
from rostering.roster.rules.base import Rule, RuleContext, SoftTerm
from rostering.roster.rules.common import (
    coverage_agents,
    day_label,
    local_time,
    skill_set,
)
from rostering.roster.solution import Allocation, CallIn, StandbyDuty, Violation
from rostering.types import AgentId, ChannelId, ShiftId

BACKUP_POOL = "backup pool"
MANAGEMENT_RATIO = "management ratio"


def supervisors(instance: RosterInstance) -> list[AgentId]:
    """Ids of the supervisors, who can be on standby."""
    return [a.id for a in instance.agents if a.role is Role.SUPERVISOR]


def can_stand_by(instance: RosterInstance, agent: AgentId, day: int) -> bool:
    """A supervisor can be on standby on any day that is not leave or unavailable."""
    return day not in set(instance.agent(agent).days_off)


def backups_needed(on_duty: int, *, absenteeism: float, risk: float, minimum: int = 0) -> int:
    """Backups on call so that absences exceed them with probability at most ``risk``.

    The smallest ``k`` with ``P(Binomial(on_duty, absenteeism) > k) <= risk``,
    and at least ``minimum``. With 2 agents on duty, 5 % absenteeism and 5 %
    risk one backup is needed (``P(X > 0) = 9.75 %``, ``P(X > 1) = 0.25 %``).
    """
    if on_duty <= 0 or absenteeism <= 0:
        return minimum
    for k in range(on_duty + 1):
        if float(bdtrc(k, on_duty, absenteeism)) <= risk:
            return max(k, minimum)
    return max(on_duty, minimum)


def on_duty_agents(
    instance: RosterInstance, schedule: Mapping[tuple[AgentId, int], ShiftId], day: int
) -> int:
    """Front-line agents working a shift on ``day``."""
    return sum(1 for a in coverage_agents(instance) if (a.id, day) in schedule)


def required_managers(instance: RosterInstance, on_duty: int) -> int:
    """Supervisors on duty or standby needed for ``on_duty`` agents at the management ratio."""
    if instance.standby is None:
        return 0
    return math.ceil(on_duty / instance.standby.management_ratio)


class SupervisorStandby(Rule):
    """Every day a named supervisor is on 7x24 standby.

    The supervisor on standby runs the floor and fills gaps in emergencies; they
    are not counted in coverage. A supervisor on leave cannot be on standby.
    """

    name = "supervisor standby"

    def __init__(self) -> None:
        self.duty: dict[tuple[AgentId, int], cp_model.IntVar] = {}
        """Supervisor on standby on a day."""

    def applies(self, instance: RosterInstance) -> bool:
        return instance.standby is not None and (
            instance.standby.supervisor_standby_24x7 or bool(supervisors(instance))
        )

    def build(self, ctx: RuleContext) -> list[SoftTerm]:
        inst, m = ctx.instance, ctx.model
        assert inst.standby is not None
        people = supervisors(inst)
        for d in range(inst.n_days):
            for a in people:
                if can_stand_by(inst, a, d):
                    self.duty[(a, d)] = m.new_bool_var(f"standby(agent={a}, day={d})")
        # hard
        if inst.standby.supervisor_standby_24x7:
            for d in range(inst.n_days):
                on_call = [v for (a, day), v in self.duty.items() if day == d]
                guard = ctx.guard(
                    f"{day_label(inst, d)}: a supervisor must be on 7x24 standby "
                    f"({len(on_call)} supervisor(s) available)"
                )
                if on_call:
                    ct = m.add(sum(on_call) >= 1)
                    if guard:
                        ct.only_enforce_if(guard)
                else:
                    m.add_bool_or([g.Not() for g in guard])
        # soft: none
        return []


class ManagementRatio(Rule):
    """At least one supervisor on duty or on standby for every five agents on duty.

    The ratio is the scenario's (1:5 in the reference project). A supervisor
    counts once a day whether working a shift, on standby or both. This is a
    checked rule: a roster cannot create supervisors, so each supervisor missing
    on a day is reported and costs one agent-slot of shortfall, enough to put
    an available supervisor on standby, never enough to send agents home.
    """

    name = "management ratio"

    def __init__(self, standby: SupervisorStandby) -> None:
        self.standby = standby

    def applies(self, instance: RosterInstance) -> bool:
        return instance.standby is not None and bool(coverage_agents(instance))

    def build(self, ctx: RuleContext) -> list[SoftTerm]:
        inst, m = ctx.instance, ctx.model
        assert inst.standby is not None
        ratio = inst.standby.management_ratio
        agents = coverage_agents(inst)
        people = supervisors(inst)
        most = -(-len(agents) // ratio)
        terms: list[SoftTerm] = []
        # hard: none
        # soft
        for d in range(inst.n_days):
            present: list[cp_model.IntVar] = []
            for a in people:
                on = ctx.vars.on_day(a, d)
                duty = self.standby.duty.get((a, d))
                if duty is None:
                    present.append(on)
                    continue
                either = m.new_bool_var(f"manager_present(agent={a}, day={d})")
                m.add_max_equality(either, [on, duty])
                present.append(either)
            on_duty = sum(ctx.vars.on_day(a.id, d) for a in agents)
            need = m.new_int_var(0, most, f"managers_needed(day={d})")
            m.add(ratio * need >= on_duty)
            m.add(ratio * need <= on_duty + ratio - 1)
            short = m.new_int_var(0, most, f"managers_short(day={d})")
            m.add_max_equality(short, [need - sum(present), 0])
            where = f"{day_label(inst, d)}: 1:{ratio}"
            terms.append(
                SoftTerm(MANAGEMENT_RATIO, where, short, inst.weights.shortfall_per_agent_slot)
            )
        return terms


def backups_for_day(
    instance: RosterInstance, schedule: Mapping[tuple[AgentId, int], ShiftId], day: int
) -> int:
    """Backups that should be on call on ``day`` for the agents the roster puts on duty."""
    rules = instance.standby
    if rules is None:
        return 0
    return backups_needed(
        on_duty_agents(instance, schedule, day),
        absenteeism=rules.absenteeism_rate,
        risk=rules.backup_risk,
        minimum=rules.min_backups,
    )


def can_be_on_call(
    instance: RosterInstance,
    schedule: Mapping[tuple[AgentId, int], ShiftId],
    agent: AgentSpec,
    day: int,
) -> bool:
    """A backup is on call on a day they neither work a shift nor are away."""
    return (
        agent.role is Role.BACKUP
        and day not in set(agent.days_off)
        and (agent.id, day) not in schedule
    )


def plan_backups(
    instance: RosterInstance, schedule: Mapping[tuple[AgentId, int], ShiftId]
) -> tuple[list[StandbyDuty], list[Violation]]:
    """Backups on call per day, and the days the pool is too small.

    The backup pool is sized after the roster is known: each day needs the
    binomial quantile of absences among the agents on duty (see
    :func:`backups_needed`). On-call days go to whoever has had the fewest so
    far (the carry-over ledger ``standby`` included). A day the pool cannot
    fill is reported as a ``backup pool`` violation with no cost: it is a risk
    to raise with the client, not a cost the roster can trade.
    """
    duties: list[StandbyDuty] = []
    problems: list[Violation] = []
    if instance.standby is None:
        return duties, problems
    pool = [a for a in instance.agents if a.role is Role.BACKUP]
    load = {a.id: round(a.fairness_carry.get("standby", 0.0)) for a in pool}
    for d in range(instance.n_days):
        need = backups_for_day(instance, schedule, d)
        if need <= 0:
            continue
        free = [a for a in pool if can_be_on_call(instance, schedule, a, d)]
        free.sort(key=lambda a: (load[a.id], a.id))
        for a in free[:need]:
            load[a.id] += 1
            duties.append(StandbyDuty(date=instance.date(d), agent=a.id, kind="backup"))
        short = need - min(need, len(free))
        if short:
            problems.append(backup_shortage(instance, d, short, need))
    return duties, problems


def backup_shortage(instance: RosterInstance, day: int, short: int, need: int) -> Violation:
    """The violation reported when fewer backups are on call than the risk allows."""
    return Violation(
        rule=BACKUP_POOL,
        where=f"{day_label(instance, day)}: {need} backup(s) needed on call",
        amount=short,
        cost=0.0,
    )


def _hourly(instance: RosterInstance, agent: AgentSpec) -> float:
    """Yuan per hour for calling a person in."""
    if agent.role is Role.SUPERVISOR and agent.overtime_hourly > 0:
        return agent.overtime_hourly
    return agent.daily_rate / (agent.contract_minutes / 60)


def suggest_call_ins(
    instance: RosterInstance,
    allocations: list[Allocation],
    duties: list[StandbyDuty],
    schedule: Mapping[tuple[AgentId, int], ShiftId],
    *,
    deferred: set[ChannelId] | None = None,
) -> list[CallIn]:
    """Who to call in where coverage is still short, for which hours, at what cost.

    Day by day and channel by channel (highest priority first), the longest
    run of short slots goes to a backup on call with the skill, else to the
    supervisor on standby, one person per day each; the cost is the hours at
    the person's hourly rate (overtime rate for a supervisor). Deferred
    channels are left out: their work can wait inside its window.
    """
    skipped = deferred or set()
    step = instance.interval_minutes
    per_day = instance.slots_per_day
    short: dict[tuple[int, ChannelId], dict[int, int]] = {}
    for row in allocations:
        if row.channel in skipped or row.scheduled >= row.required:
            continue
        day = row.slot // per_day
        short.setdefault((day, row.channel), {})[row.slot] = row.required - row.scheduled
    used: set[tuple[AgentId, int]] = set()
    calls: list[CallIn] = []
    order = sorted(short, key=lambda k: (k[0], -instance.channel(k[1]).priority, k[1]))
    for day, channel in order:
        gaps = short[(day, channel)]
        on_call = [
            instance.agent(x.agent)
            for x in sorted(duties, key=lambda x: (x.kind != "backup", x.agent))
            if x.date == instance.date(day)
        ]
        for person in on_call:
            if (person.id, day) in used or (person.id, day) in schedule:
                continue
            if channel not in skill_set(instance, person):
                continue
            run = _longest_run(gaps)
            if not run:
                break
            used.add((person.id, day))
            for t in run:
                gaps[t] -= 1
                if gaps[t] == 0:
                    del gaps[t]
            first, last = run[0], run[-1] + 1
            hours = len(run) * step / 60
            calls.append(
                CallIn(
                    date=instance.date(day),
                    agent=person.id,
                    channel=channel,
                    start=local_time(instance, 0, first * step),
                    end=local_time(instance, 0, last * step),
                    short_agent_minutes=len(run) * step,
                    cost=round(hours * _hourly(instance, person), 2),
                )
            )
    return calls


def _longest_run(gaps: dict[int, int]) -> list[int]:
    """The longest run of consecutive slots still short."""
    best: list[int] = []
    current: list[int] = []
    for t in sorted(gaps):
        if current and t != current[-1] + 1:
            current = []
        current.append(t)
        if len(current) > len(best):
            best = list(current)
    return best


__all__ = [
    "BACKUP_POOL",
    "MANAGEMENT_RATIO",
    "ManagementRatio",
    "SupervisorStandby",
    "backup_shortage",
    "backups_for_day",
    "backups_needed",
    "can_be_on_call",
    "can_stand_by",
    "on_duty_agents",
    "plan_backups",
    "required_managers",
    "suggest_call_ins",
    "supervisors",
]

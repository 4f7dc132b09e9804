"""After the solve: the backup pool on call and call-in suggestions for the gaps left.

Solver-free: read from the roster found (who works when, the allocation of
agents to channels), so a hand-made roster is planned the same way.
"""

from __future__ import annotations

from collections.abc import Mapping

from rostering.domain.agents import Role
from rostering.domain.shifts import DayType
from rostering.roster.duties import backups_needed, on_duty_agents
from rostering.roster.facts import day_label, local_time, skill_set
from rostering.roster.instance import AgentSpec, RosterInstance
from rostering.roster.rule_names import BACKUP_POOL
from rostering.roster.solution import Allocation, CallIn, StandbyDuty, Violation
from rostering.types import AgentId, ChannelId, ShiftId


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
    far (the carry-over ledger ``standby`` included); in a what-if, the
    backups the baseline roster had on call that day come first, so a change
    elsewhere does not reshuffle the whole month's on-call turns. A day the pool cannot
    fill is reported as a ``backup pool`` violation with no cost: it is a risk
    to raise with the client, not a cost the roster can trade.
    """
    duties: list[StandbyDuty] = []
    problems: list[Violation] = []
    if instance.standby is None:
        return duties, problems
    pool = [a for a in instance.agents if a.role is Role.BACKUP]
    load = {a.id: round(a.fairness_carry.get("standby", 0.0)) for a in pool}
    before = instance.baseline.on_call if instance.baseline is not None else {}
    kept = {(a, d) for a, days in before.items() for d in days}
    for d in range(instance.n_days):
        need = backups_for_day(instance, schedule, d)
        if need <= 0:
            continue
        free = [a for a in pool if can_be_on_call(instance, schedule, a, d)]
        free.sort(key=lambda a: ((a.id, d) not in kept, load[a.id], a.id))
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


def call_in_hourly(instance: RosterInstance, agent: AgentSpec, day: int) -> float:
    """Yuan per hour for calling a person in on ``day``.

    The person's daily rate over its contract hours; on a statutory holiday
    times the holiday multiplier, and for a supervisor (whose hours on the
    floor come on top of the job) times the overtime multiplier otherwise. A
    backup on call is paid the plain rate for the hours it is called in.
    """
    base = agent.hourly_rate or agent.daily_rate / (agent.contract_minutes / 60)
    if base <= 0 and agent.overtime_hourly > 0:
        base = agent.overtime_hourly / instance.pay.overtime_multiplier
    if instance.day_types[day] is DayType.HOLIDAY:
        return base * instance.pay.holiday_multiplier
    if agent.role is Role.SUPERVISOR:
        return base * instance.pay.overtime_multiplier
    return base


def suggest_call_ins(
    instance: RosterInstance,
    allocations: list[Allocation],
    duties: list[StandbyDuty],
    schedule: Mapping[tuple[AgentId, int], ShiftId],
    *,
    deferred: set[ChannelId] | None = None,
) -> list[CallIn]:
    """Who to call in where coverage is still short, for which hours, at what cost.

    The predicted view, for a roster that is not simulated (a simulated one
    gets :func:`rostering.simulation.callins.plan_call_ins`). Day by day and
    channel by channel (highest priority first), the longest run of short
    slots, at most ``StandbyRules.call_in_max_hours``, goes to a backup on call
    with the skill, else to the supervisor on standby, one person per day
    each; the cost is the hours at :func:`call_in_hourly`. Deferred channels
    are left out: their work can wait inside its window.
    """
    skipped = deferred or set()
    step = instance.interval_minutes
    hours_cap = instance.standby.call_in_max_hours if instance.standby else 24.0
    most = max(1, round(hours_cap * 60 / step))
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
            run = _longest_run(gaps)[:most]
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
                    cost=round(hours * call_in_hourly(instance, person, day), 2),
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
    "backup_shortage",
    "backups_for_day",
    "call_in_hourly",
    "can_be_on_call",
    "plan_backups",
    "suggest_call_ins",
]

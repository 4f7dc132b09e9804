"""Solver-free check of the contract rules (:mod:`rostering.roster.rules.contract`).

:func:`check_contract_rules` re-reads a schedule (who works which shift on
which day) and lists every broken hard contract rule (``hard=True``, cost 0)
and every soft cost the model counts: cover under and over, requests not
granted. Rule names and costs match the model's soft terms exactly, so the
sum of the soft costs is the model's objective for these rules.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from rostering.roster.facts import (
    calendar_weeks,
    forbidden_pairs_by_rest,
    history_run,
    request_where,
    weekends,
)
from rostering.roster.instance import AgentSpec, RosterInstance
from rostering.roster.rule_names import (
    CONSECUTIVE_DAYS_OFF,
    CONSECUTIVE_WORKING_DAYS,
    DAYS_OFF,
    FORBIDDEN_SUCCESSION,
    MAX_SHIFTS_PER_TYPE,
    MAX_WEEKENDS,
    MIN_REST,
    SHIFT_OFF_REQUEST,
    SHIFT_ON_REQUEST,
    WORKLOAD,
)
from rostering.roster.solution import Violation
from rostering.types import AgentId, ShiftId


def _hard(rule: str, where: str, amount: float) -> Violation:
    return Violation(rule=rule, where=where, amount=amount, cost=0.0, hard=True)


def _runs(worked: list[bool], *, value: bool) -> list[tuple[int, int]]:
    """(start, length) of each maximal run of ``value`` in ``worked``."""
    runs: list[tuple[int, int]] = []
    start: int | None = None
    for d, w in enumerate([*worked, not value]):
        if w == value and start is None:
            start = d
        elif w != value and start is not None:
            runs.append((start, d - start))
            start = None
    return runs


def _check_short_runs(
    instance: RosterInstance,
    agent: AgentSpec,
    worked: list[bool],
    *,
    value: bool,
    minimum: int,
    rule: str,
) -> list[Violation]:
    found: list[Violation] = []
    n = len(worked)
    history = history_run(instance, agent, worked=value)
    for start, length in _runs(worked, value=value):
        if start + length == n:
            continue  # touches the end: the next period continues it
        counted = length
        if start == 0:
            if history is None:
                continue
            counted += history
        if counted < minimum:
            found.append(_hard(rule, f"{agent.id} days {start}-{start + length - 1}", counted))
    if history and history < minimum and n and worked[0] != value:
        found.append(_hard(rule, f"{agent.id} run carried in from history", history))
    return found


def _check_agent(
    instance: RosterInstance, agent: AgentSpec, shifts: dict[int, ShiftId]
) -> list[Violation]:
    c = agent.contract
    n = instance.n_days
    out: list[Violation] = []
    worked = [d in shifts for d in range(n)]
    length = {s.id: s.length_minutes for s in instance.shifts}

    days_off = sorted({d for d in agent.days_off if d in shifts})
    for d in days_off:
        out.append(_hard(DAYS_OFF, f"{agent.id} day {d}", 1))

    counts: dict[ShiftId, int] = defaultdict(int)
    for s in shifts.values():
        counts[s] += 1
    for shift_id, limit in c.max_shifts.items():
        if counts[shift_id] > limit:
            out.append(
                _hard(MAX_SHIFTS_PER_TYPE, f"{agent.id} shift {shift_id}", counts[shift_id] - limit)
            )

    total = sum(length[s] for s in shifts.values())
    if c.min_total_minutes is not None and total < c.min_total_minutes:
        out.append(_hard(WORKLOAD, f"{agent.id} total minutes", c.min_total_minutes - total))
    if c.max_total_minutes is not None and total > c.max_total_minutes:
        out.append(_hard(WORKLOAD, f"{agent.id} total minutes", total - c.max_total_minutes))
    if c.max_minutes_per_week is not None:
        for week in (w.days for w in calendar_weeks(instance)):
            minutes = sum(length[shifts[d]] for d in week if d in shifts)
            if minutes > c.max_minutes_per_week:
                out.append(
                    _hard(
                        WORKLOAD,
                        f"{agent.id} week from day {week[0]}",
                        minutes - c.max_minutes_per_week,
                    )
                )

    if c.max_consecutive_days is not None:
        carried = history_run(instance, agent, worked=True) or 0
        for start, run in _runs(worked, value=True):
            counted = run + (carried if start == 0 else 0)
            if counted > c.max_consecutive_days:
                out.append(
                    _hard(
                        CONSECUTIVE_WORKING_DAYS,
                        f"{agent.id} days {start}-{start + run - 1}",
                        counted - c.max_consecutive_days,
                    )
                )
    if (c.min_consecutive_days or 0) > 1:
        out += _check_short_runs(
            instance,
            agent,
            worked,
            value=True,
            minimum=c.min_consecutive_days or 0,
            rule=CONSECUTIVE_WORKING_DAYS,
        )
    if (c.min_consecutive_days_off or 0) > 1:
        out += _check_short_runs(
            instance,
            agent,
            worked,
            value=False,
            minimum=c.min_consecutive_days_off or 0,
            rule=CONSECUTIVE_DAYS_OFF,
        )

    if c.max_weekends is not None:
        count = sum(1 for days in weekends(instance) if any(worked[d] for d in days))
        if count > c.max_weekends:
            out.append(_hard(MAX_WEEKENDS, f"{agent.id}", count - c.max_weekends))

    if c.min_rest_minutes is not None:
        pairs = forbidden_pairs_by_rest(instance, c.min_rest_minutes)
        for gap, first, second in pairs:
            for d in range(n - gap):
                if shifts.get(d) == first and shifts.get(d + gap) == second:
                    out.append(
                        _hard(MIN_REST, f"{agent.id} {first} day {d}, {second} day {d + gap}", 1)
                    )

    for d in range(n - 1):
        first_id = shifts.get(d)
        second_id = shifts.get(d + 1)
        if first_id is None or second_id is None:
            continue
        if second_id in instance.shift(first_id).cannot_follow:
            out.append(
                _hard(
                    FORBIDDEN_SUCCESSION,
                    f"{agent.id} {first_id} day {d}, {second_id} day {d + 1}",
                    1,
                )
            )
    return out


def check_contract_rules(
    instance: RosterInstance, schedule: Mapping[tuple[AgentId, int], ShiftId]
) -> list[Violation]:
    """Every broken contract rule and every contract soft cost of ``schedule``.

    ``schedule`` maps (agent, day) to the shift worked; days not in it are off.
    Hard violations carry ``hard=True`` and cost 0; soft ones carry the cost
    the model puts on them (cover: under * weight_under + over * weight_over,
    requests: weight * request_unit).
    """
    by_agent: dict[AgentId, dict[int, ShiftId]] = defaultdict(dict)
    for (agent_id, day), shift_id in schedule.items():
        if 0 <= day < instance.n_days:
            by_agent[agent_id][day] = shift_id
    out: list[Violation] = []
    for agent in instance.agents:
        out += _check_agent(instance, agent, by_agent.get(agent.id, {}))

    unit = instance.weights.request_unit
    for req in instance.requests:
        if req.weight == 0 or unit == 0 or req.day >= instance.n_days:
            continue
        worked = schedule.get((req.agent, req.day))
        hit = worked is not None if req.shift is None else worked == req.shift
        if hit != req.want:
            out.append(
                Violation(
                    rule=SHIFT_ON_REQUEST if req.want else SHIFT_OFF_REQUEST,
                    where=request_where(req),
                    amount=1,
                    cost=req.weight * unit,
                )
            )
    return out


__all__ = ["check_contract_rules"]

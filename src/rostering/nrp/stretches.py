"""Runs of days worked and days off, restated as a chain of stretches.

:class:`~rostering.roster.rules.contract.ConsecutiveWorkingDays` and
:class:`~rostering.roster.rules.contract.ConsecutiveDaysOff` state the run
limits as clauses and windows: exact for a roster, but nearly silent in the
linear relaxation, where half an agent on every day meets them all. This
module states the same limits a second way, as a path through a small graph
per agent: each arc is a whole stretch (days worked, or days off, of an
allowed length), each day is covered by exactly one arc, and the arcs chain
from the first day to the last. The linear relaxation of a path is exact, so
the relaxation sees each agent's runs whole; on the Curtois & Qu instances 4
to 6 this turns a bound that stalls 0.3-20 % below the optimum into a proof.

The graph has two kinds of node per day boundary ``t``: "a stretch of work
ended before day t" (``W``) and "a stretch of days off ended before day t"
(``O``), plus a source before day 0 and a sink after the last day.

* A work stretch goes from an ``O`` node (or the source) to a ``W`` node and
  is ``min..max`` days long; without a maximum it is exactly the minimum
  long, and ``W -> W`` arcs of one day extend it.
* A stretch of days off goes from ``W`` to ``O`` and is exactly the minimum
  long; ``O -> O`` arcs of one day extend it.
* Stretches that reach the last day may be shorter (the end of the horizon
  is exempt, as in the clause form). The first stretch follows the agent's
  history when there is one (see :mod:`rostering.roster.rules.contract`),
  else it may be of any length up to the maximum.

The formulation is redundant: it only tightens the bound, and costs every
linear relaxation CP-SAT solves more rows and columns. It is added to models
under :data:`STRETCH_MAX_WORKS` ``works`` variables, and left out when
explaining a conflict.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ortools.sat.python import cp_model

from rostering.roster.facts import history_run, works_count
from rostering.roster.instance import AgentSpec, RosterInstance
from rostering.roster.rules.base import Rule, RuleContext, SoftTerm

STRETCH_MAX_WORKS = 1200
"""``works`` variables below which the stretch form is added. Measured on the
Curtois & Qu instances (28 days, 60 s, 2 workers): up to 1,120 ``works``
(instances 4 to 6, 10 to 18 agents) it turns bounds that stall 0.3-20 % below
the optimum into proofs in 30-55 s. On instance 7 (1,344) the bound fell from
about 1,050 to 954, and on 8 and 9 (2,324 and 3,136) the larger relaxation
slowed the search enough to cost 10-25 % on the roster found."""

Node = tuple[int, str]
"""(day boundary, kind): kind ``W`` or ``O``; the source is (0, ``S``), the sink (n_days, ``T``)."""


@dataclass(frozen=True)
class RunLimits:
    """One agent's run limits, and how the horizon starts for them."""

    min_work: int
    max_work: int | None
    min_off: int
    work_before: int | None
    """Days worked in a row just before day 0; None when the start edge is exempt."""
    off_before: int | None
    """Days off in a row just before day 0; None when the start edge is exempt."""

    @classmethod
    def of(cls, instance: RosterInstance, agent: AgentSpec) -> RunLimits:
        c = agent.contract
        return cls(
            min_work=max(1, c.min_consecutive_days or 1),
            max_work=c.max_consecutive_days,
            min_off=max(1, c.min_consecutive_days_off or 1),
            work_before=history_run(instance, agent, worked=True),
            off_before=history_run(instance, agent, worked=False),
        )

    @property
    def binding(self) -> bool:
        """Whether a minimum run length makes the stretch form worth adding."""
        return self.min_work > 1 or self.min_off > 1


@dataclass(frozen=True)
class Arc:
    """A stretch of ``length`` days from ``first``: worked or off."""

    first: int
    length: int
    worked: bool
    tail: Node
    head: Node


def stretch_arcs(limits: RunLimits, n_days: int) -> list[Arc]:
    """Every stretch an agent with ``limits`` may have, as arcs of the path graph.

    A roster meets the run limits exactly when its days split into a path of
    these arcs from the source to the sink; the split is unique.
    """
    arcs: list[Arc] = []
    source: Node = (0, "S")
    sink: Node = (n_days, "T")

    def node(t: int, kind: str) -> Node:
        return sink if t == n_days else (t, kind)

    def lengths(first: int, least: int, most: int | None) -> list[int]:
        """Allowed stretch lengths from ``first``: least..most, or shorter to the last day."""
        room = n_days - first
        if room < least:
            return [room] if most is None or room <= most else []
        if most is None:
            return [least]  # the one-day extension arcs make it longer
        return list(range(least, min(most, room) + 1))

    def add(first: int, length: int, worked: bool, tail: Node, kind: str) -> None:
        arcs.append(Arc(first, length, worked, tail, node(first + length, kind)))

    # From the source: the first stretch continues the history when it counts.
    unknown = limits.work_before is None or limits.off_before is None
    before_w = limits.work_before or 0
    before_o = limits.off_before or 0
    if unknown or before_w > 0 or before_o >= limits.min_off:
        most = None if limits.max_work is None else limits.max_work - before_w
        if most is None or most >= 1:
            least = 1 if unknown else max(1, limits.min_work - before_w)
            for length in lengths(0, least, most):
                add(0, length, True, source, "W")
    if unknown or before_o > 0 or before_w >= limits.min_work:
        least = 1 if unknown else max(1, limits.min_off - before_o)
        for length in lengths(0, least, None):
            add(0, length, False, source, "O")

    for t in range(1, n_days):
        for length in lengths(t, limits.min_work, limits.max_work):
            add(t, length, True, (t, "O"), "W")
        for length in lengths(t, limits.min_off, None):
            add(t, length, False, (t, "W"), "O")
        # One more day of the same: off always, work when runs have no maximum.
        add(t, 1, False, (t, "O"), "O")
        if limits.max_work is None:
            add(t, 1, True, (t, "W"), "W")
    return arcs


class WorkStretches(Rule):
    """The same run limits as a chain of stretches: two to five days on, two or more off.

    "Zhang's month is a string of work stretches, each two to five days long,
    with at least two days off between them." Redundant with the rules on
    consecutive days worked and days off; it makes the bound of the search
    see the runs whole.
    """

    name = "work stretches"

    def applies(self, instance: RosterInstance) -> bool:
        if not any(RunLimits.of(instance, a).binding for a in instance.agents):
            return False
        return works_count(instance) < STRETCH_MAX_WORKS

    def build(self, ctx: RuleContext) -> list[SoftTerm]:
        if ctx.explain:
            return []  # redundant: nothing to explain
        inst, v, m = ctx.instance, ctx.vars, ctx.model
        graphs: dict[RunLimits, list[Arc]] = {}  # agents on one contract share a graph
        # hard (redundant)
        for agent in inst.agents:
            limits = RunLimits.of(inst, agent)
            if not limits.binding:
                continue
            if limits not in graphs:
                graphs[limits] = stretch_arcs(limits, inst.n_days)
            covering: dict[int, list[cp_model.IntVar]] = defaultdict(list)
            flow: dict[Node, list[tuple[cp_model.IntVar, int]]] = defaultdict(list)
            for arc in graphs[limits]:
                kind = "work" if arc.worked else "off"
                x = v.new_bool(
                    f"stretch(agent={agent.id}, {kind}, day={arc.first}, days={arc.length})",
                    day=arc.first,
                )
                flow[arc.tail].append((x, 1))
                flow[arc.head].append((x, -1))
                if arc.worked:
                    for d in range(arc.first, arc.first + arc.length):
                        covering[d].append(x)
            for node, terms in flow.items():
                net = 1 if node[1] == "S" else -1 if node[1] == "T" else 0
                m.add(cp_model.LinearExpr.weighted_sum(*zip(*terms, strict=True)) == net)
            for d in range(inst.n_days):
                m.add(sum(covering[d]) == v.on_day(agent.id, d))
        # soft: none
        return []


__all__ = [
    "STRETCH_MAX_WORKS",
    "Arc",
    "Node",
    "RunLimits",
    "WorkStretches",
    "stretch_arcs",
]

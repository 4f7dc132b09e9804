"""The nurse-rostering benchmark's search strategy, plugged into the product search.

:class:`NrpStrategy` adds to :func:`rostering.roster.solver.solve`:

- **the day cover** (:class:`~rostering.nrp.cover.DayCoverRule`) and, for
  small models, the stretch formulation of the run limits
  (:class:`~rostering.nrp.stretches.WorkStretches`);
- **cover pricing beside the search** (:mod:`rostering.nrp.pricing`): when
  the day cover alone binds agents together, a lower bound by column
  generation over each agent's own rosters, far stronger than CP-SAT's own;
  once it rises no more, the whole model kept to the shifts of the priced
  rosters is searched for a while;
- **a first roster built agent by agent** (:mod:`rostering.nrp.agentwise`)
  when the constructive roster cannot be completed, improved by agent
  neighbourhoods on the largest models.

Which of these can serve a product scenario: the stretch formulation applies
to any instance whose agents have binding minimum runs of days worked or off
(scenarios cannot state such minimums today); pricing and the agent-by-agent
roster need an instance whose agents are bound together only by a day cover,
which an interval-coverage scenario never is. The day cover itself belongs to
benchmark instances (:class:`~rostering.nrp.instance.NrpInstance`).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from ortools.sat.python import cp_model

from rostering.nrp.agentwise import agentwise_applies, agentwise_roster, improve_by_agents
from rostering.nrp.cover import day_cover_violations
from rostering.nrp.instance import NrpInstance
from rostering.nrp.pricing import PricingThread, splits_by_agent
from rostering.nrp.rules import nrp_rules
from rostering.roster.config import SolverConfig
from rostering.roster.facts import works_count
from rostering.roster.instance import RosterInstance
from rostering.roster.model import BuiltModel
from rostering.roster.rules.base import Rule
from rostering.roster.solution import Roster
from rostering.roster.strategy import Beside, Improver, RestrictedSearch, SearchStrategy
from rostering.roster.validation import Check

PRICING_WORKERS = 2
"""Agents priced at once beside the search."""

PRICING_MAX_WORKS = 12_000
"""``works`` variables up to which cover pricing runs beside the search. Measured with
60 s limits on 2 cores: on Curtois & Qu instances 1-10 (up to 5,600) instance 4 is
proven at 7 s rather than in 40-50 s or not at all, and 7, 8 and 10 get better
bounds; at 10,584 (84 days, 50 agents, 6 shift types) it is neutral (412 against
408, the same bound); at 44,226 (182 days, 100 agents, 8 shift types) a pricing round
takes much of the limit and the CPU it takes costs the search: 3,767 against 2,544."""

RESTRICTED_S = 10.0
"""Time limit of the search kept to the shifts of the priced rosters: on Curtois & Qu
instances 9 and 10 it finds 439 and 4,631 in about 6 s on 2 workers, and on 7 and 8
its best comes within 6 s too (45 s more found nothing better)."""

HAND_OVER_SHARE = 0.5
"""Share of the time left at the start after which pricing starts no new round and
hands its columns to the restricted search, converged or not."""

RESTRICTED_STALL_S = 3.0
"""The search kept to priced shifts stops when it has found no better roster for this
long (instance 9's longest wait between better rosters there was 1.7 s)."""

AGENTWISE_SHARE = 0.3
"""Share of the time left the agent-by-agent first roster may take."""

AGENT_LNS_MIN_WORKS = 100_000
"""``works`` variables from which an agent-by-agent roster is improved by agent
neighbourhoods rather than by CP-SAT on the whole model. Measured on generated
benchmark-style instances: at 55,700 (182 days, 120 agents, 16 shift types)
the whole model ends at 2,618 against 2,933 after 90 s; at 140,500 (364 days,
150 agents, 32 types) agent neighbourhoods end at 10,346 against 12,019 after
180 s, in 1.5 GB instead of 2.3 GB."""


class _Pricing:
    """Cover pricing in its own thread; the restricted search it leads to in that thread."""

    def __init__(
        self,
        built: BuiltModel,
        *,
        deadline: float,
        on_bound: Callable[[int], None],
        search_restricted: RestrictedSearch,
        workers: int,
    ) -> None:
        def converged(model: cp_model.CpModel) -> None:
            left = deadline - time.perf_counter()
            search_restricted(
                model, time_limit_s=max(RESTRICTED_S, left), stall_s=RESTRICTED_STALL_S
            )

        hand_over = time.perf_counter() + HAND_OVER_SHARE * (deadline - time.perf_counter())
        self.thread = PricingThread(
            built, deadline, on_bound, converged, workers=workers, hand_over=hand_over
        )

    def start(self) -> None:
        self.thread.start()

    def finish(self) -> None:
        self.thread.finish()

    def offer(self, roster: Roster) -> None:
        self.thread.offer(roster)


class NrpStrategy(SearchStrategy):
    """The benchmark's rules and searches: day cover, stretches, pricing, agent by agent."""

    def rules(self, instance: RosterInstance, *, redundant: bool) -> list[Rule]:
        return nrp_rules(instance, redundant=redundant)

    def checks(self) -> list[Check]:
        return [day_cover_violations]

    def beside(
        self,
        built: BuiltModel,
        *,
        deadline: float,
        on_bound: Callable[[int], None],
        search_restricted: RestrictedSearch,
    ) -> Beside | None:
        if works_count(built.instance) >= PRICING_MAX_WORKS or not splits_by_agent(built):
            return None
        return _Pricing(
            built,
            deadline=deadline,
            on_bound=on_bound,
            search_restricted=search_restricted,
            workers=PRICING_WORKERS,
        )

    def first_roster(
        self, built: BuiltModel, config: SolverConfig, *, time_limit_s: float
    ) -> Roster | None:
        # Contract rules the constructive roster does not know (minimum minutes,
        # runs): build the first roster one agent at a time instead.
        inst = built.instance
        if not isinstance(inst, NrpInstance) or not agentwise_applies(inst):
            return None
        return agentwise_roster(
            inst, config, time_limit_s=time_limit_s * AGENTWISE_SHARE, workers=config.workers
        )

    def improver(self, built: BuiltModel, config: SolverConfig) -> Improver | None:
        # Mid-sized models do better with CP-SAT's own search on the whole model.
        inst = built.instance
        if not isinstance(inst, NrpInstance) or works_count(inst) < AGENT_LNS_MIN_WORKS:
            return None

        def improve(
            roster: Roster,
            *,
            deadline: float,
            workers: int,
            on_better: Callable[[int], None],
            stop: Callable[[], bool],
        ) -> tuple[Roster, int]:
            return improve_by_agents(
                inst,
                config,
                roster,
                deadline=deadline,
                workers=workers,
                on_better=on_better,
                stop=stop,
            )

        return improve


NRP = NrpStrategy()
"""The benchmark strategy, ready to pass to :func:`rostering.roster.solver.solve`."""


__all__ = [
    "AGENTWISE_SHARE",
    "AGENT_LNS_MIN_WORKS",
    "NRP",
    "PRICING_MAX_WORKS",
    "RESTRICTED_S",
    "RESTRICTED_STALL_S",
    "NrpStrategy",
]

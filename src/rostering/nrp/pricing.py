"""A lower bound from pricing agents apart: column generation over the day cover.

When the day cover is all that binds agents together (benchmark-style
instances: contract rules and requests per agent, soft cover per day and
shift type), the roster problem splits into one problem per agent, joined
only by the cover rows. Its linear relaxation over each agent's whole set of
feasible rosters (the Dantzig-Wolfe master) is far stronger than the one
CP-SAT builds from the constraints: on Curtois & Qu instance 10 it is the
optimum, 4,631, where CP-SAT's own bound ended at 4,626 after 60 s.

The bound is found by column generation:

1. **Master.** The cheapest mix of each agent's rosters known so far, plus
   cover slacks, that meets every cover row (a linear programme solved by
   HiGHS through SciPy). Its duals put a price on each (day, shift type).
2. **Pricing.** Each agent's cheapest own roster at those prices, on a model
   of that agent alone from the same model builder (CP-SAT, solved exactly).
   Each such roster joins the master, and so does every roster that search
   met on its way (on instance 10 the bound converges in 14 rounds, not 23).
3. **Bound.** Every pricing round gives the Lagrangian bound
   ``price . required + sum of cover slack minima + sum over agents of their
   least priced cost``, valid whatever the prices. It is computed in integers
   (prices rounded to 1/:data:`PRICE_STEPS` of an objective unit), so it is
   exact, never a floating-point estimate.

Prices are smoothed towards the prices of the best bound so far (Wentges
smoothing), which keeps the duals from swinging between rounds; when smoothed
prices find no roster the master's own duals call cheaper (a mispricing),
the next round prices at those duals. The rounds stop when the master's value
shows that no better whole-number bound can come, or when no roster is cheaper
at the master's duals.

The master's last solution also says where good rosters lie: the shifts its
agents' rosters work, day by day. :meth:`CoverPricing.restricted_model` keeps
the whole model to those shifts, a search space small enough for CP-SAT to
find the optimum of Curtois & Qu instance 10 (4,631, the bound, so proven) in
about 6 s on 2 workers, where the whole model's search ended at 4,830-5,039
after 60 s, and the best known roster of instance 9 (439).
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
from ortools.sat.python import cp_model
from scipy.optimize import linprog
from scipy.sparse import coo_matrix

from rostering.nrp.agentwise import agents_instance, agentwise_applies
from rostering.nrp.cover import DayCoverRule
from rostering.nrp.instance import DayCover, NrpInstance
from rostering.nrp.rules import nrp_rules
from rostering.nrp.stretches import WorkStretches
from rostering.roster.cpsat import fixed_copy, roster_values
from rostering.roster.facts import int_weight
from rostering.roster.model import BuiltModel, build_model
from rostering.roster.rules.contract import CONTRACT_RULES, ShiftRequests
from rostering.roster.solution import Roster
from rostering.types import AgentId, ShiftId

log = logging.getLogger(__name__)

PRICE_STEPS = 10
"""Cover prices are rounded to 1/PRICE_STEPS of an objective unit: pricing is in integers."""
SMOOTHING = 0.5
"""Weight of the best bound's prices in the prices of the next round."""
PRICING_S = 1.0
"""Time limit of one agent's pricing model, mostly solved to optimality in milliseconds.
Past it, the model's proven bound counts in the Lagrangian bound (still valid). On
Curtois & Qu instance 9 one agent's model, at one round's prices, took 10 s to prove;
with this limit the bound converges to the same 406 at 24 s rather than 36 s."""

WEIGHT_EPS = 1e-6
"""Columns of at most this weight in the master's solution count as unused."""

_SPLITTABLE = {*CONTRACT_RULES, ShiftRequests, DayCoverRule, WorkStretches}
"""Rule families of one agent each, and the day cover that joins them."""


@dataclass
class _Agent:
    """One agent's own model: its objective, and its ``works`` variable of each cover row."""

    built: BuiltModel
    cost: dict[int, int]
    """Objective coefficients of the agent's own model, by variable index."""
    offset: int
    rows: list[tuple[int, int]]
    """(variable index, cover row) for each ``works`` variable a cover row counts."""


@dataclass
class _Column:
    agent: int
    cost: int
    rows: tuple[int, ...]
    roster: Roster


@dataclass
class _Solution:
    """The restricted master's optimum."""

    value: float
    prices: np.ndarray
    """Dual of each cover row."""
    agent_prices: np.ndarray
    """Dual of each agent's one-roster row."""
    weights: np.ndarray
    """Weight of each column."""


@dataclass
class _Master:
    """The restricted master: known columns, deduplicated."""

    n_agents: int
    required: np.ndarray
    under_cost: np.ndarray
    over_cost: np.ndarray
    under_max: np.ndarray
    over_max: np.ndarray
    columns: list[_Column] = field(default_factory=list)
    seen: dict[tuple[int, tuple[int, ...]], int] = field(default_factory=dict)

    def add(self, column: _Column) -> bool:
        """Add ``column`` unless it is known (a cheaper copy replaces a dearer one)."""
        key = (column.agent, column.rows)
        at = self.seen.get(key)
        if at is None:
            self.seen[key] = len(self.columns)
            self.columns.append(column)
            return True
        if column.cost < self.columns[at].cost:
            self.columns[at] = column
            return True
        return False

    def solve(self) -> _Solution | None:
        """The master's optimum, or None if HiGHS fails."""
        n_rows = len(self.required)
        n_cols = len(self.columns)
        entries_r: list[int] = []
        entries_c: list[int] = []
        for j, col in enumerate(self.columns):
            entries_r.append(col.agent)
            entries_c.append(j)
            for r in col.rows:
                entries_r.append(self.n_agents + r)
                entries_c.append(j)
        eye = np.arange(n_rows)
        rows = np.concatenate([entries_r, self.n_agents + eye, self.n_agents + eye])
        cols = np.concatenate([entries_c, n_cols + eye, n_cols + n_rows + eye])
        vals = np.concatenate([np.ones(len(entries_r)), np.ones(n_rows), -np.ones(n_rows)])
        matrix = coo_matrix(
            (vals, (rows, cols)), shape=(self.n_agents + n_rows, n_cols + 2 * n_rows)
        ).tocsr()
        costs = np.concatenate(
            [[c.cost for c in self.columns], self.under_cost, self.over_cost]
        ).astype(float)
        upper = np.concatenate([np.full(n_cols, np.inf), self.under_max, self.over_max])
        res = linprog(
            costs,
            A_eq=matrix,
            b_eq=np.concatenate([np.ones(self.n_agents), self.required]),
            bounds=np.column_stack([np.zeros(len(costs)), upper]),
            method="highs",
        )
        if res.status != 0:
            log.debug("master linear programme not solved: %s", res.message)
            return None
        duals = np.asarray(res.eqlin.marginals)
        return _Solution(
            value=float(res.fun),
            prices=duals[self.n_agents :],
            agent_prices=duals[: self.n_agents],
            weights=np.asarray(res.x[:n_cols]),
        )

    def improves(self, column: _Column, solution: _Solution) -> bool:
        """Whether ``column`` has a negative reduced cost at ``solution``'s duals."""
        reduced = column.cost - solution.agent_prices[column.agent]
        reduced -= float(solution.prices[list(column.rows)].sum())
        return bool(reduced < -1e-6)


def splits_by_agent(built: BuiltModel) -> bool:
    """Whether the day cover is all that binds agents together in ``built``.

    Every hard rule binds one agent alone, every rule that applies is a
    contract rule of one agent or the day cover, and there is a day cover to
    price.
    """
    inst = built.instance
    if not isinstance(inst, NrpInstance) or not inst.day_cover or not agentwise_applies(inst):
        return False
    return all(type(rule) in _SPLITTABLE or not rule.applies(inst) for rule in built.rules)


class NoBoundError(Exception):
    """Pricing cannot bound this model: its objective does not split by agent, or
    an agent has no roster of their own."""


class CoverPricing:
    """Column generation over agents' own rosters, for a lower bound of ``built``.

    Build it only when :func:`splits_by_agent` holds. :meth:`run` improves the
    bound round by round and hands each better one to ``on_bound`` (in model
    objective units, a whole number).
    """

    def __init__(self, built: BuiltModel) -> None:
        inst = built.instance
        if not isinstance(inst, NrpInstance):
            raise NoBoundError(f"{inst.name}: no day cover to price")
        self.rows = {(row.day, row.shift): r for r, row in enumerate(inst.day_cover)}
        self.agents: list[_Agent] = []
        own_terms: Counter[tuple[str, str, float]] = Counter()
        for agent in inst.agents:
            own = agents_instance(inst, [agent], {}).model_copy(update={"day_cover": []})
            sub = build_model(own, extra_rules=nrp_rules(own, redundant=False))
            objective = sub.model.proto.objective
            rows = [
                (var.index, self.rows[(day, shift)])
                for (_, day, shift), var in sub.vars.items()
                if (day, shift) in self.rows
            ]
            cost = {v: c for v, c in zip(objective.vars, objective.coeffs, strict=True) if c}
            self.agents.append(_Agent(sub, cost, round(objective.offset), rows))
            own_terms.update((t.rule, t.where, t.weight) for t in sub.terms)
        cover_rules = {DayCoverRule.UNDER, DayCoverRule.OVER}
        full_terms = Counter(
            (t.rule, t.where, t.weight) for t in built.terms if t.rule not in cover_rules
        )
        if own_terms != full_terms:
            raise NoBoundError(f"{inst.name}: the objective does not split by agent")
        staff = Counter((day, shift) for (_, day, shift), _ in built.vars.items())
        cover = inst.day_cover
        # The cost of a missing or extra agent is read from the day-cover rule's own
        # terms: a row with no such term costs nothing that way.
        weights = {
            (t.rule, t.where): int_weight(t.weight) for t in built.terms if t.rule in cover_rules
        }

        def slack_cost(kind: str, row: DayCover) -> int:
            return weights.get((kind, DayCoverRule.where(row.day, row.shift)), 0)

        self.master = _Master(
            n_agents=len(self.agents),
            required=np.array([row.required for row in cover], dtype=float),
            under_cost=np.array([slack_cost(DayCoverRule.UNDER, r) for r in cover], dtype=float),
            over_cost=np.array([slack_cost(DayCoverRule.OVER, r) for r in cover], dtype=float),
            under_max=np.array([row.required for row in cover], dtype=float),
            over_max=np.array(
                [max(0, staff[(row.day, row.shift)] - row.required) for row in cover], dtype=float
            ),
        )
        self.built = built
        objective = built.model.proto.objective
        self.step = math.gcd(*(int(c) for c in objective.coeffs)) or 1
        """Every roster's objective is ``offset`` plus a multiple of this: bounds round up to it."""
        self.objective_offset = round(objective.offset)
        self.best: int | None = None
        self.solution: _Solution | None = None
        """The master's last optimum."""
        self.stop = threading.Event()
        self._solvers: set[cp_model.CpSolver] = set()
        self._lock = threading.Lock()
        self._offered: list[Roster] = []

    def offer(self, roster: Roster) -> None:
        """A whole roster whose agents' rosters join the master at the next round.

        A roster found by the search beside gives the master columns that cover
        the day rows together, which the first rounds of pricing, each agent
        chasing the same dear rows, take many rounds to find.
        """
        with self._lock:
            self._offered.append(dict(roster))

    def _take_offered(self) -> list[_Column]:
        """The columns of the rosters offered since the last round (their agents' own
        costs read by a fixed solve of each agent's model)."""
        with self._lock:
            offered, self._offered = self._offered, []
        columns: list[_Column] = []
        for roster in offered:
            for a, agent in enumerate(self.agents):
                if self.stop.is_set():
                    return columns
                own = agent.built
                fixed = fixed_copy(own, roster_values(own, roster))
                solver = cp_model.CpSolver()
                solver.parameters.num_workers = 1
                solver.parameters.max_time_in_seconds = PRICING_S
                found = _Rosters(self, a)
                if solver.solve(fixed, found) in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                    columns.extend(found.columns[-1:])
        return columns

    def halt(self) -> None:
        """Stop :meth:`run`, the agents' models being priced included."""
        self.stop.set()
        with self._lock:
            for solver in self._solvers:
                solver.stop_search()

    def _round_up(self, value: float | int) -> int:
        """The least objective a roster can have at or above ``value``."""
        steps = math.ceil((value - self.objective_offset) / self.step - 1e-9)
        return self.objective_offset + steps * self.step

    def _slack_minimum(self, prices: np.ndarray) -> int:
        """Least priced cost of the cover slacks, in objective units x PRICE_STEPS."""
        m = self.master
        total = 0
        for r, price in enumerate(prices.tolist()):
            under = int(m.under_cost[r]) * PRICE_STEPS - price
            over = int(m.over_cost[r]) * PRICE_STEPS + price
            total += min(0, under) * int(m.under_max[r]) + min(0, over) * int(m.over_max[r])
        return total

    def _price(self, a: int, prices: np.ndarray, seconds: float) -> tuple[int, list[_Column]]:
        """Agent ``a``'s least priced cost (x PRICE_STEPS, a valid lower bound) and rosters.

        The rosters are every one the search for the cheapest found on its way,
        the cheapest last: more columns for the master at no extra cost.
        """
        agent = self.agents[a]
        coef = {v: c * PRICE_STEPS for v, c in agent.cost.items()}
        for var, r in agent.rows:
            coef[var] = coef.get(var, 0) - int(prices[r])
        model = agent.built.model
        keys = [v for v, c in coef.items() if c]
        model.minimize(
            cp_model.LinearExpr.weighted_sum(
                [model.get_int_var_from_proto_index(v) for v in keys], [coef[v] for v in keys]
            )
        )
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.max_time_in_seconds = max(0.05, seconds)
        with self._lock:
            if self.stop.is_set():
                return 0, []
            self._solvers.add(solver)
        found = _Rosters(self, a)
        try:
            status = solver.solve(model, found)
        finally:
            with self._lock:
                self._solvers.discard(solver)
        if status == cp_model.INFEASIBLE:
            raise NoBoundError(f"agent {agent.built.instance.agents[0].id} has no feasible roster")
        offset = agent.offset * PRICE_STEPS
        if status == cp_model.OPTIMAL:
            least = round(solver.objective_value) + offset
        else:
            least = math.ceil(solver.best_objective_bound - 1e-6) + offset
        return least, found.columns

    def restricted_model(self) -> cp_model.CpModel | None:
        """The whole model kept to the shifts of the rosters the master uses.

        Each agent may work, on each day, only a shift that one of their rosters
        with weight in the master's last solution works that day; the search
        starts from each agent's weightiest roster. Every agent keeps at least one
        whole roster of their own, so the model has a roster. None before the
        master has been solved.
        """
        if self.solution is None:
            return None
        weights = self.solution.weights
        shifts: dict[tuple[AgentId, int], set[ShiftId]] = {}
        heaviest: dict[int, tuple[float, _Column]] = {}
        # (starting from an offered roster instead, when it is cheaper, was measured
        # worse: on Curtois & Qu instance 11 the search then stalls at 3,545, where
        # from the weightiest rosters it finds the optimum, 3,443)
        for col, weight in zip(self.master.columns, weights.tolist(), strict=False):
            if weight <= WEIGHT_EPS:
                continue
            for key, shift in col.roster.items():
                shifts.setdefault(key, set()).add(shift)
            if weight > heaviest.get(col.agent, (0.0, col))[0]:
                heaviest[col.agent] = (weight, col)
        hint: Roster = {}
        for _, col in heaviest.values():
            hint.update(col.roster)
        built = self.built
        barred = {
            var.index: 0
            for (agent, day, shift), var in built.vars.items()
            if shift not in shifts.get((agent, day), ())
        }
        log.debug("restricted model: %d works variables barred", len(barred))
        return fixed_copy(built, barred, roster_values(built, hint))

    def run(
        self,
        *,
        deadline: float,
        on_bound: Callable[[int], None],
        workers: int = 1,
        hand_over: float | None = None,
    ) -> int | None:
        """Rounds of pricing until the bound can rise no more, :meth:`halt` or ``deadline``.

        ``workers`` agents are priced at once, each on a thread of its own (CP-SAT
        leaves the interpreter while it solves). With ``hand_over``, no round starts
        after that time, so the master's columns are handed on while time is left
        to search them. Returns the best bound (model objective units), None when
        not one round ended.
        """
        m = self.master
        lp_prices = np.zeros(len(m.required))
        centre = lp_prices
        smoothing = 0.0
        rounds = 0
        last_start = deadline if hand_over is None else min(deadline, hand_over)
        with ThreadPoolExecutor(max(1, workers), thread_name_prefix="pricing") as pool:
            while not self.stop.is_set() and time.perf_counter() < last_start:
                prices = np.rint((smoothing * centre + (1 - smoothing) * lp_prices) * PRICE_STEPS)
                priced = self._round(pool, prices, deadline)
                if priced is None:
                    return self.best  # cut short: the round's total is no bound
                least, improving = priced
                total = int(prices @ m.required) + self._slack_minimum(prices) + least
                rounds += 1
                bound = self._round_up(-(-total // PRICE_STEPS))
                if self.best is None or bound > self.best:
                    self.best = bound
                    centre = prices / PRICE_STEPS
                    on_bound(bound)
                solved = m.solve()
                if solved is None:
                    return self.best
                self.solution = solved
                lp_prices = solved.prices
                log.debug(
                    "pricing round %d: master %.2f, bound %d", rounds, solved.value, self.best
                )
                if self.best >= self._round_up(solved.value - 1e-6):
                    break  # the master's value caps every bound still to come
                if not improving and smoothing == 0.0:
                    break  # converged: at the master's own duals no roster is cheaper
                # Smoothed prices that find no roster the master's duals call cheaper
                # (a mispricing) give way to those duals for the next round.
                smoothing = SMOOTHING if improving else 0.0
        log.info("cover pricing: bound %s after %d rounds", self.best, rounds)
        return self.best

    def _round(
        self, pool: ThreadPoolExecutor, prices: np.ndarray, deadline: float
    ) -> tuple[int, bool] | None:
        """Price every agent at ``prices``: (sum of their least priced costs, whether a
        new column prices out at the master's last duals), or None when cut short."""
        m = self.master
        last = self.solution  # the master's duals before this round's columns
        seeded = self._take_offered()
        for column in seeded:
            m.add(column)
        if seeded:
            log.debug("pricing: %d columns from rosters the search found", len(seeded))

        def price(a: int) -> tuple[int, list[_Column]] | None:
            left = deadline - time.perf_counter()
            if self.stop.is_set() or left <= 0:
                return None
            return self._price(a, prices, min(PRICING_S, left))

        results = list(pool.map(price, range(len(self.agents))))
        if self.stop.is_set() or any(r is None for r in results):
            return None
        total, improving = 0, bool(seeded)
        for result in results:
            assert result is not None
            least, columns = result
            total += least
            for column in columns:
                if m.add(column):
                    improving |= last is None or m.improves(column, last)
        return total, improving


class _Rosters(cp_model.CpSolverSolutionCallback):
    """Each roster an agent's pricing search finds, as a column."""

    def __init__(self, pricing: CoverPricing, a: int) -> None:
        super().__init__()
        self.agent = pricing.agents[a]
        self.a = a
        self.columns: list[_Column] = []

    def on_solution_callback(self) -> None:
        agent = self.agent
        values = self.response_proto.solution
        cost = agent.offset + sum(c * values[v] for v, c in agent.cost.items())
        rows = tuple(sorted(r for var, r in agent.rows if values[var]))
        self.columns.append(_Column(self.a, cost, rows, agent.built.vars.extract(self)))


class PricingThread(threading.Thread):
    """:class:`CoverPricing` beside the search.

    Each better bound is handed to ``on_bound``; once the bound rises no more (or
    at ``hand_over``), the model of :meth:`CoverPricing.restricted_model` to
    ``on_converged``, which searches it in this thread. ``workers`` agents are
    priced at once.
    """

    def __init__(
        self,
        built: BuiltModel,
        deadline: float,
        on_bound: Callable[[int], None],
        on_converged: Callable[[cp_model.CpModel], None] | None = None,
        *,
        workers: int = 1,
        hand_over: float | None = None,
    ) -> None:
        super().__init__(daemon=True, name="cover-pricing")
        self.built = built
        self.deadline = deadline
        self.workers = workers
        self.hand_over = hand_over
        self.on_bound = on_bound
        self.on_converged = on_converged
        self.halted = threading.Event()
        self.pricing: CoverPricing | None = None
        self.bound: int | None = None
        self.error: BaseException | None = None
        """Raised by ``on_bound`` (a cancelled run): re-raised by the search."""
        self._offer_lock = threading.Lock()
        self._early: list[Roster] = []

    def run(self) -> None:
        try:
            pricing = CoverPricing(self.built)
            with self._offer_lock:
                for roster in self._early:
                    pricing.offer(roster)
                self.pricing = pricing
            if self.halted.is_set():
                return
            self.bound = self.pricing.run(
                deadline=self.deadline,
                on_bound=self.on_bound,
                workers=self.workers,
                hand_over=self.hand_over,
            )
            if (
                self.on_converged is not None
                and not self.halted.is_set()
                and time.perf_counter() < self.deadline
                and (model := self.pricing.restricted_model()) is not None
            ):
                self.on_converged(model)
        except NoBoundError as exc:
            log.info("no cover-pricing bound: %s", exc)
        except BaseException as exc:  # handed to the searching thread
            self.error = exc

    def offer(self, roster: Roster) -> None:
        """See :meth:`CoverPricing.offer`; kept until pricing has started."""
        with self._offer_lock:
            if self.pricing is None:
                self._early.append(dict(roster))
                return
        self.pricing.offer(roster)

    def finish(self) -> None:
        """Stop pricing and wait for the round in progress (one agent's model) to end."""
        self.halted.set()
        if self.pricing is not None:
            self.pricing.halt()
        self.join()
        if self.error is not None:
            raise self.error


__all__ = [
    "PRICE_STEPS",
    "PRICING_S",
    "SMOOTHING",
    "WEIGHT_EPS",
    "CoverPricing",
    "NoBoundError",
    "PricingThread",
    "splits_by_agent",
]

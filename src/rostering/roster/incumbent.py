"""The best roster and bound found so far, and one CP-SAT search that reports to them.

Every search of :mod:`rostering.roster.search` (the whole model, a roster to
complete, a neighbourhood, the bounding thread, a strategy's restricted
model) runs through :func:`run_search`, which hands each better roster and
bound to the shared :class:`Tracker`; the tracker reports progress and stops
every search under way once the best roster is proven optimal.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from ortools.sat.python import cp_model

from rostering.roster.config import Progress, ProgressFn, SolverConfig, StopSearch
from rostering.roster.cpsat import fixed_copy
from rostering.roster.facts import SCALE
from rostering.roster.model import BuiltModel
from rostering.roster.solution import relative_gap

OPTIMAL_OR_FEASIBLE = (cp_model.OPTIMAL, cp_model.FEASIBLE)


WATCH_TICK_S = 0.1
"""How often a search with a give-up or stall time is looked at."""


@dataclass
class Incumbent:
    """A roster as a full assignment of the model's variables, with its model objective."""

    solver: cp_model.CpSolver
    values: list[int]
    objective: int
    """In objective units (fen), as the model counts it."""
    optimal: bool = False
    """Whether the (sub-)model it came from was solved to optimality."""


class Tracker:
    """Best objective and bound so far, reported through the progress callback."""

    def __init__(self, progress: ProgressFn | None, started: float) -> None:
        self.progress = progress
        self.started = started
        self.objective: int | None = None
        self.bound = 0.0  # every term is non-negative: 0 is a valid bound
        self.count = 0
        self.last_bound_report = 0.0
        self.reported_bound = 0.0
        self.lock = threading.Lock()
        self.running: set[cp_model.CpSolver] = set()
        """Searches under way: stopped as soon as the best roster meets the bound."""
        self.aside: Incumbent | None = None
        """The best roster found beside the search (by cover pricing), if better."""
        self.closed = False
        """Set when the search has ended: what runs beside it stops, none starts."""
        self.stopped: StopSearch | None = None
        """Set when the progress callback asked to stop (:class:`StopSearch`): every
        search under way ends with its best roster, and none starts."""

    @property
    def settled(self) -> bool:
        """Whether the best roster found is proven optimal: no search need start."""
        with self.lock:
            return self._proven()

    def close(self) -> None:
        """Stop the searches still running beside an ended search; start no more."""
        with self.lock:
            self.closed = True
            for solver in self.running:
                solver.stop_search()

    def _proven(self) -> bool:  # under the lock
        # A stopped search is over as a proven one is: no search goes on or starts.
        if self.stopped is not None:
            return True
        return self.objective is not None and self.objective <= self.bound

    def solution(self, objective: int) -> None:
        with self.lock:
            if self.objective is not None and objective >= self.objective:
                return
            self.objective = objective
            self.count += 1
            self._report()
            self._stop_if_proven()

    def new_bound(self, bound: float, *, final: bool = False) -> None:
        """Record a better bound; report it at most once a second (the solver waits)."""
        with self.lock:
            self.bound = max(self.bound, bound)
            now = time.perf_counter()
            due = final or now - self.last_bound_report >= 1.0
            if self.objective is not None and due and self.bound > self.reported_bound:
                self.last_bound_report = now
                self._report()
            self._stop_if_proven()

    def _stop_if_proven(self) -> None:
        # Under the lock. A bound from outside a search (cover pricing) can prove
        # the roster a search has just found: no search need go on.
        if self._proven():
            for solver in self.running:
                solver.stop_search()

    def gap(self) -> float:
        """The relative gap of the best roster; 0 once a stop was asked (no search goes on)."""
        with self.lock:
            if self.stopped is not None:
                return 0.0
            if self.objective is None:
                return float("inf")
            return relative_gap(self.objective, min(self.bound, self.objective))

    def _report(self) -> None:  # under the lock
        if self.progress is None or self.objective is None or self.stopped is not None:
            return
        self.reported_bound = self.bound
        try:
            self.progress(
                Progress(
                    objective=self.objective / SCALE,
                    bound=min(self.bound, self.objective) / SCALE,
                    elapsed_s=time.perf_counter() - self.started,
                    solutions=self.count,
                )
            )
        except StopSearch as stop:
            # Asked to stop (a cancelled run): end every search with the best roster.
            self.stopped = stop
            for solver in self.running:
                solver.stop_search()


class SolutionCallback(cp_model.CpSolverSolutionCallback):
    def __init__(self, tracker: Tracker, *, full: bool = False) -> None:
        super().__init__()
        self.tracker = tracker
        self.full = full
        self.found = 0
        self.last = time.perf_counter()
        """When the last roster was found."""

    def on_solution_callback(self) -> None:
        self.found += 1
        self.last = time.perf_counter()
        if self.full:
            self.tracker.new_bound(self.best_objective_bound)
        self.tracker.solution(round(self.objective_value))


def run_search(
    model: cp_model.CpModel,
    config: SolverConfig,
    tracker: Tracker,
    *,
    time_limit_s: float,
    workers: int,
    full: bool = False,
    linearization_level: int | None = None,
    give_up_s: float | None = None,
    stall_s: float | None = None,
    first_only: bool = False,
) -> Incumbent | None:
    """Solve ``model``; only a ``full`` model's bound is a bound of the roster problem.

    With ``give_up_s`` the search stops at that time if it has found no roster
    yet; with ``stall_s`` once it has found none better for that long; with
    ``first_only`` at the first roster.
    """
    if tracker.settled:
        return None  # a roster found beside this search is proven optimal
    solver = cp_model.CpSolver()
    config.apply(solver, time_limit_s=time_limit_s, workers=workers)
    solver.parameters.stop_after_first_solution = first_only
    if linearization_level is not None:
        solver.parameters.linearization_level = linearization_level
    # The bound of a full model is read at each roster found: a best-bound callback
    # measurably changes CP-SAT's search on whole models (regional site: 320k
    # instead of 200k after 60 s).
    callback = SolutionCallback(tracker, full=full)
    with tracker.lock:
        if tracker.closed:
            return None  # the search this one ran beside has ended
        tracker.running.add(solver)
    done = threading.Event()

    def watch() -> None:
        started = time.perf_counter()
        while not done.wait(WATCH_TICK_S):
            now = time.perf_counter()
            if callback.found:
                over = stall_s is not None and now - callback.last >= stall_s
            else:
                over = give_up_s is not None and now - started >= give_up_s
            if over:
                solver.stop_search()

    watcher: threading.Thread | None = None
    if (give_up_s is not None and give_up_s < time_limit_s) or stall_s is not None:
        watcher = threading.Thread(target=watch, daemon=True, name="search-watch")
        watcher.start()
    try:
        status = solver.solve(model, callback)
    finally:
        done.set()
        with tracker.lock:
            tracker.running.discard(solver)
        if watcher is not None:
            watcher.join()
    if status not in OPTIMAL_OR_FEASIBLE:
        return None
    values = list(solver.response_proto.solution)
    return Incumbent(solver, values, round(solver.objective_value), status == cp_model.OPTIMAL)


class BoundThread(threading.Thread):
    """The full model searched from the incumbent: its bound is the one reported."""

    def __init__(self, built: BuiltModel, config: SolverConfig, tracker: Tracker) -> None:
        super().__init__(daemon=True)
        # Its job is the bound: no hint (a hint steers its first descent, not its LP).
        self.model = fixed_copy(built, {})
        self.solver = cp_model.CpSolver()
        self.config = config
        self.tracker = tracker
        self.status: cp_model.CpSolverStatus | None = None
        self.time_limit_s = 0.0
        self.error: BaseException | None = None
        """Raised by the progress callback (a cancelled run): re-raised by the search."""

    def run(self) -> None:
        self.config.apply(self.solver, time_limit_s=self.time_limit_s, workers=1)
        # A richer linear relaxation and the tree search that raises the lower bound:
        # a slower start, a much better bound on site models (M: 442.9k against
        # 435.8k with the defaults after 60 s).
        self.solver.parameters.linearization_level = 2
        self.solver.parameters.optimize_with_lb_tree_search = True
        self.solver.best_bound_callback = self.tracker.new_bound
        try:
            self.status = self.solver.solve(self.model, SolutionCallback(self.tracker))
            if self.status in OPTIMAL_OR_FEASIBLE:
                self.tracker.new_bound(self.solver.best_objective_bound, final=True)
        except BaseException as exc:  # handed to the searching thread
            self.error = exc

    def result(self) -> Incumbent | None:
        if self.status not in OPTIMAL_OR_FEASIBLE:
            return None
        return Incumbent(
            self.solver,
            list(self.solver.response_proto.solution),
            round(self.solver.objective_value),
        )


__all__ = [
    "OPTIMAL_OR_FEASIBLE",
    "WATCH_TICK_S",
    "BoundThread",
    "Incumbent",
    "SolutionCallback",
    "Tracker",
    "run_search",
]

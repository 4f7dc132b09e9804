"""The roster engine on the Curtois & Qu shift scheduling benchmark.

Usage::

    python benchmarks/curtois.py [--time-limit SECONDS] [--instances 1 2 3 ...]
                                 [--workers N] [--data DIR] [--synthetic DAYSxEMPxTYPES]
                                 [--search engine|direct] [--subsolvers NAME,NAME|default]

Each instance is read by :mod:`rostering.nrp.curtois`, built by the same
model builder as every scenario (:func:`rostering.roster.model.build_model`, with the
benchmark's rules of :mod:`rostering.nrp.rules`)
and solved under a time limit. The objective printed is recomputed by the
solver-free evaluator, which must agree with the solver; every hard
constraint is re-checked. Data: ``--data``, else ``ROSTERING_CURTOIS_DIR``,
else ``../shared/benchmarks/curtois/txt`` beside the repository.

``--synthetic 364x150x32`` instead builds a random instance of that size (the
size of the largest benchmark instances) and reports the same columns, to
show the engine builds and returns a roster at that scale.

Each instance is read and solved in a freshly spawned process of its own; its
row prints that process's peak resident memory (``VmHWM``), so a row's figure
is its own instance's.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import logging
import math
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

from ortools.sat.python import cp_model

from rostering.domain.shifts import DayType
from rostering.nrp.curtois import (
    START,
    benchmark_objective,
    benchmark_violations,
    load_instance,
)
from rostering.nrp.instance import DayCover, NrpInstance
from rostering.nrp.rules import nrp_model
from rostering.nrp.strategy import NRP
from rostering.roster.config import SolverConfig
from rostering.roster.facts import SCALE
from rostering.roster.instance import (
    AgentSpec,
    Contract,
    RosterInstance,
    ShiftRequest,
    ShiftType,
    Weights,
)
from rostering.roster.solver import solve
from rostering.types import AgentId, ShiftId

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from peak_memory import in_child  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "benchmarks" / "curtois" / "txt"


def data_dir(option: str | None) -> Path:
    """--data, else $ROSTERING_CURTOIS_DIR, else the shared folder beside the repository."""
    if option:
        return Path(option)
    env = os.environ.get("ROSTERING_CURTOIS_DIR")
    return Path(env) if env else DEFAULT_DATA


def best_known(folder: Path) -> dict[str, int]:
    """Best-known objective per instance name from best_known.csv (its upper bound)."""
    path = folder / "best_known.csv"
    if not path.exists():
        path = folder.parent / "best_known.csv"
    if not path.exists():
        return {}
    with path.open(newline="") as fh:
        return {row["instance"]: int(row["nursescheduler_2023_ub"]) for row in csv.DictReader(fh)}


def synthetic(days: int, employees: int, types: int, *, seed: int = 0) -> RosterInstance:
    """A random instance shaped like the benchmark's largest ones (feasible by design).

    Contracts, requests and cover follow the ranges seen in the benchmark
    files: 480-720 minute shifts, 3-6 days in a row, weekends capped, about
    a tenth of the days with a request and two days off per four weeks.
    """
    rng = random.Random(seed)
    weeks = days // 7
    shifts = []
    for i in range(types):
        follow = [ShiftId(f"S{j}") for j in range(i) if rng.random() < 0.3]
        length = rng.choice((480, 600, 720))
        shifts.append(
            ShiftType(
                id=ShiftId(f"S{i}"),
                start_minute=0,
                length_minutes=length,
                paid_minutes=length,
                cannot_follow=follow,
            )
        )
    agents = []
    for e in range(employees):
        allowed = rng.sample([s.id for s in shifts], k=max(1, min(types, rng.randint(1, 4))))
        limits = {s.id: (days if s.id in allowed else 0) for s in shifts}
        agents.append(
            AgentSpec(
                id=AgentId(f"E{e}"),
                shifts=allowed,
                contract=Contract(
                    max_shifts=limits,
                    max_total_minutes=days * 480 * 5 // 7,
                    min_total_minutes=days * 480 * 3 // 7,
                    max_consecutive_days=rng.randint(4, 6),
                    min_consecutive_days=rng.randint(1, 2),
                    min_consecutive_days_off=rng.randint(1, 2),
                    max_weekends=max(1, weeks * 2 // 3),
                ),
                days_off=sorted(rng.sample(range(days), k=max(1, days // 14))),
            )
        )
    requests = []
    for agent in agents:
        for d in rng.sample(range(days), k=max(1, days // 10)):
            requests.append(
                ShiftRequest(
                    agent=agent.id,
                    day=d,
                    shift=rng.choice(agent.shifts),
                    want=rng.random() < 0.7,
                    weight=rng.randint(1, 3),
                )
            )
    per_shift = max(1, employees * 4 // (7 * types))
    cover = [
        DayCover(
            day=d,
            shift=s.id,
            required=rng.randint(0, per_shift),
            weight_under=100,
            weight_over=1,
        )
        for d in range(days)
        for s in shifts
    ]
    return NrpInstance(
        name=f"synthetic-{days}x{employees}x{types}",
        start=START,
        n_days=days,
        day_types=[
            DayType.WEEKEND if (START + dt.timedelta(days=d)).weekday() >= 5 else DayType.WORKDAY
            for d in range(days)
        ],
        shifts=shifts,
        agents=agents,
        day_cover=cover,
        requests=requests,
        weights=Weights(request_unit=1.0, labour_cost=0.0),
    )


def run(instance: RosterInstance, config: SolverConfig, search: str = "engine") -> dict[str, Any]:
    """Solve one instance; the row of the table.

    ``search``: "engine" runs :func:`rostering.roster.solver.solve` with the
    benchmark strategy (:data:`rostering.nrp.NRP`) plugged into the search
    every scenario gets (:mod:`rostering.roster.search`: the whole model for
    small models; for large ones a first roster, built agent by agent when
    the constructive one breaks a contract, improved by day-window
    neighbourhoods beside a bounding thread); "direct" runs plain CP-SAT on
    the built model.
    The default ``config.subsolvers`` ["max_lp"] with two workers runs one
    full-problem search with the full linear relaxation beside one thread of
    CP-SAT's neighbourhood searches (measured better than adding the
    lower-bound tree search as a third worker: see the README).
    """
    started = time.perf_counter()
    row: dict[str, Any] = {"instance": instance.name}
    if search == "engine":
        solution = solve(instance, config, strategy=NRP)
        row["time"] = time.perf_counter() - started
        row["status"] = solution.status.value.upper()
        if solution.objective is None:
            return row
        schedule = {(a.agent, a.day): a.shift for a in solution.assignments}
        solver_value = round(solution.objective)
        lower = solution.best_bound
    else:
        built = nrp_model(instance)
        solver = cp_model.CpSolver()
        config.apply(solver)
        code = solver.solve(built.model)
        row["time"] = time.perf_counter() - started
        row["status"] = solver.status_name(code)
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return row
        lower = solver.best_objective_bound / SCALE
        schedule = built.vars.extract(solver)
        solver_value = round(solver.objective_value / SCALE)
    hard = benchmark_violations(instance, schedule)
    evaluated = benchmark_objective(instance, schedule)
    if hard or evaluated != solver_value:
        raise SystemExit(
            f"{instance.name}: evaluator disagrees with the solver "
            f"(objective {evaluated} vs {solver_value}, {len(hard)} hard violations)"
        )
    row["objective"] = evaluated
    # Every cost is a whole number: a fractional bound rounds up.
    row["bound"] = min(evaluated, math.ceil((lower or 0.0) - 1e-6))
    return row


def run_source(
    kind: str,
    source: Path | tuple[int, int, int, int],
    config: SolverConfig,
    search: str,
) -> dict[str, Any]:
    """Read (or generate) one instance and solve it: run in a process of its own.

    ``kind`` "file": ``source`` is an InstanceN.txt path; "synthetic": ``source``
    is (days, employees, shift types, seed) for :func:`synthetic`.
    """
    logging.basicConfig(level=logging.WARNING)
    if kind == "synthetic":
        assert isinstance(source, tuple)
        days, employees, types, seed = source
        instance = synthetic(days, employees, types, seed=seed)
    else:
        instance = load_instance(Path(str(source)))
    return run(instance, config, search)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--time-limit", type=float, default=60.0, help="seconds per instance")
    parser.add_argument("--instances", type=int, nargs="+", default=list(range(1, 11)))
    parser.add_argument("--workers", type=int, default=2, help="CP-SAT worker threads")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--search", choices=("engine", "direct"), default="engine")
    parser.add_argument(
        "--subsolvers",
        default="max_lp",
        help="comma-separated CP-SAT full-problem workers of the whole-model searches "
        "(CP-SAT names), or 'default' for CP-SAT's own choice",
    )
    parser.add_argument("--data", default=None, help="folder of InstanceN.txt files")
    parser.add_argument("--synthetic", default=None, help="DAYSxEMPLOYEESxTYPES, e.g. 364x150x32")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)

    config = SolverConfig(
        time_limit_s=args.time_limit,
        workers=args.workers,
        seed=args.seed,
        subsolvers=[] if args.subsolvers == "default" else args.subsolvers.split(","),
    )
    folder = data_dir(args.data)
    known = best_known(folder)
    sources: list[tuple[str, Path | tuple[int, int, int, int]]]
    if args.synthetic:
        days, employees, types = (int(x) for x in args.synthetic.lower().split("x"))
        sources = [("synthetic", (days, employees, types, args.seed))]
    else:
        if not folder.is_dir():
            print(f"no benchmark data at {folder}; use --data or ROSTERING_CURTOIS_DIR")
            return 2
        sources = [("file", folder / f"Instance{n}.txt") for n in args.instances]
        missing = [str(path) for _, path in sources if not Path(str(path)).is_file()]
        if missing:
            print(f"no such benchmark file: {', '.join(missing)}")
            return 2

    print(
        f"Curtois & Qu benchmark: {args.time_limit:g} s per instance, {args.workers} workers, "
        f"seed {args.seed}, search {args.search} ({args.subsolvers}); each instance in its "
        "own process, peak memory its resident high-water mark (VmHWM)"
    )
    header = f"{'instance':<12} {'status':<9} {'objective':>9} {'bound':>9} {'best':>7} "
    header += f"{'gap':>8} {'time s':>7} {'peak MB':>8}"
    print(header)
    for kind, source in sources:
        row, peak = in_child(run_source, kind, source, config, args.search)
        best = known.get(row["instance"])
        objective = row.get("objective")
        gap = "-"
        if isinstance(objective, int) and best:
            gap = f"{100 * (objective - best) / best:.2f}%"
        print(
            f"{row['instance']!s:<12} {row['status']!s:<9} {row.get('objective', '-')!s:>9} "
            f"{row.get('bound', '-')!s:>9} {best if best is not None else '-'!s:>7} "
            f"{gap:>8} {row['time']:7.1f} {peak:8,.0f}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

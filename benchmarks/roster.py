"""Benchmark the CP-SAT roster engine on generated sites.

    python benchmarks/roster.py [--sizes S M L] [--time-limit SECONDS] [--workers N]

S: the reference project (scenarios/reference-online) cut to one week, sized
and compiled like the pipeline does. M-site: scenarios/site-m (the sibling of M
with volumes and handling times), rostered on per-channel sizing and on pooled
sizing corrected by simulation; prints labour, simulated service, the share of
open intervals meeting their targets, and the saving. M: 150 agents, 4 weeks, 30-minute
intervals, three channels, shifts A/B and staggered templates. L: 1,000
agents, one week. Prints status, objective, best bound, gap, the time to the
first roster (from the call to ``solve``, model building included) and the
wall time, and whether the validator accepts the roster. The bound is the full
model's best objective bound from CP-SAT, a true lower bound of the objective,
so the gap is honest. Timings depend on the machine and its load: run it on an
otherwise idle machine for figures to compare.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from rostering.domain.agents import Role  # noqa: E402
from rostering.domain.calendar import Calendar, CalendarSpec  # noqa: E402
from rostering.domain.channels import ChannelKind  # noqa: E402
from rostering.domain.patterns import PatternKind  # noqa: E402
from rostering.domain.pay import PayRules  # noqa: E402
from rostering.domain.shifts import DayType  # noqa: E402
from rostering.domain.standby import StandbyRules  # noqa: E402
from rostering.roster.config import Progress, SolverConfig  # noqa: E402
from rostering.roster.instance import (  # noqa: E402
    AgentSpec,
    ChannelSpec,
    IntervalNeed,
    RosterInstance,
    ShiftType,
    Weights,
)
from rostering.roster.solver import solve  # noqa: E402
from rostering.roster.validation import validate  # noqa: E402
from rostering.types import AgentId, ChannelId, ShiftId  # noqa: E402

INBOUND, CHAT, OUTBOUND = ChannelId("inbound"), ChannelId("chat"), ChannelId("outbound")
ALL_DAYS = {kind: [INBOUND, CHAT, OUTBOUND] for kind in DayType}


def small() -> RosterInstance:
    """The reference project, one week, through demand, sizing and compile."""
    from rostering.io import load_scenario
    from rostering.pipeline import size_scenario
    from rostering.roster.compile import compile_instance

    scenario = load_scenario(ROOT / "scenarios" / "reference-online")
    horizon = scenario.horizon.model_copy(update={"days": 7})
    scenario = scenario.model_copy(update={"horizon": horizon})
    return compile_instance(scenario, size_scenario(scenario))


def _shift(
    name: str, start_h: float, hours: float, channels: dict[DayType, list[ChannelId]]
) -> ShiftType:
    start = round(start_h * 60)
    length = round(hours * 60)
    return ShiftType(
        id=ShiftId(name),
        start_minute=start,
        length_minutes=length,
        paid_minutes=length - 60,
        meal_minutes=60,
        meal_earliest=150,
        meal_latest=270,
        channels=channels,
    )


def generated(n_agents: int, n_days: int, *, seed: int = 7) -> RosterInstance:
    """A site of ``n_agents`` front-line agents over ``n_days`` from 2026-09-28."""
    rng = random.Random(seed)
    start = dt.date(2026, 9, 28)
    cal = Calendar(CalendarSpec())
    dates = [start + dt.timedelta(days=d) for d in range(n_days)]
    day_types = [cal.day_type(d) for d in dates]
    step = 30
    per_day = 24 * 60 // step
    shifts = [
        _shift("A", 9, 12, ALL_DAYS),
        _shift(
            "B",
            9,
            9,
            {DayType.WORKDAY: [OUTBOUND, INBOUND], DayType.WEEKEND: [], DayType.HOLIDAY: []},
        ),
        _shift("E", 7.5, 9, ALL_DAYS),
        _shift("M", 10, 9, ALL_DAYS),
        _shift("L", 13, 9, ALL_DAYS),
    ]
    pay = PayRules()
    agents: list[AgentSpec] = []
    skill_sets = [[INBOUND, CHAT], [INBOUND, CHAT, OUTBOUND], [CHAT], [OUTBOUND, INBOUND]]
    for i in range(n_agents):
        one_one = i % 5 == 0
        kind = PatternKind.ONE_ON_ONE_OFF if one_one else PatternKind.FIVE_ON_TWO_OFF
        eligible = ["A"] if one_one else rng.sample(["B", "E", "M", "L"], 2)
        agents.append(
            AgentSpec(
                id=AgentId(f"G{i:04d}"),
                pattern=kind,
                shifts=[ShiftId(s) for s in eligible],
                skills=skill_sets[i % len(skill_sets)],
                history=rng.choice(["W", "O"]) if one_one else "",
                days_off_allowed=None,
                daily_rate=pay.daily_rate(2800, kind),
                overtime_hourly=pay.overtime_hourly(2800, kind),
                contract_minutes=round(pay.contract_hours(kind) * 60),
            )
        )
    n_sup = max(1, math.ceil(n_agents / 15))
    for i in range(n_sup):
        agents.append(AgentSpec(id=AgentId(f"S{i:03d}"), role=Role.SUPERVISOR, shifts=[]))
    for i in range(max(1, n_agents // 20)):
        agents.append(
            AgentSpec(id=AgentId(f"K{i:03d}"), role=Role.BACKUP, shifts=[], skills=[INBOUND, CHAT])
        )
    # Intraday curves: share of the floor each channel needs, by hour.
    needs: list[IntervalNeed] = []
    on_floor = n_agents * 0.62  # agents on duty per day, roughly
    for d in range(n_days):
        rest = day_types[d] is not DayType.WORKDAY
        for slot in range(per_day):
            hour = slot * step / 60
            if not 8 <= hour < 22:
                continue
            curve = math.exp(-(((hour - 11.5) / 2.5) ** 2)) + 0.8 * math.exp(
                -(((hour - 16) / 3) ** 2)
            )
            scale = 0.6 if rest else 1.0
            for channel, share in ((INBOUND, 0.45), (CHAT, 0.25), (OUTBOUND, 0.15)):
                required = round(on_floor * share * curve * scale)
                if channel is OUTBOUND and not 9 <= hour < 18:
                    continue
                if required > 0:
                    needs.append(
                        IntervalNeed(slot=d * per_day + slot, channel=channel, required=required)
                    )
    return RosterInstance(
        name=f"generated-{n_agents}x{n_days}",
        start=start,
        n_days=n_days,
        interval_minutes=step,
        day_types=day_types,
        channels=[
            ChannelSpec(id=INBOUND, kind=ChannelKind.INBOUND, priority=3.0),
            ChannelSpec(id=CHAT, kind=ChannelKind.CHAT, priority=2.0),
            ChannelSpec(id=OUTBOUND, kind=ChannelKind.OUTBOUND, priority=1.0, window_slots=8),
        ],
        shifts=shifts,
        agents=agents,
        needs=needs,
        weights=Weights(shortfall_per_agent_slot=30, surplus_per_agent_slot=1, fairness_per_day=5),
        pay=pay,
        standby=StandbyRules(management_ratio=15),
    )


SIZES = {
    "S": small,
    "M": lambda: generated(150, 28),
    "L": lambda: generated(1000, 7),
}


def site_m(time_limit: float, workers: int, correction_time: float) -> None:
    """Site M with demand: pooled sizing corrected by simulation against per-channel sizing.

    Both rosters are solved with the same limit and simulated with the same random
    numbers; the pooled one is then corrected by simulation.
    """
    from rostering.io import load_scenario
    from rostering.pipeline import run_scenario

    scenario = load_scenario(ROOT / "scenarios" / "site-m")
    config = SolverConfig(time_limit_s=time_limit, workers=workers)
    rows = []
    for label, variant, rounds in (
        ("per-channel", scenario.model_copy(update={"pooled_sizing": False}), 0),
        ("pooled+corrected", scenario, scenario.simulation.correction_rounds),
    ):
        started = time.perf_counter()
        result = run_scenario(
            variant, solver=config, rounds=rounds, correction_budget_s=correction_time
        )
        wall = time.perf_counter() - started
        sim = result.kpis.simulation
        meeting = sim.rounds[-1].intervals_meeting_target if sim and sim.rounds else None
        service = {
            c.channel: c.simulated.service_level.value
            for c in result.kpis.channels
            if c.simulated
            and c.simulated.service_level
            and c.simulated.service_level.value is not None
        }
        abandon = {
            c.channel: c.simulated.abandon_rate.value
            for c in result.kpis.channels
            if c.simulated
            and c.simulated.abandon_rate
            and c.simulated.abandon_rate.value is not None
        }
        rows.append(
            (label, result, wall, meeting, service, abandon, len(sim.rounds) - 1 if sim else 0)
        )
    print(
        f"{'site M':18} {'status':9} {'labour yuan':>13} {'gap':>7} {'meeting':>8} "
        f"{'inbound SL':>10} {'abandon':>8} {'chat SL':>8} {'rounds':>6} {'wall s':>7}"
    )
    for label, result, wall, meeting, service, abandon, rounds in rows:
        gap = result.kpis.gap
        print(
            f"{label:18} {result.kpis.status.value:9} {result.kpis.labour_cost:13,.0f} "
            f"{(gap or 0) * 100:6.2f}% {(meeting or float('nan')) * 100:7.1f}% "
            f"{service.get('inbound', float('nan')) * 100:9.1f}% "
            f"{abandon.get('inbound', float('nan')) * 100:7.1f}% "
            f"{service.get('chat', float('nan')) * 100:7.1f}% {rounds:6d} {wall:7.1f}"
        )
    base, pooled = rows[0][1].kpis.labour_cost, rows[1][1].kpis.labour_cost
    print(
        f"saving of pooled sizing corrected by simulation: {base - pooled:,.0f} yuan "
        f"({(base - pooled) / base:.1%} of the per-channel roster's labour)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=["S"], choices=[*sorted(SIZES), "M-site"])
    parser.add_argument(
        "--correction-time",
        type=float,
        default=300.0,
        help="M-site: seconds the correction rounds may spend re-solving.",
    )
    parser.add_argument("--time-limit", type=float, default=None)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    defaults = {"S": 10.0, "M": 120.0, "L": 300.0}
    header = (
        f"{'size':4} {'status':9} {'objective':>14} {'bound':>14} {'gap':>8} "
        f"{'first s':>8} {'wall s':>8} valid"
    )
    if "M-site" in args.sizes:
        site_m(args.time_limit or 120.0, args.workers, args.correction_time)
    print(header)
    for size in [s for s in args.sizes if s != "M-site"]:
        built = time.perf_counter()
        instance = SIZES[size]()
        first: list[float] = []

        def seen(p: Progress, first: list[float] = first) -> None:
            if not first:
                first.append(p.elapsed_s)

        limit = args.time_limit or defaults[size]
        solution = solve(
            instance, SolverConfig(time_limit_s=limit, workers=args.workers), progress=seen
        )
        wall = time.perf_counter() - built
        valid = validate(instance, solution).ok if solution.assignments else False
        gap = solution.gap
        print(
            f"{size:4} {solution.status.value:9} {solution.objective or float('nan'):14.2f} "
            f"{solution.best_bound or float('nan'):14.2f} "
            f"{(gap * 100 if gap is not None else float('nan')):7.2f}% "
            f"{(first[0] if first else float('nan')):8.2f} {solution.wall_time_s:8.2f} {valid}"
            f"  (with generation: {wall:.1f}s)"
        )


if __name__ == "__main__":
    main()

"""The tables the terminal shows: a run's violations, its service (predicted beside
simulated) and its cost."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table

from rostering.domain.forecast import ACCURACY_TARGET

if TYPE_CHECKING:
    from rostering.domain.forecast import DemandForecast
    from rostering.results import RunKpis, RunResult
    from rostering.results.simulated import Estimate
    from rostering.results.violations import ViolationGroup
    from rostering.simulation.correct import Round


def show_round(console: Console, r: Round) -> None:
    """One line per correction round, as it ends."""
    share = f"{r.meeting_share:.1%}" if r.meeting_share is not None else "-"
    what = f"raised {len(r.raised)} requirements, " if r.number else ""
    console.print(
        f"  simulation round {r.number}: {what}labour {r.labour_cost:,.2f} yuan, "
        f"intervals meeting target {share}, confident misses {r.misses}",
        highlight=False,
    )


def _pct(value: float | None, *, sign: bool = True) -> str:
    if value is None:
        return "-"
    return f"{value:.1%}" if sign else f"{value * 100:.1f}"


def _sim(estimate: Estimate | None, *, percent: bool = True) -> str:
    """``88.2 [87.1, 89.3]``: the value and its 95 % interval (percent without the sign)."""
    if estimate is None or estimate.value is None:
        return "-"
    scale = 100.0 if percent else 1.0
    low, high = estimate.ci95
    if low is None or high is None:
        return f"{estimate.value * scale:.1f}"
    return f"{estimate.value * scale:.1f} [{low * scale:.1f}, {high * scale:.1f}]"


VIOLATION_ROWS = 12
"""Most violation groups the terminal lists; the rest are summed on one line."""


def violation_table(groups: list[ViolationGroup], *, limit: int = VIOLATION_ROWS) -> Table:
    """The first ``limit`` groups as a table, one line each (cells never wrap).

    Parameters
    ----------
    groups : list of ViolationGroup
        The summary, in the order to show (see
        :func:`rostering.results.violations.summarise_violations`).
    limit : int, optional
        Most rows listed.

    Returns
    -------
    rich.table.Table
        Columns rule, channel, days, amount (with its unit) and cost.
    """
    from rostering.results.violations import compact_days, format_amount

    soft = sum(g.count for g in groups if not g.hard)
    hard = sum(g.count for g in groups if g.hard)
    cost = sum(g.cost for g in groups)
    counted = f"{soft} soft" + (f" and {hard} hard" if hard else "")
    table = Table(
        title=f"violations: {counted}, {cost:,.2f} yuan, by rule and channel",
        title_justify="left",
    )
    for col in ("rule", "channel", "days"):
        table.add_column(col, no_wrap=True, overflow="ellipsis")
    table.add_column("amount", no_wrap=True, overflow="ellipsis")
    table.add_column("cost (yuan)", justify="right", no_wrap=True)
    for g in groups[:limit]:
        rule = f"[red]{g.rule} (hard)[/]" if g.hard else g.rule
        amount = f"{format_amount(g.amount)} {g.unit}".rstrip()
        table.add_row(rule, g.channel, compact_days(g.days, limit=4), amount, f"{g.cost:,.2f}")
    return table


def print_violation_groups(
    out: Console, groups: list[ViolationGroup], *, limit: int = VIOLATION_ROWS
) -> None:
    """The groups as a table of at most ``limit`` rows, and one line summing the rest.

    With the default limit the block takes at most 18 lines (title, four table
    rules, twelve rows, the line for the rest).
    """
    if not groups:
        out.print("violations: none, every rule holds")
        return
    out.print(violation_table(groups, limit=limit))
    rest = groups[limit:]
    if rest:
        cost = sum(g.cost for g in rest)
        out.print(
            f"… {len(rest)} more groups, {cost:,.2f} yuan (see violations.csv)",
            highlight=False,
        )


def print_violation_summary(out: Console, result: RunResult) -> None:
    """A run's violations summed by rule, channel and day, in at most 20 lines.

    One line per rule and channel, largest cost first; past
    :data:`VIOLATION_ROWS` groups, one more line sums the rest. The detail
    rows are in ``violations.csv``.
    """
    from rostering.results.violations import run_violation_summary

    print_violation_groups(out, run_violation_summary(result))


def print_forecast(out: Console, forecast: DemandForecast) -> None:
    """One line per channel: the model the demand was forecast with and how it backtested."""
    first = forecast.channels[0]
    out.print(
        f"demand forecast from {forecast.history} (backtest {first.origins} x "
        f"{first.days_per_origin} days; accuracy = 1 - daily WAPE, target "
        f"{ACCURACY_TARGET:.0%}):"
    )
    for c in forecast.channels:
        met = "[green]met[/]" if c.accuracy_met else "[red]not met[/]"
        out.print(
            f"  {c.channel}: {c.model}, accuracy {1 - c.daily_wape:.1%} {met}, interval WAPE "
            f"{c.interval_wape:.1%} (best baseline, {c.baseline}: {c.baseline_interval_wape:.1%})"
        )


def print_summary(out: Console, result: RunResult) -> None:
    """The run's table: predicted beside simulated service, cost, solver figures."""
    k = result.kpis
    table = Table(title=f"{k.scenario}: {k.status.value}, labour {k.labour_cost:,.2f} yuan")
    table.caption = "SL and abandonment in %, ASA in s; simulated: mean [95% CI]"
    for col in ("channel", "staffed as", "vol.", "req. h", "sched. h", "cover"):
        table.add_column(col, justify="right", no_wrap=True)
    for col in ("SL pred", "SL sim", "aband pred", "aband sim", "ASA sim"):
        table.add_column(col, justify="right", no_wrap=True)
    for c in k.channels:
        sim = c.simulated
        table.add_row(
            c.channel,
            c.pool or c.channel,
            f"{c.volume:,.0f}",
            f"{c.required_agent_hours:,.1f}",
            f"{c.scheduled_agent_hours:,.1f}",
            f"{c.coverage:.1%}",
            _pct(c.service_level, sign=False),
            _sim(sim.service_level if sim else None),
            _pct(c.abandon_rate, sign=False),
            _sim(sim.abandon_rate if sim else None),
            _sim(sim.asa_s if sim else None, percent=False),
        )
    out.print(table)
    gap = f"{k.gap:.2%}" if k.gap is not None else "-"
    valid = "[green]passes[/]" if k.valid else "[red]FAILS[/]"
    out.print(
        f"objective {k.objective if k.objective is not None else '-'}  bound "
        f"{k.best_bound if k.best_bound is not None else '-'}  gap {gap}  "
        f"time {k.wall_time_s:.1f} s  validator {valid}  soft violations {k.soft_violations}"
    )
    if k.model_size is not None:
        out.print(f"model: {k.model_size.text()}")
    if k.planned_breaks is not None:
        b = k.planned_breaks
        verdict = (
            f"leaves {b.left_for_not_ready:.1%} for not-ready"
            if b.left_for_not_ready >= 0
            else "[red]the plan alone exceeds it[/]"
        )
        out.print(
            f"breaks: {b.break_minutes / max(b.shifts, 1):.0f} min a shift placed, "
            f"{b.share:.1%} of logged-in time; not-ready + break target < {b.target:.0%}: "
            f"{verdict}"
        )
    if k.forecast is not None:
        print_forecast(out, k.forecast)
    if k.defaults:
        shown = ", ".join(f"{d.field} = {d.value}" for d in k.defaults)
        out.print(f"defaults applied (not set in the scenario): {shown}")
    if k.simulation is not None:
        s = k.simulation
        out.print(
            f"simulated {s.replications} replications (seed {s.seed}), "
            f"{len(s.rounds) - 1} correction rounds; 'pred' is the queueing formula, "
            "'sim' the roster played through the day"
        )
    calls = result.solution.call_ins
    if calls:
        hours = sum((c.end - c.start).total_seconds() for c in calls) / 3600
        parts = [
            f"{c.channel} SL {_sim(c.simulated_with_call_ins.service_level)} %, abandon "
            f"{_sim(c.simulated_with_call_ins.abandon_rate)} %"
            for c in k.channels
            if c.simulated_with_call_ins is not None
            and c.simulated_with_call_ins.service_level is not None
        ]
        out.print(
            f"with {len(calls)} suggested call-ins ({hours:.1f} h, {k.call_in_cost:,.2f} yuan; "
            f"labour with call-ins {k.labour_cost + k.call_in_cost:,.2f} yuan): " + "; ".join(parts)
        )
    if k.reserve is not None:
        r = k.reserve
        out.print(
            f"reserve: {r.pool_size} people for {r.expected_absences_per_day:.2f} absences "
            f"expected a day ({r.absenteeism_rate:.0%} absenteeism); covers the worst day with "
            f"{r.worst_day_probability:.1%}, every day of the horizon with "
            f"{r.horizon_probability:.1%}"
        )


def print_conflicts(err: Console, conflicts: list[str]) -> None:
    """The hard rules that cannot all hold, one a line (no roster was made)."""
    err.print("[bold red]no roster[/]: the hard rules cannot all hold:")
    for conflict in conflicts:
        err.print(f"  - {conflict}", markup=False)


def simulated_table(kpis: RunKpis) -> Table:
    """Per channel: the simulated service with 95 % intervals (``rostering simulate``)."""
    table = Table(title=f"{kpis.scenario}: simulated")
    for col in ("channel", "SL (95% CI)", "ASA s", "abandon", "occupancy", "intervals meeting"):
        table.add_column(col, justify="right")
    for c in kpis.channels:
        sim = c.simulated
        if sim is None:
            continue
        table.add_row(
            c.channel,
            _sim(sim.service_level),
            _sim(sim.asa_s, percent=False),
            _sim(sim.abandon_rate),
            _sim(sim.occupancy),
            _pct(sim.intervals_meeting_target),
        )
    return table


__all__ = [
    "VIOLATION_ROWS",
    "print_conflicts",
    "print_summary",
    "print_violation_groups",
    "print_violation_summary",
    "show_round",
    "simulated_table",
    "violation_table",
]

"""The run report: one self-contained HTML file that opens offline.

``report.html`` holds the KPI summary, the roster Gantt, the demand forecast
and its backtest (when the demand was forecast from a history), required
against scheduled staff per channel, predicted service level against target, the
simulated service beside the predicted one (with the correction rounds), the
cost breakdown and the violations (summed by rule and channel near the top,
each one at the end). The Gantt shows one page of people at a time, picked
by team, skill or shift (:mod:`.gantt_view`). plotly.js is stored once,
compressed, so the file needs no network and a month's roster of three
hundred people stays under 3 MB. The page helpers (:func:`render_page`,
:func:`figure_block`, :func:`table_block`, from :mod:`.page`) serve any
other report that wants the same look.
"""

from __future__ import annotations

import html
import logging
from pathlib import Path

import pandas as pd

from rostering.reports import theme
from rostering.reports.cost import cost_figure, cost_table
from rostering.reports.coverage import (
    channel_names,
    coverage_figure,
    service_level_figure,
    service_targets,
)
from rostering.reports.forecast import forecast_blocks
from rostering.reports.gantt import agent_label
from rostering.reports.gantt_view import gantt_block
from rostering.reports.page import figure_block, render_page, table_block
from rostering.reports.simulated import (
    simulated_service_figure,
    simulated_tables,
    simulation_frame,
)
from rostering.results import RunResult
from rostering.results.violations import compact_days, format_amount, run_violation_summary

log = logging.getLogger(__name__)


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.1f} %"


def _summary_block(result: RunResult) -> str:
    k = result.kpis
    verdict = (
        '<span class="ok">passes every hard rule</span>'
        if k.valid
        else f'<span class="bad">{k.hard_violations} hard rule violation(s)</span>'
    )
    gap = "-" if k.gap is None else f"{k.gap * 100:.2f} %"
    headline = pd.DataFrame(
        [
            {
                "solver status": k.status.value,
                "objective": k.objective,
                "best bound": k.best_bound,
                "gap": gap,
                "solve time (s)": k.wall_time_s,
                "labour cost (yuan)": k.labour_cost,
                "soft violations": k.soft_violations,
            }
        ]
    )
    channels = pd.DataFrame(
        [
            {
                "channel": c.channel,
                "volume": c.volume,
                "required agent-hours": c.required_agent_hours,
                "scheduled agent-hours": c.scheduled_agent_hours,
                "coverage": _pct(c.coverage),
                "service level": _pct(c.service_level),
                "ASA (s)": c.asa_s,
                "abandon rate": _pct(c.abandon_rate),
                "occupancy": _pct(c.occupancy),
            }
            for c in k.channels
        ]
    )
    reserve = ""
    if k.reserve is not None:
        r = k.reserve
        reserve = html.escape(
            f" Reserve: {r.pool_size} people for {r.expected_absences_per_day:.2f} absences "
            f"expected a day; they cover the worst day with {r.worst_day_probability:.1%} and "
            f"every day of the horizon with {r.horizon_probability:.1%}."
        )
    return (
        f"<section><h2>Summary</h2><p>The roster {verdict}.{reserve}</p></section>"
        + table_block(headline, "Solver and cost")
        + table_block(channels, "Predicted service per channel")
    )


VIOLATION_SUMMARY = "Violations by rule and channel"
"""Heading of the report's violation summary."""


def violation_summary_block(result: RunResult) -> str:
    """The run's violations summed by rule and channel, with their days, costliest first.

    Parameters
    ----------
    result : RunResult
        The run.

    Returns
    -------
    str
        An HTML section; every violation is listed at the end of the report
        and in ``violations.csv``.
    """
    frame = pd.DataFrame(
        [
            {
                "rule": f"{g.rule} (hard)" if g.hard else g.rule,
                "channel": g.channel,
                "days": compact_days(g.days, limit=31),
                "amount": format_amount(g.amount),
                "unit": g.unit or "-",
                "cost (yuan)": g.cost,
                "entries": g.count,
            }
            for g in run_violation_summary(result)
        ],
        columns=["rule", "channel", "days", "amount", "unit", "cost (yuan)", "entries"],
    )
    return table_block(frame, VIOLATION_SUMMARY, empty="No rule is violated.")


LISTED_VIOLATIONS = 1000
"""The report lists at most this many violations one by one (hard ones first); the
summary by rule and channel counts every one, and ``violations.csv`` lists them all."""


def _violations_frame(result: RunResult) -> pd.DataFrame:
    listed = list(result.validation.hard) + list(result.solution.violations)
    listed = listed[:LISTED_VIOLATIONS]
    return pd.DataFrame(
        [
            {
                "rule": v.rule,
                "where": v.where,
                "amount": v.amount,
                "cost": v.cost,
                "hard": "hard" if v.hard else "soft",
            }
            for v in listed
        ],
        columns=["rule", "where", "amount", "cost", "hard"],
    )


def run_report_html(result: RunResult) -> str:
    """The run report as one HTML string (see the module docstring)."""
    scenario, instance, solution = result.scenario, result.instance, result.solution
    channel_ids = [str(c.id) for c in scenario.channels]
    # Pools (channels served together) after the channels, so a pool's bars have a colour.
    colours = theme.activity_colours([*channel_ids, *(str(c.id) for c in instance.channels)])
    names = channel_names(scenario.channels)
    labels = {str(a.id): agent_label(instance, a.id) for a in instance.agents}
    blocks = [_summary_block(result), violation_summary_block(result)]
    if solution.conflicts:
        blocks.append(
            table_block(
                pd.DataFrame({"hard rules that cannot all hold": solution.conflicts}),
                "Why no roster was found",
            )
        )
    blocks.append(
        gantt_block(
            instance,
            solution,
            colours=colours,
            names=names,
            note="Bars show what each agent does per interval; grey is the meal. Weekends and "
            "public holidays are shaded; hatched bars are standby duties. Pick a team, a skill "
            "or a shift, or find a name, to see those people; hover a bar for its shift, "
            "times and cost, a day's name for its dates.",
        )
    )
    blocks.extend(forecast_blocks(scenario, names=names, colours=colours))
    blocks.append(
        figure_block(
            coverage_figure(
                result.requirements, channels=channel_ids, names=names, colours=colours
            ),
            "Required vs scheduled staff",
            note="Red: agents short of the requirement; light blue: agents above it.",
        )
    )
    targets = service_targets(scenario.channels)
    if targets:
        blocks.append(
            figure_block(
                service_level_figure(
                    result.requirements, targets=targets, names=names, colours=colours
                ),
                "Predicted service level",
            )
        )
    if result.simulation is not None:
        by_channel, rounds = simulated_tables(result)
        blocks.append(table_block(by_channel, "Predicted vs simulated service per channel"))
        if targets:
            blocks.append(
                figure_block(
                    simulated_service_figure(
                        result.requirements,
                        simulation_frame(result),
                        targets=targets,
                        timezone=scenario.site.timezone,
                        names=names,
                        colours=colours,
                    ),
                    "Predicted vs simulated service level, per interval",
                    note="Dotted: the queueing formula at the roster's staffing. Solid, with "
                    "its 95 % band: the roster played through the day "
                    f"({result.simulation.replications} replications). Bars: the share of "
                    "replications in which the interval meets its target.",
                )
            )
        blocks.append(
            table_block(
                rounds,
                "Correction by simulation",
                empty="The roster was simulated once; no correction round ran.",
            )
        )
    blocks.append(figure_block(cost_figure(solution, labels=labels), "Labour cost"))
    costs = cost_table(solution)
    costs.insert(1, "name", [labels.get(a, a) for a in costs["agent"]])
    blocks.append(table_block(costs, "Pay per person (yuan)"))
    blocks.append(
        table_block(_violations_frame(result), "Violations", empty="No rule is violated.")
    )
    violations = len(result.validation.hard) + len(solution.violations)
    if violations > LISTED_VIOLATIONS:
        blocks.append(
            f'<p class="note">The first {LISTED_VIOLATIONS:,} of {violations:,} violations; '
            f"the summary by rule and channel above counts them all, and violations.csv "
            f"lists the roster's {len(solution.violations):,} soft ones.</p>"
        )
    if solution.call_ins:
        blocks.append(
            table_block(
                pd.DataFrame(
                    [
                        {
                            "date": c.date.isoformat(),
                            "agent": labels.get(str(c.agent), str(c.agent)),
                            "channel": c.channel,
                            "from": f"{c.start:%H:%M}",
                            "to": f"{c.end:%H:%M}",
                            "short agent-minutes": c.short_agent_minutes,
                            "cost (yuan)": c.cost,
                        }
                        for c in solution.call_ins
                    ]
                ),
                "Suggested call-ins",
            )
        )
    if solution.call_ins and result.simulation is not None:
        k = result.kpis
        blocks.append(
            '<p class="note">'
            + html.escape(
                "Called in where the simulated roster still misses its targets: "
                f"{k.call_in_cost:,.2f} yuan; labour with call-ins "
                f"{k.labour_cost + k.call_in_cost:,.2f} yuan."
            )
            + "</p>"
        )
    horizon = scenario.horizon
    subtitle = (
        f"{scenario.site.name} · {horizon.start.isoformat()} + {horizon.days} days · "
        f"{horizon.interval_minutes}-min intervals · {len(instance.agents)} people"
    )
    return render_page(f"Roster report: {scenario.name}", blocks, subtitle=subtitle)


def write_run_report(result: RunResult, path: str | Path) -> Path:
    """Write the run report to ``path`` (UTF-8) and return the path."""
    target = Path(path)
    text = run_report_html(result)
    target.write_text(text, encoding="utf-8")
    log.info("wrote %s (%.1f MB)", target, len(text.encode("utf-8")) / 1e6)
    return target


__all__ = [
    "LISTED_VIOLATIONS",
    "VIOLATION_SUMMARY",
    "figure_block",
    "render_page",
    "run_report_html",
    "table_block",
    "violation_summary_block",
    "write_run_report",
]

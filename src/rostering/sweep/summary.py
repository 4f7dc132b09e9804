"""The summary of a sweep: ``sweep.csv`` (one row per task) and ``sweep.html`` (the
cost-versus-service frontier of each site).

``sweep.csv`` columns, one row per (scenario, variant) in the sweep's order:

- ``scenario``, ``variant``, ``status`` (``ok`` or ``failed``), ``error``;
- ``solver_status``, ``valid``, ``labour_cost``, ``objective``, ``gap``,
  ``solve_time_s`` (the solver), ``wall_time_s`` (the whole task);
- ``service_level``, ``service_level_simulated``: the service level of the
  queued channels with a target, weighted by volume, as the formulas predict
  it and as the simulation played it (empty without a simulation);
- per queued channel ``C``: ``C.service_level`` and ``C.abandon_rate``
  (predicted), ``C.simulated_service_level``, ``C.simulated_abandon_rate`` and
  ``C.intervals_meeting_target`` (the share of intervals whose simulated
  service meets every target of the channel);
- ``worker`` (host:pid that ran it), ``reused`` (read from an earlier run's
  folder), ``content_hash``.

Text cells that a spreadsheet would read as a formula (starting with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return) are prefixed with ``'``.

``sweep.html`` holds, per site, every variant's labour cost against its
service level (simulated where every roster of the site was simulated, else
predicted), the Pareto frontier (no other variant is cheaper and at least as
good) drawn through them, and the table of all rows. It is self-contained:
plotly.js is embedded as in the run reports (:mod:`rostering.reports.page`).
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from rostering.reports import theme
from rostering.reports.page import figure_block, render_page, section, table_block
from rostering.results.csv_output import csv_text
from rostering.sweep.task import ChannelOutcome, TaskSummary

BASE_COLUMNS = (
    "scenario",
    "variant",
    "status",
    "error",
    "solver_status",
    "valid",
    "labour_cost",
    "objective",
    "gap",
    "solve_time_s",
    "wall_time_s",
    "service_level",
    "service_level_simulated",
)
CHANNEL_FIELDS = (
    "service_level",
    "abandon_rate",
    "simulated_service_level",
    "simulated_abandon_rate",
    "intervals_meeting_target",
)
TAIL_COLUMNS = ("worker", "reused", "content_hash")


def weighted_service(channels: Sequence[ChannelOutcome], *, simulated: bool) -> float | None:
    """Service level of the channels that have one, weighted by their volume."""
    total = 0.0
    weight = 0.0
    for c in channels:
        value = c.simulated_service_level if simulated else c.service_level
        if value is None or not math.isfinite(value) or c.volume <= 0:
            continue
        total += value * c.volume
        weight += c.volume
    return total / weight if weight > 0 else None


def sweep_table(summaries: Sequence[TaskSummary]) -> pd.DataFrame:
    """One row per task, the columns of ``sweep.csv`` (numbers as numbers)."""
    channels: list[str] = []
    for s in summaries:
        for c in s.channels:
            if c.channel not in channels:
                channels.append(c.channel)
    columns = [
        *BASE_COLUMNS,
        *(f"{ch}.{name}" for ch in channels for name in CHANNEL_FIELDS),
        *TAIL_COLUMNS,
    ]
    rows = []
    for s in summaries:
        row: dict[str, object] = {
            "scenario": s.scenario,
            "variant": s.variant,
            "status": s.status,
            "error": s.error,
            "solver_status": s.solver_status,
            "valid": s.valid,
            "labour_cost": s.labour_cost,
            "objective": s.objective,
            "gap": s.gap,
            "solve_time_s": s.solve_time_s,
            "wall_time_s": s.wall_time_s,
            "service_level": weighted_service(s.channels, simulated=False),
            "service_level_simulated": weighted_service(s.channels, simulated=True),
            "worker": s.worker,
            "reused": s.reused,
            "content_hash": s.content_hash,
        }
        for c in s.channels:
            for name in CHANNEL_FIELDS:
                row[f"{c.channel}.{name}"] = getattr(c, name)
        rows.append(row)
    return pd.DataFrame(rows, columns=columns)


def pareto_front(costs: Sequence[float], service: Sequence[float]) -> list[int]:
    """Indices of the points no other point beats: none cheaper with at least the
    service, none as cheap with more. In order of rising cost."""
    order = sorted(range(len(costs)), key=lambda i: (costs[i], -service[i]))
    front: list[int] = []
    best = -math.inf
    for i in order:
        if service[i] > best:
            front.append(i)
            best = service[i]
    return front


def frontier_figure(site: pd.DataFrame, *, simulated: bool) -> go.Figure:
    """Labour cost against service level for one site's variants, the frontier drawn."""
    column = "service_level_simulated" if simulated else "service_level"
    points = site[(site["status"] == "ok") & site["labour_cost"].notna() & site[column].notna()]
    costs = [float(v) for v in points["labour_cost"]]
    service = [float(v) for v in points[column]]
    names = [str(v) for v in points["variant"]]
    front = pareto_front(costs, service)
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=costs,
            y=service,
            mode="markers",
            name="variants",
            text=names,
            marker={"size": 9, "color": theme.CHANNEL_PALETTE[0], "opacity": 0.7},
            hovertemplate="%{text}<br>labour %{x:,.0f}<br>service %{y:.1%}<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=[costs[i] for i in front],
            y=[service[i] for i in front],
            mode="lines+markers",
            name="Pareto frontier",
            text=[names[i] for i in front],
            line={"color": theme.CHANNEL_PALETTE[2], "width": 2},
            marker={"size": 11, "symbol": "diamond", "color": theme.CHANNEL_PALETTE[2]},
            hovertemplate="%{text} (frontier)<br>labour %{x:,.0f}<br>service %{y:.1%}"
            "<extra></extra>",
        )
    )
    fig.update_layout(
        height=460,
        font={"family": theme.FONT},
        margin={"l": 70, "r": 20, "t": 30, "b": 60},
        xaxis={"title": {"text": "labour cost (yuan)"}, "tickformat": ",.0f"},
        yaxis={
            "title": {"text": f"service level ({'simulated' if simulated else 'predicted'})"},
            "tickformat": ".0%",
        },
        legend={"orientation": "h", "y": -0.18},
        template=theme.TEMPLATE,
    )
    return fig


def sweep_html(table: pd.DataFrame, *, title: str) -> str:
    """The sweep's page: per site the frontier figure, then the table of every task."""
    blocks = []
    for site_name, site in table.groupby("scenario", sort=False):
        ok = site[site["status"] == "ok"]
        simulated = bool(len(ok)) and bool(ok["service_level_simulated"].notna().all())
        failures = site[site["status"] == "failed"]
        note = (
            f"{len(ok)} of {len(site)} variants solved; "
            f"service level {'simulated' if simulated else 'predicted'}, weighted by volume "
            "over the queued channels with a target. The frontier joins the variants no other "
            "variant beats on both cost and service."
        )
        if len(failures):
            note += " Failed: " + ", ".join(str(v) for v in failures["variant"]) + "."
        if len(ok):
            blocks.append(
                figure_block(frontier_figure(site, simulated=simulated), str(site_name), note=note)
            )
        else:
            blocks.append(section(str(site_name), "", note=note))
    shown = table[[c for c in BASE_COLUMNS if c != "error"] + ["error"]]
    blocks.append(table_block(shown, "Every task"))
    ok_count = int((table["status"] == "ok").sum())
    return render_page(
        title, blocks, subtitle=f"{len(table)} tasks, {ok_count} ok, {len(table) - ok_count} failed"
    )


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def write_summary(
    summaries: Sequence[TaskSummary], out_dir: Path, *, title: str = "Sweep"
) -> tuple[Path, Path]:
    """Write ``sweep.csv`` and ``sweep.html`` into ``out_dir``, each atomically."""
    table = sweep_table(summaries)
    csv_path = out_dir / "sweep.csv"
    html_path = out_dir / "sweep.html"
    _atomic_write(csv_path, csv_text(table))
    _atomic_write(html_path, sweep_html(table, title=title))
    return csv_path, html_path


__all__ = [
    "pareto_front",
    "sweep_html",
    "sweep_table",
    "weighted_service",
    "write_summary",
]

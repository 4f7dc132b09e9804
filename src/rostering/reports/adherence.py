"""Adherence figures: planned vs actual per agent (Gantt overlay), team heatmap.

Data in, figure out: the functions take the long frames of the adherence stage
and return plotly figures; they read nothing and write nothing.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go

from rostering.adherence.report import AdherenceResult, RateVsTarget
from rostering.reports import theme
from rostering.reports.html import figure_block, render_page, table_block

GANTT_MAX_AGENTS = 40
GANTT_MAX_DAYS = 7

ADHERENCE_COLOURS: dict[str, str] = {
    "work": theme.ACTIVITY_COLOURS[theme.WORK],
    "meal": theme.ACTIVITY_COLOURS[theme.MEAL],
    "break": theme.ACTIVITY_COLOURS[theme.BREAK],
    "productive": "#2ca02c",
    "not_ready": "#d62728",
    "other": "#9467bd",
}
"""Bar colour of each planned and actual activity (the theme's where it has one)."""

_NEEDED = {"agent", "start", "end", "activity"}


def _check(frame: pd.DataFrame, what: str) -> None:
    missing = _NEEDED - set(map(str, frame.columns))
    if missing:
        raise ValueError(
            f"{what}: expected columns {sorted(_NEEDED)}, got {sorted(map(str, frame.columns))}"
        )


def _wall(values: pd.Series) -> pd.Series:
    """Local wall-clock times (zone dropped) so the axis reads as the site's clock."""
    s = pd.to_datetime(values)
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        return s.dt.tz_localize(None)
    return s


def adherence_gantt(
    planned: pd.DataFrame, actual: pd.DataFrame, *, title: str = "Planned vs actual"
) -> go.Figure:
    """One row per agent: planned bars (upper half) over actual bars (lower half).

    ``planned`` and ``actual`` have ``agent``, ``start``, ``end`` (local,
    aware or naive) and ``activity``; colours follow :data:`ADHERENCE_COLOURS`.
    """
    _check(planned, "planned")
    _check(actual, "actual")
    agents = sorted(set(planned["agent"].astype(str)) | set(actual["agent"].astype(str)))
    fig = go.Figure()
    for frame, label, offset in ((planned, "planned", -0.4), (actual, "actual", 0.0)):
        if frame.empty:
            continue
        start = _wall(frame["start"])
        end = _wall(frame["end"])
        length_ms = (end - start).dt.total_seconds() * 1000.0
        for activity, idx in frame.groupby("activity", sort=True).groups.items():
            name = str(activity)
            fig.add_trace(
                go.Bar(
                    orientation="h",
                    y=frame.loc[idx, "agent"].astype(str),
                    x=length_ms.loc[idx],
                    base=start.loc[idx],
                    offset=offset,
                    width=0.38,
                    marker_color=ADHERENCE_COLOURS.get(name, "#9D9D9D"),
                    name=f"{label}: {name}",
                    legendgroup=label,
                    hovertemplate="%{y} " + f"{label} {name}" + "<br>%{base|%Y-%m-%d %H:%M}"
                    " + %{x:.0f} ms<extra></extra>",
                )
            )
    fig.update_layout(
        title=title,
        template=theme.TEMPLATE,
        font={"family": theme.FONT},
        barmode="overlay",
        xaxis={"type": "date", "title": "local time"},
        yaxis={
            "categoryorder": "array",
            "categoryarray": agents[::-1],
            "title": "agent (upper: planned, lower: actual)",
        },
        height=max(300, 28 * len(agents) + 150),
        legend={"orientation": "h", "y": -0.15},
    )
    return fig


def adherence_heatmap(by_interval: pd.DataFrame, *, title: str = "Team adherence") -> go.Figure:
    """Adherence of the team by date (rows) and local time of day (columns).

    ``by_interval`` has ``date``, ``time`` (``HH:MM``) and ``adherence`` (0-1,
    empty where nothing was scheduled).
    """
    needed = {"date", "time", "adherence"}
    if not needed <= set(map(str, by_interval.columns)):
        raise ValueError(
            f"by_interval: expected columns {sorted(needed)}, "
            f"got {sorted(map(str, by_interval.columns))}"
        )
    grid = by_interval.pivot_table(
        index="date", columns="time", values="adherence", aggfunc="mean", dropna=False
    ).sort_index()
    fig = go.Figure(
        go.Heatmap(
            z=grid.to_numpy(dtype=float),
            x=[str(c) for c in grid.columns],
            y=[str(i) for i in grid.index],
            zmin=0.0,
            zmax=1.0,
            colorscale="RdYlGn",
            colorbar={"title": "adherence"},
            hovertemplate="%{y} %{x}: %{z:.1%}<extra></extra>",
        )
    )
    fig.update_layout(
        title=title,
        template=theme.TEMPLATE,
        font={"family": theme.FONT},
        xaxis={"title": "interval start (local)"},
        yaxis={"title": "date", "autorange": "reversed"},
        height=max(300, 22 * len(grid) + 150),
    )
    return fig


__all__ = ["ADHERENCE_COLOURS", "adherence_gantt", "adherence_heatmap"]


def _gantt_window(result: AdherenceResult) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """The planned and actual bars shown: a few days and the agents furthest off plan."""
    m = result.measures
    ad = m.by_agent_day
    if ad.empty:
        return m.planned, m.actual, ""
    dates = sorted(set(ad["date"]))
    if len(dates) > GANTT_MAX_DAYS:
        worst = ad.groupby("date")["out_of_adherence_minutes"].sum().idxmax()
        dates = [worst]
    window = ad.loc[ad["date"].isin(dates)]
    agents = (
        window.groupby("agent")["out_of_adherence_minutes"]
        .sum()
        .sort_values(ascending=False, kind="stable")
        .index[:GANTT_MAX_AGENTS]
    )
    lo = pd.Timestamp(min(dates)).tz_localize(result.summary.timezone)
    hi = pd.Timestamp(max(dates) + dt.timedelta(days=1)).tz_localize(result.summary.timezone)
    hi = hi + pd.Timedelta(hours=12)  # night shifts starting on the last day

    def cut(frame: pd.DataFrame) -> pd.DataFrame:
        keep = frame["agent"].isin(agents) & (frame["end"] > lo) & (frame["start"] < hi)
        return frame.loc[keep]

    note = (
        f"{len(agents)} agent(s) furthest off plan, {dates[0]}"
        + (f" to {dates[-1]}" if len(dates) > 1 else "")
        + "; upper bar of each row: planned, lower bar: actual."
    )
    return cut(m.planned), cut(m.actual), note


def adherence_html(result: AdherenceResult) -> str:
    """The self-contained ``adherence.html`` page."""
    s = result.summary

    def pct(v: float | None) -> str:
        return "-" if v is None else f"{v * 100:.1f} %"

    def target(r: RateVsTarget) -> str:
        state = "-" if r.met is None else ("met" if r.met else "missed")
        return f"{pct(r.value)} (target {r.comparison} {pct(r.target)}: {state})"

    rows = pd.DataFrame(
        {
            "measure": [
                "adherence",
                "conformance",
                "attendance rate",
                "schedule adherence rate",
                "productive utilisation",
                "not-ready + break share",
                "shifts planned / attended",
                "event rows read / used / flagged",
            ],
            "value": [
                pct(s.adherence),
                pct(s.conformance),
                pct(s.attendance_rate),
                target(s.schedule_adherence_rate),
                target(s.productive_utilisation),
                target(s.not_ready_break_share),
                f"{s.shifts_planned} / {s.shifts_attended}",
                f"{s.read_report.rows_read} / {s.read_report.rows_used} / "
                f"{s.read_report.rows_flagged}",
            ],
        }
    )
    kinds = pd.DataFrame(
        {"kind": list(s.exceptions_by_kind), "count": list(s.exceptions_by_kind.values())}
    )
    planned, actual, note = _gantt_window(result)
    blocks = [
        table_block(rows, "Summary"),
        table_block(kinds, "Exceptions by kind"),
        figure_block(adherence_heatmap(result.by_interval), "Team adherence by interval"),
        figure_block(adherence_gantt(planned, actual), "Planned vs actual", note=note),
    ]
    period = f"{s.period_start} to {s.period_end} ({s.timezone})" if s.period_start else ""
    return render_page("Schedule adherence", blocks, subtitle=period)

"""What-if comparison: two runs side by side, and several runs' headline KPIs.

:func:`comparison_figure` draws a :class:`rostering.results.Comparison` (run B
against run A): the KPI deltas, pay per person in both runs, the change in
short agent-hours per day and channel, and the assignments that changed.
:func:`variants_figure` puts the headline KPIs of any number of runs next to
each other.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from rostering.reports import theme
from rostering.results import Comparison, KpiDelta, RunKpis

#: KPIs that are better when higher; those in :data:`LOWER_IS_BETTER` when lower.
HIGHER_IS_BETTER = frozenset({"service_level", "coverage"})
LOWER_IS_BETTER = frozenset(
    {"labour_cost", "objective", "hard_violations", "soft_violations", "asa_s", "abandon_rate"}
)
#: KPIs that are shares, shown in percent.
SHARES = frozenset({"service_level", "coverage", "abandon_rate", "occupancy"})

_NEUTRAL_FILL = "white"
_BETTER_FILL = "rgba(44, 160, 44, 0.18)"
_WORSE_FILL = "rgba(214, 39, 40, 0.18)"


def judge(delta: KpiDelta) -> int:
    """+1 when B is better than A on this KPI, -1 when worse, 0 when equal or neutral."""
    if delta.delta is None or math.isclose(delta.delta, 0.0, abs_tol=1e-9):
        return 0
    if delta.name in HIGHER_IS_BETTER:
        return 1 if delta.delta > 0 else -1
    if delta.name in LOWER_IS_BETTER:
        return 1 if delta.delta < 0 else -1
    return 0


def _fmt(name: str, value: float | None, *, signed: bool = False) -> str:
    if value is None:
        return "-"
    sign = "+" if signed else ""
    if name in SHARES:
        return f"{value * 100:{sign}.1f} %" if not signed else f"{value * 100:{sign}.1f} pp"
    if name in ("labour_cost", "objective"):
        return f"{value:{sign},.0f}"
    if float(value).is_integer():
        return f"{value:{sign}.0f}"
    return f"{value:{sign}.2f}"


def _kpi_table(comparison: Comparison) -> go.Table:
    rows = [k for k in comparison.kpis if k.name != "wall_time_s"]
    fills = [{1: _BETTER_FILL, -1: _WORSE_FILL}.get(judge(k), _NEUTRAL_FILL) for k in rows]
    return go.Table(
        name="kpis",
        header={"values": ["KPI", "channel", comparison.label_a, comparison.label_b, "change"]},
        cells={
            "values": [
                [k.name.replace("_", " ") for k in rows],
                [k.channel or "all" for k in rows],
                [_fmt(k.name, k.a) for k in rows],
                [_fmt(k.name, k.b) for k in rows],
                [_fmt(k.name, k.delta, signed=True) for k in rows],
            ],
            "fill": {"color": [[_NEUTRAL_FILL] * len(rows)] * 4 + [fills]},
            "align": ["left", "left", "right", "right", "right"],
        },
    )


def _changes_table(comparison: Comparison, *, limit: int) -> go.Table:
    shown = comparison.assignments[:limit]
    more = comparison.assignments_changed - len(shown)
    dates = [c.date.strftime("%a %d %b") for c in shown] + ([f"... {more} more"] if more else [])
    return go.Table(
        name="assignments",
        header={"values": ["date", "agent", "change", comparison.label_a, comparison.label_b]},
        cells={
            "values": [
                dates,
                [c.agent for c in shown],
                [c.change for c in shown],
                [c.before or "off" for c in shown],
                [c.after or "off" for c in shown],
            ],
            "align": "left",
        },
    )


def comparison_figure(
    comparison: Comparison,
    *,
    colours: Mapping[str, str] | None = None,
    max_changes: int = 40,
    title: str | None = None,
) -> go.Figure:
    """Run B against run A in four panels.

    Traces: ``"kpis"`` (table of every KPI in A and B and the change, green
    where B is better, red where worse), ``"<label A>"`` and ``"<label B>"``
    (pay per person, grouped bars), one ``"<channel> shortfall change"`` bar
    trace per channel (short agent-hours per day, B minus A; below zero is
    better) and ``"assignments"`` (table of the person-days that changed, at
    most ``max_changes`` rows).
    """
    fig = make_subplots(
        rows=3,
        cols=2,
        specs=[
            [{"type": "table", "colspan": 2}, None],
            [{"type": "xy"}, {"type": "xy"}],
            [{"type": "table", "colspan": 2}, None],
        ],
        row_heights=[0.38, 0.27, 0.35],
        vertical_spacing=0.07,
        subplot_titles=[
            "KPIs",
            "pay per person (yuan)",
            "short agent-hours, change per day",
            f"assignments changed: {comparison.assignments_changed}",
        ],
    )
    fig.add_trace(_kpi_table(comparison), row=1, col=1)
    people = [c for c in comparison.costs if c.agent != "TOTAL"]
    for label, values, colour in (
        (comparison.label_a, [c.a for c in people], "#9e9e9e"),
        (comparison.label_b, [c.b for c in people], theme.COST_COLOURS["base"]),
    ):
        fig.add_trace(
            go.Bar(
                name=label,
                x=[c.agent for c in people],
                y=values,
                marker={"color": colour},
                legendgroup="cost",
                hovertemplate=f"%{{x}} {label}: ¥%{{y:,.0f}}<extra></extra>",
            ),
            row=2,
            col=1,
        )
    order = list(dict.fromkeys(c.channel for c in comparison.coverage))
    palette = dict(colours) if colours is not None else theme.channel_colours(order)
    for channel in order:
        rows = [c for c in comparison.coverage if c.channel == channel]
        fig.add_trace(
            go.Bar(
                name=f"{channel} shortfall change",
                x=[c.date.isoformat() for c in rows],
                y=[c.shortfall_delta for c in rows],
                marker={"color": theme.colour_of(channel, palette)},
                legendgroup="coverage",
                hovertemplate=f"{channel} %{{x}}: %{{y:+.1f}} short agent-hours<extra></extra>",
            ),
            row=2,
            col=2,
        )
    fig.add_trace(_changes_table(comparison, limit=max_changes), row=3, col=1)
    total = next((c for c in comparison.costs if c.agent == "TOTAL"), None)
    headline = f"{comparison.label_b} vs {comparison.label_a}"
    if total is not None:
        headline += f": labour cost {total.delta:+,.0f} yuan"
    fig.update_layout(
        template=theme.TEMPLATE,
        font={"family": theme.FONT},
        title=title or headline,
        barmode="group",
        height=1100,
        margin={"l": 10, "r": 10, "t": 80, "b": 30},
    )
    fig.update_xaxes(type="category", row=2, col=1)
    fig.update_xaxes(type="category", row=2, col=2)
    return fig


def variants_figure(
    runs: Mapping[str, RunKpis],
    *,
    channels: Sequence[str] | None = None,
    colours: Mapping[str, str] | None = None,
    title: str = "What-if variants side by side",
) -> go.Figure:
    """Headline KPIs of several runs next to each other.

    Left: labour cost per run (trace ``"labour cost"``). Right: predicted
    service level per queued channel and run, one trace ``"<channel> SL"`` per
    channel, and coverage of required agent-hours, one trace
    ``"<channel> coverage"`` per channel, in percent.
    """
    labels = list(runs)
    if channels is None:
        channels = list(dict.fromkeys(c.channel for k in runs.values() for c in k.channels))
    palette = dict(colours) if colours is not None else theme.channel_colours(channels)
    fig = make_subplots(
        rows=1,
        cols=3,
        column_widths=[0.26, 0.37, 0.37],
        subplot_titles=["labour cost (yuan)", "predicted service level (%)", "coverage (%)"],
    )
    fig.add_trace(
        go.Bar(
            name="labour cost",
            x=labels,
            y=[runs[k].labour_cost for k in labels],
            marker={"color": theme.COST_COLOURS["base"]},
            text=[f"¥{runs[k].labour_cost:,.0f}" for k in labels],
            textposition="auto",
            showlegend=False,
        ),
        row=1,
        col=1,
    )
    for col, field, suffix in ((2, "service_level", "SL"), (3, "coverage", "coverage")):
        for channel in channels:
            values: list[float | None] = []
            for k in labels:
                found = next((c for c in runs[k].channels if c.channel == channel), None)
                value = getattr(found, field) if found is not None else None
                values.append(None if value is None else float(value) * 100)
            if all(v is None for v in values):
                continue
            fig.add_trace(
                go.Bar(
                    name=f"{channel} {suffix}",
                    x=labels,
                    y=values,
                    marker={"color": theme.colour_of(channel, palette)},
                    legendgroup=channel,
                    hovertemplate=f"{channel} %{{x}}: %{{y:.1f}} %<extra></extra>",
                ),
                row=1,
                col=col,
            )
    fig.update_layout(
        template=theme.TEMPLATE,
        font={"family": theme.FONT},
        title=title,
        barmode="group",
        height=420,
        margin={"l": 10, "r": 10, "t": 80, "b": 40},
    )
    return fig


__all__ = [
    "HIGHER_IS_BETTER",
    "LOWER_IS_BETTER",
    "SHARES",
    "comparison_figure",
    "judge",
    "variants_figure",
]

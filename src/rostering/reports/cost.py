"""Labour cost by agent and pay component (base, overtime, holiday premium, standby).

The table also gives each agent's paid holidays off, leave deductions, the
payroll ``total`` and the ``marginal_cost``: the roster's marginal labour cost,
the figure the objective prices (see :class:`rostering.roster.solution.CostLine`).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from rostering.reports import theme
from rostering.roster.solution import RosterSolution

#: Pay components, in stacking order, with their display names.
COMPONENTS: Mapping[str, str] = {
    "base": "base pay",
    "overtime": "overtime",
    "holiday_premium": "holiday premium",
    "standby": "standby",
}

LABELLED_PEOPLE = 24
"""Up to this many people, each bar carries its total as a label; past it the totals
would overlap, and the hover shows them instead."""

#: Columns of :func:`cost_table`.
COST_COLUMNS = (
    "agent",
    "days_worked",
    *COMPONENTS,
    "paid_holidays",
    "deductions",
    "total",
    "marginal_cost",
)


def cost_table(solution: RosterSolution) -> pd.DataFrame:
    """Pay per agent over the horizon, in yuan: one row per cost line.

    ``total`` is the pay (components plus paid holidays less leave deductions);
    ``marginal_cost`` is the marginal labour cost the objective uses.
    """
    rows = [
        {
            "agent": str(c.agent),
            "days_worked": c.days_worked,
            **{k: float(getattr(c, k)) for k in COMPONENTS},
            "paid_holidays": c.paid_holidays,
            "deductions": c.deductions,
            "total": c.total,
            "marginal_cost": c.marginal,
        }
        for c in solution.costs
    ]
    return pd.DataFrame(rows, columns=list(COST_COLUMNS))


def cost_figure(
    solution: RosterSolution,
    *,
    labels: Mapping[str, str] | None = None,
    title: str | None = None,
) -> go.Figure:
    """Stacked bars of pay per agent, one trace per pay component.

    Traces are named after :data:`COMPONENTS` (``"base pay"``, ``"overtime"``,
    ``"holiday premium"``, ``"standby"``), each with one bar per agent in the
    order of ``solution.costs``; ``labels`` maps agent ids to row labels. A
    ``"total"`` trace marks each person's total: written over the bar for up
    to :data:`LABELLED_PEOPLE` people, in the hover (which lists every
    component of the person) for more.
    """
    table = cost_table(solution)
    names = dict(labels or {})
    agents = [names.get(a, a) for a in table["agent"]]
    labelled = len(agents) <= LABELLED_PEOPLE
    fig = go.Figure()
    for key, name in COMPONENTS.items():
        fig.add_trace(
            go.Bar(
                name=name,
                x=agents,
                y=[round(float(v), 2) for v in table[key]],
                marker={"color": theme.COST_COLOURS[key]},
                hovertemplate=f"{name}: ¥%{{y:,.0f}}<extra></extra>",
            )
        )
    total = float(table["total"].sum())
    totals = [round(float(v), 2) for v in table["total"]]
    fig.add_trace(
        go.Scatter(
            name="total",
            x=agents,
            y=totals,
            mode="text" if labelled else "markers",
            text=[f"¥{v:,.0f}" for v in totals] if labelled else None,
            textposition="top center",
            textfont={"size": 11},
            marker={"opacity": 0, "size": 1},
            showlegend=False,
            hovertemplate="total: ¥%{y:,.0f}<extra></extra>",
        )
    )
    fig.update_layout(
        template=theme.TEMPLATE,
        font={"family": theme.FONT},
        title=title or f"Labour cost by agent (total ¥{total:,.0f})",
        barmode="stack",
        height=400,
        margin={"l": 10, "r": 10, "t": 70, "b": 40},
        yaxis={"title": "yuan"},
        xaxis={"type": "category", "tickangle": -60 if len(agents) > 12 else 0},
        hovermode="x unified",
        bargap=0.15,
    )
    return fig


__all__ = ["COMPONENTS", "COST_COLUMNS", "LABELLED_PEOPLE", "cost_figure", "cost_table"]

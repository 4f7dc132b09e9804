"""The simulated side of the run report: predicted against simulated service, per interval.

The predicted figures are the queueing formulas at the roster's staffing; the
simulated ones are the roster played through the day
(:mod:`rostering.simulation`), each with its 95 % confidence interval, and the
probability, over the replications, that an interval meets its target.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from rostering.reports import theme
from rostering.results import RunResult
from rostering.results.simulated import Estimate, simulation_table
from rostering.simulation.build import horizon_origin


def _local(values: pd.Series, timezone: str) -> list[dt.datetime]:
    times = pd.to_datetime(values)
    return list(times.dt.tz_convert(timezone).dt.tz_localize(None))


def _percent(values: pd.Series) -> list[float | None]:
    """Shares as percentages to two decimals (NaN as a gap)."""
    return [None if pd.isna(v) else round(float(v) * 100, 2) for v in pd.to_numeric(values)]


def simulated_service_figure(
    requirements: pd.DataFrame,
    simulated: pd.DataFrame,
    *,
    targets: Mapping[str, float],
    timezone: str,
    names: Mapping[str, str] | None = None,
    colours: Mapping[str, str] | None = None,
) -> go.Figure:
    """Per channel with a target: predicted SL, simulated SL with its 95 % band, the target,
    and (below) the probability that each interval meets its target.

    ``requirements``: the run's requirements frame (``interval_start``,
    ``channel``, ``volume``, ``service_level``); ``simulated``: the
    ``simulation.csv`` rows (:func:`rostering.results.simulated.simulation_table`).
    """
    labels = dict(names or {})
    palette = dict(colours or theme.channel_colours(list(targets)))
    fig = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        row_heights=[0.7, 0.3],
        vertical_spacing=0.06,
        subplot_titles=("service level (%)", "probability of meeting the target (%)"),
    )
    for channel, target in targets.items():
        label = labels.get(channel, channel)
        colour = theme.colour_of(channel, palette)
        pred = requirements[requirements["channel"].astype(str) == channel]
        pred = pred[pd.to_numeric(pred["volume"]) > 0].sort_values("interval_start")
        sim = simulated[simulated["channel"].astype(str) == channel]
        sim = sim[pd.to_numeric(sim["offered"]) > 0].sort_values("interval_start")
        x_sim = _local(sim["interval_start"], timezone)
        band_x = x_sim + x_sim[::-1]
        band_y = _percent(sim["service_level_hi"]) + _percent(sim["service_level_lo"])[::-1]
        fig.add_trace(
            go.Scatter(
                x=band_x,
                y=band_y,
                fill="toself",
                fillcolor=colour,
                opacity=0.2,
                line={"width": 0},
                name=f"{channel} simulated 95% CI",
                legendgroup=channel,
                hoverinfo="skip",
            ),
            row=1,
            col=1,
        )
        fig.add_trace(
            go.Scatter(
                x=x_sim,
                y=_percent(sim["service_level"]),
                mode="lines",
                line={"color": colour, "width": 1.8},
                name=f"{channel} simulated",
                legendgroup=channel,
                hovertemplate=f"{label} %{{x|%a %d %b %H:%M}}: simulated %{{y:.1f}} %"
                "<extra></extra>",
            ),
            row=1,
            col=1,
        )
        fig.add_trace(
            go.Scatter(
                x=_local(pred["interval_start"], timezone),
                y=_percent(pred["service_level"]),
                mode="lines",
                line={"color": colour, "width": 1, "dash": "dot"},
                name=f"{channel} predicted",
                legendgroup=channel,
                hovertemplate=f"{label} %{{x|%a %d %b %H:%M}}: predicted %{{y:.1f}} %"
                "<extra></extra>",
            ),
            row=1,
            col=1,
        )
        if x_sim:
            fig.add_trace(
                go.Scatter(
                    x=[x_sim[0], x_sim[-1]],
                    y=[target * 100, target * 100],
                    mode="lines",
                    line={"color": colour, "width": 1, "dash": "dash"},
                    name=f"{channel} target",
                    legendgroup=channel,
                ),
                row=1,
                col=1,
            )
        fig.add_trace(
            go.Bar(
                x=x_sim,
                y=_percent(sim["p_meet"]),
                marker={"color": colour},
                opacity=0.7,
                name=f"{channel} P(meet target)",
                legendgroup=channel,
                hovertemplate=f"{label} %{{x|%a %d %b %H:%M}}: meets target in %{{y:.0f}} % "
                "of replications<extra></extra>",
            ),
            row=2,
            col=1,
        )
    fig.update_layout(
        template=theme.TEMPLATE,
        font={"family": theme.FONT},
        height=560,
        barmode="group",
        margin={"l": 10, "r": 10, "t": 40, "b": 40},
    )
    fig.update_yaxes(range=[0, 101])
    return fig


def _fmt(estimate: Estimate | None, *, percent: bool = True) -> str:
    if estimate is None or estimate.value is None:
        return "-"
    scale, unit = (100.0, " %") if percent else (1.0, "")
    low, high = estimate.ci95
    text = f"{estimate.value * scale:.1f}{unit}"
    if low is not None and high is not None:
        text += f" ({low * scale:.1f}-{high * scale:.1f})"
    return text


def simulated_tables(result: RunResult) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Predicted against simulated per channel, and the correction rounds."""
    k = result.kpis
    channels = pd.DataFrame(
        [
            {
                "channel": c.channel,
                "staffed as": c.pool or c.channel,
                "SL predicted": "-" if c.service_level is None else f"{c.service_level:.1%}",
                "SL simulated (95% CI)": _fmt(c.simulated.service_level if c.simulated else None),
                "abandon predicted": "-" if c.abandon_rate is None else f"{c.abandon_rate:.1%}",
                "abandon simulated": _fmt(c.simulated.abandon_rate if c.simulated else None),
                "ASA simulated (s)": _fmt(
                    c.simulated.asa_s if c.simulated else None, percent=False
                ),
                "occupancy simulated": _fmt(c.simulated.occupancy if c.simulated else None),
                "intervals meeting target": "-"
                if c.simulated is None or c.simulated.intervals_meeting_target is None
                else f"{c.simulated.intervals_meeting_target:.1%}",
                "SL with call-ins": _fmt(
                    c.simulated_with_call_ins.service_level if c.simulated_with_call_ins else None
                ),
                "abandon with call-ins": _fmt(
                    c.simulated_with_call_ins.abandon_rate if c.simulated_with_call_ins else None
                ),
            }
            for c in k.channels
        ]
    )
    rounds = pd.DataFrame(
        [
            {
                "round": r.round,
                "requirements raised": len(r.raised),
                "first raised": "; ".join(r.raised[:4]) + (" ..." if len(r.raised) > 4 else ""),
                "labour (yuan)": r.labour_cost,
                "intervals meeting target": "-"
                if r.intervals_meeting_target is None
                else f"{r.intervals_meeting_target:.1%}",
                "confident misses": r.confident_misses,
            }
            for r in (k.simulation.rounds if k.simulation else [])
        ]
    )
    return channels, rounds


def simulation_frame(result: RunResult) -> pd.DataFrame:
    """The ``simulation.csv`` rows of a run (empty when it was not simulated)."""
    if result.simulation is None:
        return pd.DataFrame()
    return simulation_table(result.simulation, horizon_origin(result.scenario))


__all__ = ["simulated_service_figure", "simulated_tables", "simulation_frame"]

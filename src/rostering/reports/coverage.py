"""Coverage: required against scheduled staff, and predicted service level.

Both figures read the requirements frame of a run
(:data:`rostering.results.REQUIREMENT_COLUMNS`): one row per interval and
channel with ``interval_start`` (time-zone aware or naive local), ``channel``,
``required``, ``scheduled``, ``shortfall``, ``surplus`` and, for the service
figure, ``service_level``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from rostering.domain.channels import Channel
from rostering.errors import FrameContractError
from rostering.reports import theme

#: Columns :func:`coverage_figure` needs.
COVERAGE_COLUMNS = frozenset(
    {"interval_start", "channel", "required", "scheduled", "shortfall", "surplus"}
)
#: Columns :func:`service_level_figure` needs.
SERVICE_COLUMNS = frozenset({"interval_start", "channel", "service_level"})


def _check(frame: pd.DataFrame, needed: frozenset[str], what: str) -> None:
    missing = needed - set(frame.columns)
    if missing:
        raise FrameContractError(
            f"{what}: expected columns {sorted(needed)}, got {sorted(frame.columns)} "
            f"(missing {sorted(missing)})"
        )


def _local_times(values: pd.Series) -> pd.Series:
    """Interval starts as naive local wall-clock times."""
    times = pd.to_datetime(values)
    if isinstance(times.dtype, pd.DatetimeTZDtype):
        times = times.dt.tz_localize(None)
    return times


def _interval(times: pd.Series) -> pd.Timedelta:
    steps = times.drop_duplicates().sort_values().diff().dropna()
    steps = steps[steps > pd.Timedelta(0)]
    return steps.min() if len(steps) else pd.Timedelta(minutes=30)


def _channel_order(frame: pd.DataFrame, channels: Iterable[str] | None) -> list[str]:
    present = list(dict.fromkeys(str(c) for c in frame["channel"]))
    if channels is None:
        return present
    wanted = [str(c) for c in channels]
    return [c for c in wanted if c in present]


def service_targets(channels: Sequence[Channel]) -> dict[str, float]:
    """Service-level target of each queued channel that sets one."""
    return {
        str(c.id): c.targets.service_level
        for c in channels
        if c.kind.queued and c.targets.service_level is not None
    }


def channel_names(channels: Sequence[Channel]) -> dict[str, str]:
    """Display name of each channel (its id when it has no name)."""
    return {str(c.id): c.name or str(c.id) for c in channels}


def coverage_figure(
    requirements: pd.DataFrame,
    *,
    channels: Iterable[str] | None = None,
    names: Mapping[str, str] | None = None,
    colours: Mapping[str, str] | None = None,
    title: str = "Required vs scheduled staff",
) -> go.Figure:
    """Required and scheduled staff per interval, one subplot per channel.

    Per channel four traces, named ``"<channel> scheduled"`` (filled step in the
    channel's colour), ``"<channel> required"`` (black step), ``"<channel>
    shortfall"`` (red bars from scheduled up to required) and ``"<channel>
    surplus"`` (light bars from required up to scheduled). Channels are drawn
    in the order given (default: as they first appear in the frame).
    """
    _check(requirements, COVERAGE_COLUMNS, "coverage_figure")
    order = _channel_order(requirements, channels)
    palette = dict(colours) if colours is not None else theme.channel_colours(order)
    labels = dict(names or {})
    fig = make_subplots(
        rows=max(1, len(order)),
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.06,
        subplot_titles=[labels.get(c, c) for c in order] or [""],
    )
    frame = requirements.assign(_t=_local_times(requirements["interval_start"]))
    step = _interval(frame["_t"]) if len(frame) else pd.Timedelta(minutes=30)
    width_ms = step.total_seconds() * 1000
    for row, channel in enumerate(order, start=1):
        part = frame[frame["channel"].astype(str) == channel].sort_values("_t")
        times = list(part["_t"]) + ([part["_t"].iloc[-1] + step] if len(part) else [])

        def stepped(column: str, rows: pd.DataFrame = part) -> list[float]:
            values = [round(float(v), 2) for v in rows[column]]
            return values + values[-1:]

        colour = theme.colour_of(channel, palette)
        fig.add_trace(
            go.Scatter(
                name=f"{channel} scheduled",
                x=times,
                y=stepped("scheduled"),
                mode="lines",
                line={"shape": "hv", "color": colour, "width": 1.5},
                fill="tozeroy",
                legendgroup=channel,
                hovertemplate="%{x|%a %d %b %H:%M}: %{y} scheduled<extra></extra>",
            ),
            row=row,
            col=1,
        )
        fig.add_trace(
            go.Scatter(
                name=f"{channel} required",
                x=times,
                y=stepped("required"),
                mode="lines",
                line={"shape": "hv", "color": theme.REQUIRED, "width": 1.5, "dash": "dot"},
                legendgroup=channel,
                hovertemplate="%{x|%a %d %b %H:%M}: %{y} required<extra></extra>",
            ),
            row=row,
            col=1,
        )
        for column, base_column, colour_gap in (
            ("shortfall", "scheduled", theme.SHORTFALL),
            ("surplus", "required", theme.SURPLUS),
        ):
            gaps = part[part[column] > 0]
            fig.add_trace(
                go.Bar(
                    name=f"{channel} {column}",
                    x=list(gaps["_t"]),
                    y=[round(float(v), 2) for v in gaps[column]],
                    base=[round(float(v), 2) for v in gaps[base_column]],
                    width=width_ms,
                    offset=0,
                    marker={"color": colour_gap, "line": {"width": 0}},
                    opacity=0.75,
                    legendgroup=channel,
                    hovertemplate=f"%{{x|%a %d %b %H:%M}}: %{{y}} {column}<extra></extra>",
                ),
                row=row,
                col=1,
            )
        fig.update_yaxes(title_text="agents", rangemode="tozero", row=row, col=1)
    fig.update_layout(
        template=theme.TEMPLATE,
        font={"family": theme.FONT},
        title=title,
        barmode="overlay",
        height=140 + 220 * max(1, len(order)),
        margin={"l": 10, "r": 10, "t": 70, "b": 40},
        hovermode="x unified",
    )
    return fig


def service_level_figure(
    requirements: pd.DataFrame,
    *,
    targets: Mapping[str, float],
    names: Mapping[str, str] | None = None,
    colours: Mapping[str, str] | None = None,
    title: str = "Predicted service level vs target",
) -> go.Figure:
    """Predicted service level per interval for each channel with a target.

    Per channel: ``"<channel> SL"`` (line in the channel's colour; intervals
    without volume, when the frame has a ``volume`` column, are gaps),
    ``"<channel> target"`` (dashed horizontal line) and ``"<channel> below
    target"`` (red markers on the intervals under the target). Values are shown
    in percent.
    """
    _check(requirements, SERVICE_COLUMNS, "service_level_figure")
    order = [c for c in _channel_order(requirements, targets.keys()) if c in targets]
    palette = dict(colours) if colours is not None else theme.channel_colours(order)
    labels = dict(names or {})
    frame = requirements.assign(_t=_local_times(requirements["interval_start"]))
    fig = go.Figure()
    if len(frame):
        t0: dt.datetime = frame["_t"].min()
        t1: dt.datetime = frame["_t"].max() + _interval(frame["_t"])
    for channel in order:
        part = frame[frame["channel"].astype(str) == channel].sort_values("_t")
        colour = theme.colour_of(channel, palette)
        level = pd.to_numeric(part["service_level"], errors="coerce") * 100
        if "volume" in part:
            # No contacts, no service to speak of: closed hours are gaps, not 100 %.
            level = level.where(pd.to_numeric(part["volume"], errors="coerce") > 0)
        target = targets[channel] * 100
        label = labels.get(channel, channel)
        fig.add_trace(
            go.Scatter(
                name=f"{channel} SL",
                x=list(part["_t"]),
                y=[None if pd.isna(v) else round(float(v), 2) for v in level],
                mode="lines",
                line={"color": colour, "width": 1.5},
                connectgaps=False,
                legendgroup=channel,
                hovertemplate=f"{label} %{{x|%a %d %b %H:%M}}: SL %{{y:.1f}} %<extra></extra>",
            )
        )
        fig.add_trace(
            go.Scatter(
                name=f"{channel} target",
                x=[t0, t1],
                y=[target, target],
                mode="lines",
                line={"color": colour, "width": 1, "dash": "dash"},
                legendgroup=channel,
                hovertemplate=f"{label} target {target:.0f} %<extra></extra>",
            )
        )
        below = part[level < target - 1e-9]
        fig.add_trace(
            go.Scatter(
                name=f"{channel} below target",
                x=list(below["_t"]),
                y=[round(float(v), 2) for v in level[level < target - 1e-9]],
                mode="markers",
                marker={"color": theme.SHORTFALL, "size": 6, "symbol": "x"},
                legendgroup=channel,
                hovertemplate=f"{label} %{{x|%a %d %b %H:%M}}: %{{y:.1f}} % < target"
                "<extra></extra>",
            )
        )
    fig.update_layout(
        template=theme.TEMPLATE,
        font={"family": theme.FONT},
        title=title,
        height=380,
        margin={"l": 10, "r": 10, "t": 70, "b": 40},
        yaxis={"title": "service level (%)", "range": [0, 101]},
    )
    return fig


__all__ = [
    "COVERAGE_COLUMNS",
    "SERVICE_COLUMNS",
    "channel_names",
    "coverage_figure",
    "service_level_figure",
    "service_targets",
]

"""From a demand frame to required agents and staff, and back from staffing to KPIs.

Demand frame (input of :func:`size_requirements`, long format, one row per interval and channel)
-------------------------------------------------------------------------------------------------
============== ========================= ==================================================
column         type                      meaning
============== ========================= ==================================================
interval_start Timestamp, tz-aware       start of the interval
channel        str                       a :class:`~rostering.domain.channels.Channel` id
volume         float >= 0                contacts (items) arriving in the interval
aht_s          float > 0 if volume > 0   mean handling time in seconds (chat: chat
                                         duration at the channel's concurrency)
============== ========================= ==================================================

Other columns are carried through unchanged. ``(interval_start, channel)``
must be unique.

Requirements frame (output of :func:`size_requirements`): the input columns plus
--------------------------------------------------------------------------------
==================== ============== ===========================================================
column               type           meaning
==================== ============== ===========================================================
load_erlangs         float          offered load, volume x aht_s / interval length
required_agents      int            agents on the floor: the smallest number meeting every
                                    target of the channel (queued), or the workload rounded up
required_staff       int            staff to roster on the floor: the smallest number meeting
                                    the targets when each is away a share shrinkage(hour) of
                                    the time and works at ``proficiency`` (queued: sized on
                                    load / ((1 - shrinkage) x proficiency); workload: that
                                    load over occupancy, rounded up once)
required_staff_exact float          required_agents / ((1 - shrinkage(hour)) x proficiency),
                                    for reference
pool                 str            the pool the channel is sized in (its own id when alone)
pool_required_staff  int            required staff of the pool in the interval (the row's own
                                    required_staff when alone); see
                                    :mod:`rostering.sizing.pooled`
service_level        float          predicted at required_agents (NaN for workload channels)
asa_s                float          predicted mean wait of answered contacts, seconds (NaN for
                                    workload channels)
abandon_rate         float          predicted abandonment (NaN under Erlang C, which has no
                                    abandonment, and for workload channels)
occupancy            float          predicted busy share of the agents (slots for chat)
unstable             bool           the queue cannot be served at that staffing
window_end           Timestamp/NaT  outbound/deferred: interval_start + completion window;
                                    NaT for queued channels
==================== ============== ===========================================================

A queued channel (inbound, chat) uses Erlang C, or Erlang A when the channel
sets ``patience_s``; chat has ``concurrency`` slots per agent
(:mod:`rostering.sizing.chat`). Outbound and deferred channels are sized by
workload (:mod:`rostering.sizing.workload`). Shrinkage is the channel's
``shrinkage_at(hour)`` at the local hour of ``interval_start``: the time the
roster does not place (meals and breaks that it schedules are not shrinkage),
taken as capacity lost, so the staff figure is rounded once, not sized and
then divided and rounded again.

KPI frame (output of :func:`predict_kpis`): the input columns, which must
include ``scheduled`` (float >= 0, agents on the floor for the channel), plus
``service_level``, ``asa_s``, ``abandon_rate``, ``occupancy`` and ``unstable``
as above, predicted at ``floor(scheduled)``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

from rostering.domain.channels import Channel
from rostering.errors import FrameContractError, InputError
from rostering.sizing.pooled import pool_members, size_pools
from rostering.sizing.queued import queue_kpis
from rostering.sizing.staffing import min_agents
from rostering.sizing.workload import size_workload, whole_agents
from rostering.types import ChannelId

logger = logging.getLogger(__name__)

DEMAND_COLUMNS: tuple[str, ...] = ("interval_start", "channel", "volume", "aht_s")
"""Columns every demand frame must have."""
REQUIREMENT_COLUMNS: tuple[str, ...] = (
    "load_erlangs",
    "required_agents",
    "required_staff",
    "required_staff_exact",
    "service_level",
    "asa_s",
    "abandon_rate",
    "occupancy",
    "unstable",
    "window_end",
    "pool",
    "pool_required_staff",
)
"""Columns :func:`size_requirements` adds."""
KPI_COLUMNS: tuple[str, ...] = ("service_level", "asa_s", "abandon_rate", "occupancy", "unstable")
"""Columns :func:`predict_kpis` adds."""


def _fmt(value: object) -> str:
    if isinstance(value, float | np.floating):
        return f"{float(value):g}"
    return repr(value)


def _channel_map(channels: Sequence[Channel]) -> dict[ChannelId, Channel]:
    by_id: dict[ChannelId, Channel] = {}
    for channel in channels:
        if channel.id in by_id:
            raise InputError(f"channels: id {channel.id!r} appears more than once")
        by_id[channel.id] = channel
    return by_id


def _check_frame(
    frame: pd.DataFrame, channels: Mapping[ChannelId, Channel], *, required: Iterable[str]
) -> None:
    """Check the demand contract (and any ``required`` extra columns) with row-level messages."""
    if not isinstance(frame, pd.DataFrame):
        raise FrameContractError(f"Expected a pandas DataFrame, got {type(frame).__name__}")
    needed = set(required)
    if not needed <= set(frame.columns):
        raise FrameContractError(
            f"Expected columns {sorted(needed)}, got {sorted(map(str, frame.columns))}"
        )
    starts = frame["interval_start"]
    if not isinstance(starts.dtype, pd.DatetimeTZDtype):
        raise FrameContractError(
            f"interval_start must hold tz-aware Timestamps, got dtype {starts.dtype}"
        )
    labels = frame.index.to_numpy()
    missing = starts.isna().to_numpy()
    if missing.any():
        raise FrameContractError(f"row {labels[missing.argmax()]}: interval_start is missing")
    ids = frame["channel"].to_numpy()
    if pd.api.types.infer_dtype(frame["channel"], skipna=False) != "string":
        for pos, value in enumerate(ids):
            if not isinstance(value, str):
                raise FrameContractError(f"row {labels[pos]}: channel must be a str, got {value!r}")
    unknown = sorted(set(ids) - set(channels))
    if unknown:
        raise FrameContractError(
            f"demand channel {unknown[0]!r} is not among the channels given ({sorted(channels)})"
        )
    numeric = ["volume", "aht_s"] + (["scheduled"] if "scheduled" in needed else [])
    for column in numeric:
        if not pd.api.types.is_numeric_dtype(frame[column].dtype):
            raise FrameContractError(f"{column} must be numeric, got dtype {frame[column].dtype}")
    volume = frame["volume"].to_numpy(dtype=np.float64)
    bad = ~np.isfinite(volume) | (volume < 0)
    if bad.any():
        pos = int(bad.argmax())
        raise FrameContractError(
            f"row {labels[pos]}: volume must be finite and >= 0, got {_fmt(volume[pos])}"
        )
    aht = frame["aht_s"].to_numpy(dtype=np.float64)
    bad = (volume > 0) & ~(np.isfinite(aht) & (aht > 0))
    if bad.any():
        pos = int(bad.argmax())
        raise FrameContractError(f"row {labels[pos]}: aht_s must be positive, got {_fmt(aht[pos])}")
    if "scheduled" in needed:
        scheduled = frame["scheduled"].to_numpy(dtype=np.float64)
        bad = ~np.isfinite(scheduled) | (scheduled < 0)
        if bad.any():
            pos = int(bad.argmax())
            raise FrameContractError(
                f"row {labels[pos]}: scheduled must be finite and >= 0, got {_fmt(scheduled[pos])}"
            )
    duplicated = frame.duplicated(subset=["interval_start", "channel"]).to_numpy()
    if duplicated.any():
        pos = int(duplicated.argmax())
        raise FrameContractError(
            f"row {labels[pos]}: interval {starts.iloc[pos]} of channel {ids[pos]!r} "
            "appears more than once"
        )


def _check_interval(interval_minutes: float) -> float:
    if not (np.isfinite(interval_minutes) and interval_minutes > 0):
        raise InputError(f"interval_minutes must be positive, got {interval_minutes}")
    return float(interval_minutes) * 60.0


def _shrinkage(
    frame: pd.DataFrame, channels: Mapping[ChannelId, Channel]
) -> npt.NDArray[np.float64]:
    """Per-row shrinkage: ``channel.shrinkage_at(local hour of interval_start)``."""
    hours = frame["interval_start"].dt.hour.to_numpy()
    ids = frame["channel"].to_numpy()
    out = np.zeros(len(frame))
    for channel_id in pd.unique(ids):
        channel = channels[ChannelId(str(channel_id))]
        table = np.array([channel.shrinkage_at(h) for h in range(24)])
        pos = np.flatnonzero(ids == channel_id)
        out[pos] = table[hours[pos]]
    return out


def _queued_kpis(
    agents: npt.NDArray[np.int64],
    load: npt.NDArray[np.float64],
    aht: npt.NDArray[np.float64],
    channel: Channel,
) -> dict[str, npt.NDArray[np.float64] | npt.NDArray[np.bool_]]:
    kpis = queue_kpis(
        agents,
        load,
        aht_s=aht,
        threshold_s=channel.targets.threshold_s,
        patience_s=channel.patience_s,
        concurrency=channel.concurrency,
    )
    return {
        "service_level": kpis.service_level,
        "asa_s": kpis.asa_s,
        "abandon_rate": kpis.abandon_rate,
        "occupancy": kpis.occupancy,
        "unstable": kpis.unstable,
    }


def _pooled_load(
    frame: pd.DataFrame, load: npt.NDArray[np.float64], channels: Mapping[ChannelId, Channel]
) -> npt.NDArray[np.float64]:
    """Per row, the load its agents see, in agent-erlangs: the pool's where pooled.

    A chat-erlang is ``1 / concurrency`` of an agent.
    """
    k = np.array([channels[ChannelId(str(c))].concurrency for c in frame["channel"]], dtype=float)
    own: npt.NDArray[np.float64] = load / k
    if "pool" not in frame.columns or len(frame) == 0:
        return own
    pooled = frame["pool"].astype(str).to_numpy() != frame["channel"].astype(str).to_numpy()
    if not pooled.any():
        return own
    keys = pd.MultiIndex.from_arrays([frame["pool"].astype(str), frame["interval_start"]])
    totals = pd.Series(own, index=keys).groupby(level=[0, 1]).transform("sum").to_numpy()
    seen: npt.NDArray[np.float64] = np.where(pooled, totals, own)
    return seen


def size_requirements(
    demand: pd.DataFrame,
    channels: Sequence[Channel],
    *,
    interval_minutes: float,
    proficiency: float = 1.0,
    pools: Sequence[Sequence[ChannelId]] = (),
) -> pd.DataFrame:
    r"""Required agents and staff per interval and channel, with the KPIs they deliver.

    Queued channels: the smallest :math:`N` meeting every target of the channel
    (:func:`rostering.sizing.staffing.min_agents`). Outbound/deferred channels:
    :math:`\lceil \text{volume} \cdot AHT / (\text{interval} \cdot o) \rceil`
    with a ``window_end``. Then

    ``required_staff`` is the same search on the load divided by
    :math:`(1 - \text{shrinkage}(h)) \cdot \text{proficiency}` (agents away
    part of the time serve less), rounded once. Channels in ``pools`` are
    also sized together (:mod:`rostering.sizing.pooled`).

    Parameters
    ----------
    demand : pandas.DataFrame
        The demand frame (module docstring).
    channels : Sequence[Channel]
        Every channel named in ``demand``.
    interval_minutes : float
        Length of one interval in minutes (e.g. 15).
    proficiency : float, default 1.0
        Mean productivity of the staff relative to an experienced agent, in
        (0, 1]; e.g. 0.8 for a team with new agents still ramping up.
    pools : Sequence[Sequence[ChannelId]], default ()
        Sets of queued channels the same agents carry at once, sized on their
        joint workload.

    Returns
    -------
    pandas.DataFrame
        ``demand`` plus :data:`REQUIREMENT_COLUMNS`, same index and row order.

    Raises
    ------
    FrameContractError
        A missing column, a bad value (named by row) or an unknown channel.
    InputError
        A bad ``interval_minutes`` or ``proficiency``.
    """
    interval_s = _check_interval(interval_minutes)
    if not (np.isfinite(proficiency) and 0 < proficiency <= 1):
        raise InputError(f"proficiency must be in (0, 1], got {proficiency}")
    by_id = _channel_map(channels)
    _check_frame(demand, by_id, required=DEMAND_COLUMNS)
    size = len(demand)
    ids = demand["channel"].to_numpy()
    volume = demand["volume"].to_numpy(dtype=np.float64)
    aht = np.where(volume > 0, demand["aht_s"].to_numpy(dtype=np.float64), 1.0)
    load = volume * aht / interval_s

    pool_of = pool_members(pools, by_id)
    shrinkage = _shrinkage(demand, by_id)
    available = (1.0 - shrinkage) * proficiency
    effective = load / available
    required = np.zeros(size, dtype=np.int64)
    staff = np.zeros(size, dtype=np.int64)
    columns: dict[str, npt.NDArray[np.float64] | npt.NDArray[np.bool_]] = {
        "service_level": np.full(size, np.nan),
        "asa_s": np.full(size, np.nan),
        "abandon_rate": np.full(size, np.nan),
        "occupancy": np.zeros(size),
        "unstable": np.zeros(size, dtype=bool),
    }
    workload_mask = np.zeros(size, dtype=bool)
    for channel_id in pd.unique(ids):
        channel = by_id[ChannelId(str(channel_id))]
        pos = np.flatnonzero(ids == channel_id)
        if channel.kind.queued:
            agents = min_agents(
                load[pos],
                aht[pos],
                targets=channel.targets,
                patience_s=channel.patience_s,
                concurrency=channel.concurrency,
            )
            required[pos] = agents
            staff[pos] = min_agents(
                effective[pos],
                aht[pos],
                targets=channel.targets,
                patience_s=channel.patience_s,
                concurrency=channel.concurrency,
            )
            for name, values in _queued_kpis(agents, load[pos], aht[pos], channel).items():
                columns[name][pos] = values
            logger.debug("sized %d intervals of queued channel %s", pos.size, channel_id)
        else:
            workload_mask[pos] = True

    window_end = pd.Series(pd.NaT, index=demand.index, dtype=demand["interval_start"].dtype)
    if workload_mask.any():
        sized = size_workload(demand[workload_mask], by_id, interval_minutes=interval_minutes)
        pos = np.flatnonzero(workload_mask)
        agents = sized["required_agents"].to_numpy(dtype=np.int64)
        required[pos] = agents
        work = sized["workload_agents"].to_numpy(dtype=np.float64)
        staff[pos] = whole_agents(work / available[pos])
        columns["occupancy"][pos] = np.where(agents > 0, load[pos] / np.maximum(agents, 1), 0.0)
        window_end.iloc[pos] = sized["window_end"].to_numpy()
        logger.debug("sized %d intervals of workload channels", pos.size)

    exact = required / available
    pooled = size_pools(demand, by_id, pool_of, effective_load=effective)
    out = demand.copy()
    out["load_erlangs"] = load
    out["required_agents"] = required
    out["required_staff"] = staff
    out["required_staff_exact"] = exact
    for name in ("service_level", "asa_s", "abandon_rate", "occupancy", "unstable"):
        out[name] = columns[name]
    out["window_end"] = window_end
    out["pool"] = [str(pool_of.get(ChannelId(str(c)), c)) for c in ids]
    out["pool_required_staff"] = np.where(pooled >= 0, pooled, staff)
    return out


def predict_kpis(
    frame: pd.DataFrame,
    channels: Sequence[Channel],
    *,
    interval_minutes: float,
) -> pd.DataFrame:
    """Predicted KPIs per interval and channel for a given staffing (the roster report's view).

    ``scheduled`` counts agents on the floor for the channel (after shrinkage:
    shrinkage is not applied again). A fractional value, e.g. an agent present
    for half of the interval, is **floored**: a queue served by 7.5 agents is
    reported as served by 7, so the prediction never flatters the roster and
    the ``unstable`` flag stays exact.

    Queued channels get Erlang C / Erlang A / chat KPIs (see
    :func:`size_requirements`). Outbound and deferred rows get NaN for service
    level, ASA and abandonment (they do not queue) and occupancy
    ``min(load / scheduled, 1)`` (1 when load is positive and nobody is
    scheduled: the work is deferred, not lost).

    With a ``pool`` column (as :func:`size_requirements` writes it), a pooled
    channel's ``scheduled`` counts the pool's agents and its KPIs are
    predicted on the pool's joint workload (:mod:`rostering.sizing.pooled`).

    Parameters
    ----------
    frame : pandas.DataFrame
        The demand columns plus ``scheduled`` (float >= 0).
    channels : Sequence[Channel]
        Every channel named in ``frame``.
    interval_minutes : float
        Length of one interval in minutes.

    Returns
    -------
    pandas.DataFrame
        ``frame`` plus :data:`KPI_COLUMNS`, same index and row order.
    """
    interval_s = _check_interval(interval_minutes)
    by_id = _channel_map(channels)
    _check_frame(frame, by_id, required=(*DEMAND_COLUMNS, "scheduled"))
    size = len(frame)
    ids = frame["channel"].to_numpy()
    volume = frame["volume"].to_numpy(dtype=np.float64)
    aht = np.where(volume > 0, frame["aht_s"].to_numpy(dtype=np.float64), 1.0)
    load = volume * aht / interval_s
    agents = np.floor(frame["scheduled"].to_numpy(dtype=np.float64)).astype(np.int64)
    columns: dict[str, npt.NDArray[np.float64] | npt.NDArray[np.bool_]] = {
        "service_level": np.full(size, np.nan),
        "asa_s": np.full(size, np.nan),
        "abandon_rate": np.full(size, np.nan),
        "occupancy": np.zeros(size),
        "unstable": np.zeros(size, dtype=bool),
    }
    seen = _pooled_load(frame, load, by_id)
    for channel_id in pd.unique(ids):
        channel = by_id[ChannelId(str(channel_id))]
        pos = np.flatnonzero(ids == channel_id)
        if channel.kind.queued:
            k = channel.concurrency
            kpis = _queued_kpis(agents[pos], seen[pos] * k, aht[pos], channel)
            for name, values in kpis.items():
                columns[name][pos] = values
        else:
            n, a = agents[pos], load[pos]
            columns["occupancy"][pos] = np.where(
                n > 0, np.minimum(a / np.maximum(n, 1), 1.0), np.where(a > 0, 1.0, 0.0)
            )
    out = frame.copy()
    for name in KPI_COLUMNS:
        out[name] = columns[name]
    return out


__all__ = [
    "DEMAND_COLUMNS",
    "KPI_COLUMNS",
    "REQUIREMENT_COLUMNS",
    "predict_kpis",
    "size_requirements",
]

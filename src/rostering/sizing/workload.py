r"""Workload sizing for outbound calls and deferred work (e-mail, tickets, forum replies).

This work does not queue: nobody waits on the line, so it is sized by the
agent time it needs, and may be done anywhere inside a completion window.

.. math::
    \text{workload\_agents} = \frac{\text{volume} \times AHT}
                                  {\text{interval length} \times o},\qquad
    \text{required\_agents} = \lceil \text{workload\_agents} \rceil

where :math:`o` is the channel's ``targets.max_occupancy`` (1 when unset): the
share of an agent's productive time that this work may fill. The result is in
agent-intervals: 2.5 means two and a half agents busy for the whole interval.

Each row also gets ``window_end = interval_start + completion_window_h``: the
work that arrives in the interval may be done at any time in
``[interval_start, window_end)``, and the roster stage enforces *cumulative*
coverage (work done by ``window_end`` >= work arrived by ``interval_start``).
A channel without ``completion_window_h`` must be done in its own interval
(``window_end = interval_start + interval``).

Frame contract of :func:`size_workload`
---------------------------------------
Input: ``interval_start`` (tz-aware Timestamp), ``channel`` (str), ``volume``
(float >= 0), ``aht_s`` (float > 0 where volume > 0), rows of outbound or
deferred channels only (checked by the caller,
:func:`rostering.sizing.requirements.size_requirements`).
Output: the input columns plus ``load_erlangs`` (float, volume x AHT /
interval length), ``workload_agents`` (float), ``required_agents`` (int),
``window_end`` (Timestamp).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt
import pandas as pd

from rostering.domain.channels import Channel
from rostering.errors import InputError
from rostering.types import ChannelId


def workload_agents(
    volume: npt.ArrayLike,
    aht_s: npt.ArrayLike,
    *,
    interval_s: float,
    max_occupancy: float = 1.0,
) -> npt.NDArray[np.float64]:
    r"""Agent-intervals of work: :math:`\text{volume} \cdot AHT / (\text{interval\_s} \cdot o)`.

    Parameters
    ----------
    volume : array_like of float
        Items in the interval, >= 0.
    aht_s : array_like of float
        Handling time per item in seconds, > 0 where volume > 0 (ignored where 0).
    interval_s : float
        Interval length in seconds, > 0.
    max_occupancy : float, default 1.0
        Share of productive time the work may fill, in (0, 1].

    Returns
    -------
    numpy.ndarray
        Fractional agents needed for the whole interval; 0 where volume is 0.

    Examples
    --------
    120 e-mails of 180 s in a day at 85 % occupancy need 0.294 agent-days:

    >>> round(float(workload_agents(120, 180.0, interval_s=86400.0, max_occupancy=0.85)), 3)
    0.294
    """
    if not interval_s > 0:
        raise InputError(f"interval_s must be positive, got {interval_s}")
    if not 0 < max_occupancy <= 1:
        raise InputError(f"max_occupancy must be in (0, 1], got {max_occupancy}")
    vol = np.asarray(volume, dtype=np.float64)
    aht = np.asarray(aht_s, dtype=np.float64)
    if np.any(vol < 0) or not np.all(np.isfinite(vol)):
        bad = vol[(vol < 0) | ~np.isfinite(vol)].flat[0]
        raise InputError(f"volume must be finite and >= 0, got {bad}")
    busy = np.where(vol > 0, vol * np.where(vol > 0, aht, 0.0), 0.0)
    if np.any((vol > 0) & ~(aht > 0)):
        bad = np.broadcast_to(aht, busy.shape)[(vol > 0) & ~(aht > 0)].flat[0]
        raise InputError(f"aht_s must be positive, got {bad}")
    return np.asarray(busy / (interval_s * max_occupancy), dtype=np.float64)


def whole_agents(exact: npt.ArrayLike) -> npt.NDArray[np.int64]:
    """Round fractional agents up, ignoring float noise below 1e-9 (3.0000000001 -> 3)."""
    return np.ceil(np.round(np.asarray(exact, dtype=np.float64), 9)).astype(np.int64)


def size_workload(
    demand: pd.DataFrame,
    channels: Mapping[ChannelId, Channel],
    *,
    interval_minutes: float,
) -> pd.DataFrame:
    """Per-interval workload and completion window of outbound/deferred rows.

    Parameters
    ----------
    demand : pandas.DataFrame
        Rows of the demand frame whose channels are outbound or deferred (see
        the module docstring for the columns).
    channels : Mapping[ChannelId, Channel]
        The channels by id; every ``demand.channel`` must be a key.
    interval_minutes : float
        Length of one interval in minutes.

    Returns
    -------
    pandas.DataFrame
        ``demand`` plus ``load_erlangs``, ``workload_agents``,
        ``required_agents`` and ``window_end``, same index.
    """
    if not interval_minutes > 0:
        raise InputError(f"interval_minutes must be positive, got {interval_minutes}")
    interval_s = float(interval_minutes) * 60.0
    ids = demand["channel"].to_numpy()
    volume = demand["volume"].to_numpy(dtype=np.float64)
    aht = demand["aht_s"].to_numpy(dtype=np.float64)
    load = np.zeros(len(demand))
    work = np.zeros(len(demand))
    window_h = np.full(len(demand), np.nan)
    for channel_id in pd.unique(ids):
        channel = channels[ChannelId(str(channel_id))]
        if channel.kind.queued:
            raise InputError(f"channel {channel_id!r} is {channel.kind.value}: size it as a queue")
        pos = np.flatnonzero(ids == channel_id)
        load[pos] = workload_agents(volume[pos], aht[pos], interval_s=interval_s)
        work[pos] = load[pos] / (channel.targets.max_occupancy or 1.0)
        hours = channel.completion_window_h
        window_h[pos] = hours if hours is not None else interval_s / 3600.0
    out = demand.copy()
    out["load_erlangs"] = load
    out["workload_agents"] = work
    out["required_agents"] = whole_agents(work)
    out["window_end"] = out["interval_start"] + pd.to_timedelta(window_h * 3600.0, unit="s")
    return out


__all__ = ["size_workload", "whole_agents", "workload_agents"]

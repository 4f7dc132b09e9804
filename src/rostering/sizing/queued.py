"""KPIs of a queued channel (voice or chat): Erlang C or Erlang A, on agents times concurrency.

The one entry point the requirements frame and chat sizing use to predict a
queue's performance, whichever model and concurrency the channel has.
"""

from __future__ import annotations

import numpy.typing as npt

from rostering.errors import InputError
from rostering.sizing.erlang_a import erlang_a_kpis
from rostering.sizing.erlang_c import erlang_c_kpis
from rostering.sizing.kpis import QueueKpis
from rostering.sizing.numerics import check_agents


def queue_kpis(
    agents: npt.ArrayLike,
    load: npt.ArrayLike,
    *,
    aht_s: npt.ArrayLike,
    threshold_s: npt.ArrayLike,
    patience_s: float | None = None,
    concurrency: int = 1,
) -> QueueKpis:
    r"""KPIs of a queued channel: Erlang C, or Erlang A when ``patience_s`` is set.

    With ``concurrency = k > 1`` (chat) the queue has :math:`N k` servers (chat
    slots); see :mod:`rostering.sizing.chat` for the model and its assumptions.
    Occupancy is then busy slots / slots.

    Parameters
    ----------
    agents : array_like of int
        Agents on the floor, >= 0.
    load : array_like of float
        Offered load in erlangs, >= 0 (for chat: chats x chat duration / interval).
    aht_s : array_like of float
        Mean handling time (chat: chat duration) in seconds, > 0.
    threshold_s : array_like of float
        Service-level answer time in seconds, >= 0.
    patience_s : float, optional
        Mean patience in seconds; ``None`` means no abandonment (Erlang C).
    concurrency : int, default 1
        Contacts one agent serves at once, >= 1.

    Returns
    -------
    QueueKpis
    """
    if concurrency < 1:
        raise InputError(f"concurrency must be >= 1, got {concurrency}")
    servers = check_agents(agents) * concurrency
    if patience_s is None:
        return erlang_c_kpis(servers, load, aht_s=aht_s, threshold_s=threshold_s)
    return erlang_a_kpis(servers, load, aht_s=aht_s, patience_s=patience_s, threshold_s=threshold_s)


__all__ = ["queue_kpis"]

r"""Chat sizing: one agent serves up to ``k`` chats at once.

The model
---------
A chat channel with concurrency :math:`k` is sized as a queue with
:math:`N k` *chat slots*: an agent is :math:`k` slots, an arriving chat takes
any free slot on any agent, and waits first come, first served when every slot
is taken. With Poisson arrivals and exponential chat durations this is exactly
M/M/(Nk) (Erlang C) or, with exponential patience, M/M/(Nk)+M (Erlang A), so
every formula of :mod:`rostering.sizing.erlang_c` and :mod:`rostering.sizing.erlang_a`
applies to :math:`Nk` servers.

Assumptions, stated so a planner can judge them:

* ``aht_s`` of a chat row is the **chat duration at the channel's
  concurrency**: the time a chat holds one of the agent's slots, as measured
  on the floor while agents run ``k`` chats (this is the concurrency-inflated
  handling time; a chat handled alone would be shorter). If only the
  single-chat handling time :math:`h_1` is known, pass
  :math:`h_1 \cdot f` with an inflation factor :math:`f` measured for the
  team (often :math:`f \approx 1 + 0.5 (k - 1)`); the model does not guess it.
* a chat's duration does not depend on how many other chats its agent holds
  at the moment (slots are independent servers);
* routing fills any free slot, so no chat waits while a slot is free.
* occupancy is the share of busy slots, and ``targets.max_occupancy`` caps it.

:func:`rostering.sizing.simulate.simulate_queue` with ``concurrency=k``
simulates agents that each hold ``k`` slots and checks these formulas.
"""

from __future__ import annotations

import numpy.typing as npt

from rostering.domain.channels import ServiceTargets
from rostering.errors import InputError
from rostering.sizing.kpis import QueueKpis
from rostering.sizing.numerics import IntArray
from rostering.sizing.queued import queue_kpis
from rostering.sizing.staffing import min_agents


def _check_concurrency(concurrency: int) -> None:
    if concurrency < 1:
        raise InputError(f"concurrency must be >= 1, got {concurrency}")


def chat_kpis(
    agents: npt.ArrayLike,
    load: npt.ArrayLike,
    *,
    concurrency: int,
    aht_s: npt.ArrayLike,
    threshold_s: npt.ArrayLike,
    patience_s: float | None = None,
) -> QueueKpis:
    r"""KPIs of a chat queue served by ``agents`` agents of ``concurrency`` slots each.

    The queue has :math:`c = N k` servers and offered load :math:`A = \lambda
    \cdot d` erlangs (``d`` = chat duration ``aht_s``); Erlang C on :math:`c`
    servers, or Erlang A when ``patience_s`` is set. Occupancy is
    :math:`A (1 - P(Ab)) / c`, the share of busy slots.

    Parameters
    ----------
    agents : array_like of int
        Agents on the floor, >= 0.
    load : array_like of float
        Offered load in chat-erlangs (chats x chat duration / interval), >= 0.
    concurrency : int
        Chats one agent serves at once, >= 1.
    aht_s : array_like of float
        Chat duration at that concurrency, seconds, > 0.
    threshold_s : array_like of float
        Service-level answer time in seconds.
    patience_s : float, optional
        Mean patience before a waiting chat is abandoned.

    Returns
    -------
    QueueKpis

    Examples
    --------
    Three agents of three chats each are nine slots:

    >>> a = chat_kpis(3, 6.0, concurrency=3, aht_s=600.0, threshold_s=30.0)
    >>> from rostering.sizing.erlang_c import erlang_c_kpis
    >>> b = erlang_c_kpis(9, 6.0, aht_s=600.0, threshold_s=30.0)
    >>> bool(a.service_level == b.service_level)
    True
    """
    _check_concurrency(concurrency)
    return queue_kpis(
        agents,
        load,
        aht_s=aht_s,
        threshold_s=threshold_s,
        patience_s=patience_s,
        concurrency=concurrency,
    )


def chat_min_agents(
    load: npt.ArrayLike,
    aht_s: npt.ArrayLike,
    *,
    concurrency: int,
    targets: ServiceTargets,
    patience_s: float | None = None,
) -> IntArray:
    r"""Smallest number of agents :math:`N` whose :math:`N k` slots meet every target.

    The search runs over whole agents (each adding :math:`k` slots); see
    :func:`rostering.sizing.staffing.min_agents`.
    """
    _check_concurrency(concurrency)
    return min_agents(load, aht_s, targets=targets, patience_s=patience_s, concurrency=concurrency)


__all__ = ["chat_kpis", "chat_min_agents"]

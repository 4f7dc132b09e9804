r"""The predicted performance of a queue: the record every queueing formula returns.

Notation (all times in seconds)
-------------------------------
``load`` :math:`A = \lambda \cdot AHT` is the offered load in erlangs, ``agents``
:math:`N` the agents (servers) on the floor, ``aht_s`` the mean handling time
:math:`1/\mu`, ``patience_s`` the mean caller patience :math:`1/\theta`
(exponential) and ``threshold_s`` the service-level answer time :math:`T`.

Definitions used throughout
---------------------------
* service level :math:`SL(T)`: share of *offered* contacts answered within
  :math:`T` (abandoned contacts count as not answered);
* ASA: mean wait of *answered* contacts (contacts answered at once count as 0);
* abandon rate: share of offered contacts that hang up before an answer;
* occupancy: mean busy agents / agents.

A load that Erlang C cannot serve (:math:`N \le A`, the queue grows without
bound) is reported as ``unstable`` with ``service_level = 0``,
``asa_s = inf``, ``wait_probability = 1`` and ``occupancy = 1``; it is never
reported as a number that looks fine. Erlang A is stable for every
:math:`N \ge 1` because waiting callers abandon; with no agent at all nothing
is answered and the row is flagged ``unstable`` as well.
"""

from __future__ import annotations

from dataclasses import dataclass

from rostering.sizing.numerics import BoolArray, FloatArray


@dataclass(frozen=True)
class QueueKpis:
    """Predicted performance of a queue, one value per element of the broadcast inputs.

    Attributes
    ----------
    wait_probability
        Share of contacts that find every agent busy and wait.
    service_level
        Share of offered contacts answered within ``threshold_s``.
    asa_s
        Mean wait of answered contacts in seconds (``inf`` when unstable).
    abandon_rate
        Share of offered contacts that abandon; ``NaN`` under Erlang C, which has
        no abandonment in its model.
    occupancy
        Mean busy agents (chat: busy chat slots) over agents (slots).
    unstable
        True where the queue cannot be served: Erlang C with ``agents <= load``,
        or any model with no agent and a positive load.
    """

    wait_probability: FloatArray
    service_level: FloatArray
    asa_s: FloatArray
    abandon_rate: FloatArray
    occupancy: FloatArray
    unstable: BoolArray


__all__ = ["QueueKpis"]

"""Sizing stage: from demand per interval to required agents and staff, and back to KPIs.

* :mod:`~rostering.sizing.erlang_c`: exact Erlang B and Erlang C, vectorised;
* :mod:`~rostering.sizing.erlang_a`: exact Erlang A (impatient callers), vectorised;
* :mod:`~rostering.sizing.kpis`: the predicted-performance record and what each measure means;
* :mod:`~rostering.sizing.queued`: the KPIs of a queued channel, Erlang C or A, with concurrency;
* :mod:`~rostering.sizing.staffing`: the minimum agents meeting every target of a channel;
* :mod:`~rostering.sizing.numerics`: argument checks and log-space building blocks they share;
* :mod:`~rostering.sizing.chat`: chat with several chats per agent;
* :mod:`~rostering.sizing.workload`: outbound and deferred work, with completion windows;
* :mod:`~rostering.sizing.requirements`: the demand -> requirements frame contract
  (:func:`size_requirements`) and the staffing -> KPI view (:func:`predict_kpis`);
* :mod:`~rostering.sizing.simulate`: a discrete-event simulator that checks the formulas.
"""

from rostering.sizing.chat import chat_kpis, chat_min_agents
from rostering.sizing.erlang_a import (
    erlang_a_abandon_rate,
    erlang_a_asa,
    erlang_a_kpis,
    erlang_a_occupancy,
    erlang_a_service_level,
    erlang_a_wait_probability,
)
from rostering.sizing.erlang_c import (
    erlang_b,
    erlang_c_asa,
    erlang_c_kpis,
    erlang_c_occupancy,
    erlang_c_service_level,
    erlang_c_wait_probability,
)
from rostering.sizing.kpis import QueueKpis
from rostering.sizing.queued import queue_kpis
from rostering.sizing.requirements import (
    DEMAND_COLUMNS,
    KPI_COLUMNS,
    REQUIREMENT_COLUMNS,
    predict_kpis,
    size_requirements,
)
from rostering.sizing.simulate import Estimate, SimulationResult, simulate_queue
from rostering.sizing.staffing import min_agents
from rostering.sizing.workload import size_workload, whole_agents, workload_agents

__all__ = [
    "DEMAND_COLUMNS",
    "KPI_COLUMNS",
    "REQUIREMENT_COLUMNS",
    "Estimate",
    "QueueKpis",
    "SimulationResult",
    "chat_kpis",
    "chat_min_agents",
    "erlang_a_abandon_rate",
    "erlang_a_asa",
    "erlang_a_kpis",
    "erlang_a_occupancy",
    "erlang_a_service_level",
    "erlang_a_wait_probability",
    "erlang_b",
    "erlang_c_asa",
    "erlang_c_kpis",
    "erlang_c_occupancy",
    "erlang_c_service_level",
    "erlang_c_wait_probability",
    "min_agents",
    "predict_kpis",
    "queue_kpis",
    "simulate_queue",
    "size_requirements",
    "size_workload",
    "whole_agents",
    "workload_agents",
]

"""Nurse-rostering benchmark research, apart from the product's roster path.

The Curtois & Qu instances (:mod:`rostering.nrp.curtois`, reader and
solver-free evaluator) state demand as a day cover per shift type
(:mod:`rostering.nrp.cover`, :mod:`rostering.nrp.instance`); the techniques
that solve them well plug into the product search through
:class:`rostering.roster.strategy.SearchStrategy` as :data:`NRP`
(:mod:`rostering.nrp.strategy`): cover pricing, the agent-by-agent first
roster and the stretch formulation. The product never imports this package.
"""

from rostering.nrp.curtois import benchmark_objective, benchmark_violations, load_instance
from rostering.nrp.instance import DayCover, NrpInstance
from rostering.nrp.strategy import NRP, NrpStrategy

__all__ = [
    "NRP",
    "DayCover",
    "NrpInstance",
    "NrpStrategy",
    "benchmark_objective",
    "benchmark_violations",
    "load_instance",
]

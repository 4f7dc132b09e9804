"""Roster simulation: play a roster through a discrete-event simulation of the days it covers.

* :mod:`~rostering.simulation.inputs`: what the simulation plays (channels, demand, segments);
* :mod:`~rostering.simulation.engine`: one replication (:func:`play`), and the model it follows;
* :mod:`~rostering.simulation.draws`: the contacts and agent windows a replication draws;
* :mod:`~rostering.simulation.compiled`: the event loop of a replication, compiled with numba
  (:mod:`~rostering.simulation.routing`: the pure-Python reference it is checked against);
* :mod:`~rostering.simulation.run`: replications and confidence intervals (:func:`simulate`).
"""

from rostering.simulation.engine import Tally, play
from rostering.simulation.inputs import HandleTime, Segment, SimChannel, SimInput
from rostering.simulation.run import KPIS, SimulationResult, confidence_interval, simulate

__all__ = [
    "KPIS",
    "HandleTime",
    "Segment",
    "SimChannel",
    "SimInput",
    "SimulationResult",
    "Tally",
    "confidence_interval",
    "play",
    "simulate",
]

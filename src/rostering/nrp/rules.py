"""The rules a nurse-rostering benchmark instance adds to the product's model.

The day cover is the benchmark's demand; the stretch formulation restates
the run limits so the bound of a whole-model search sees them whole.
"""

from __future__ import annotations

from rostering.nrp.cover import DayCoverRule
from rostering.nrp.stretches import WorkStretches
from rostering.roster.instance import RosterInstance
from rostering.roster.model import BuiltModel, build_model
from rostering.roster.rules.base import Rule


def nrp_rules(instance: RosterInstance, *, redundant: bool) -> list[Rule]:
    """The day cover, and with ``redundant`` the stretch formulation.

    Each rule applies only where it has something to do (a day cover; binding
    run limits on a small enough model), so the list suits any instance.
    """
    return [DayCoverRule(), *([WorkStretches()] if redundant else [])]


def nrp_model(instance: RosterInstance) -> BuiltModel:
    """The whole model of ``instance`` with the benchmark's rules, as the search builds it."""
    return build_model(instance, extra_rules=nrp_rules(instance, redundant=True))


__all__ = ["nrp_model", "nrp_rules"]

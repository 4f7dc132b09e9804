"""Defaults that change answers: which ones a scenario left to the product.

A scenario that leaves out an occupancy cap, a service target or a roster
weight gets the product's value. Those values change the staffing, the roster
and its cost, so a run names each one it applied (printed by the CLI and kept
in ``kpis.json``) instead of applying it silently.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from rostering.domain.channels import ChannelKind
from rostering.domain.scenario import Scenario

_TARGETS = ("service_level", "threshold_s", "abandon_rate", "max_occupancy")
_CHANNEL = ("shrinkage", "priority")
_WEIGHTS = ("shortfall_per_agent_hour", "surplus_per_agent_hour", "request_unit")
_STANDBY = (
    "management_ratio",
    "standby_per_day",
    "floor_support_ratio",
    "absenteeism_rate",
)


class DefaultUsed(BaseModel):
    """One value the scenario did not set and the product supplied."""

    model_config = ConfigDict(extra="forbid")

    field: str = Field(description="Where in the scenario, e.g. channels[inbound].targets.x.")
    value: float | int | bool | str | None


def _unset(model: BaseModel, names: tuple[str, ...], prefix: str) -> list[DefaultUsed]:
    return [
        DefaultUsed(field=f"{prefix}{name}", value=getattr(model, name))
        for name in names
        if name not in model.model_fields_set
        and name in type(model).model_fields
        and getattr(model, name) is not None
    ]


def defaults_used(scenario: Scenario) -> list[DefaultUsed]:
    """The answer-changing values ``scenario`` left to the product's defaults."""
    out: list[DefaultUsed] = []
    for channel in scenario.channels:
        where = f"channels[{channel.id}]."
        queued = channel.kind in (ChannelKind.INBOUND, ChannelKind.CHAT)
        if queued:
            out += _unset(channel.targets, _TARGETS, where + "targets.")
        out += _unset(channel, _CHANNEL, where)
    out += _unset(scenario.weights, _WEIGHTS, "weights.")
    if "standby" in scenario.model_fields_set:
        out += _unset(scenario.standby, _STANDBY, "standby.")
    if "pooled_sizing" not in scenario.model_fields_set:
        out.append(DefaultUsed(field="pooled_sizing", value=scenario.pooled_sizing))
    return out


__all__ = ["DefaultUsed", "defaults_used"]

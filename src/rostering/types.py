"""Typed identifiers shared by every stage.

Ids are plain strings at run time; the ``NewType`` wrappers let mypy catch an
agent id passed where a channel id is expected.
"""

from __future__ import annotations

from typing import NewType

AgentId = NewType("AgentId", str)
ChannelId = NewType("ChannelId", str)
ShiftId = NewType("ShiftId", str)
ScenarioId = NewType("ScenarioId", str)
RunId = NewType("RunId", str)

__all__ = ["AgentId", "ChannelId", "RunId", "ScenarioId", "ShiftId"]

"""What the phone system's agent states mean: activities, and which count as adherent.

An ACD names its states as it likes (``Available``, ``AUX 3``, ``wrap-up``).
:class:`StateMapping` turns each name into one :class:`Activity` and says, for
each :class:`ScheduledActivity` of the roster, which activities count as in
adherence. Arrays elsewhere in the stage hold activities and scheduled
activities as codes: a code is the position in :data:`ACTIVITY_CODES` or
:data:`SCHEDULED_CODES`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class Activity(StrEnum):
    """What an agent is doing, whatever the phone system calls it."""

    PRODUCTIVE = "productive"
    """Available, talking, on hold, wrapping up: time that serves customers."""
    NOT_READY = "not_ready"
    """Logged in but refusing contacts (aux / not-ready codes)."""
    BREAK = "break"
    """A short break."""
    MEAL = "meal"
    """A meal."""
    OTHER = "other"
    """Logged in doing something else: training, meeting, coaching."""
    OFFLINE = "offline"
    """Logged out."""


ACTIVITY_CODES: tuple[Activity, ...] = tuple(Activity)
"""Activities in code order: ``ACTIVITY_CODES.index(a)`` is the code used in arrays."""
OFFLINE_CODE = ACTIVITY_CODES.index(Activity.OFFLINE)
"""Code of :attr:`Activity.OFFLINE`: logged out, or no event at all."""


class ScheduledActivity(StrEnum):
    """What the roster says an agent should be doing."""

    WORK = "work"
    MEAL = "meal"
    BREAK = "break"
    """A scheduled short break (the roster's ``breaks`` column)."""


SCHEDULED_CODES: tuple[ScheduledActivity, ...] = tuple(ScheduledActivity)
"""Scheduled activities in code order, as :data:`ACTIVITY_CODES` for activities."""


def normalise_state(value: str) -> str:
    """The lookup form of a state name: trimmed, lower case, spaces and dashes as ``_``."""
    return value.strip().lower().replace(" ", "_").replace("-", "_")


_DEFAULT_STATES: dict[str, Activity] = {
    "login": Activity.PRODUCTIVE,
    "logout": Activity.OFFLINE,
    "logged_out": Activity.OFFLINE,
    "offline": Activity.OFFLINE,
    "available": Activity.PRODUCTIVE,
    "ready": Activity.PRODUCTIVE,
    "idle": Activity.PRODUCTIVE,
    "ringing": Activity.PRODUCTIVE,
    "on_call": Activity.PRODUCTIVE,
    "inbound": Activity.PRODUCTIVE,
    "outbound": Activity.PRODUCTIVE,
    "chat": Activity.PRODUCTIVE,
    "email": Activity.PRODUCTIVE,
    "hold": Activity.PRODUCTIVE,
    "after_call_work": Activity.PRODUCTIVE,
    "wrap_up": Activity.PRODUCTIVE,
    "acw": Activity.PRODUCTIVE,
    "not_ready": Activity.NOT_READY,
    "aux": Activity.NOT_READY,
    "personal": Activity.NOT_READY,
    "break": Activity.BREAK,
    "meal": Activity.MEAL,
    "lunch": Activity.MEAL,
    "training": Activity.OTHER,
    "meeting": Activity.OTHER,
    "coaching": Activity.OTHER,
}


class StateMapping(BaseModel):
    """How the phone system's states become activities, and which count as adherent.

    ``states`` maps each state name (compared after :func:`normalise_state`) to
    an activity. ``login_states`` open a session: a login while already logged
    in means the earlier session lost its logout. ``equivalence`` says which
    actual activities count as in adherence for each scheduled activity (by
    default logged out, on a break or on a meal all count for a scheduled meal
    and for a scheduled short break alike; working through either is out of
    adherence). A mapping that names the meal but not the short break gives
    the break the meal's activities.
    ``neutral`` states count as in adherence whatever is scheduled (authorised
    off-phone work such as training). A state not in ``states`` is flagged and
    read as ``unknown_as``, or dropped when that is ``None``.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    states: dict[str, Activity] = Field(
        default_factory=lambda: dict(_DEFAULT_STATES),
        description="State name -> activity.",
    )
    login_states: list[str] = Field(
        default_factory=lambda: ["login"], description="States that open a session."
    )
    equivalence: dict[ScheduledActivity, list[Activity]] = Field(
        default_factory=lambda: {
            ScheduledActivity.WORK: [Activity.PRODUCTIVE],
            ScheduledActivity.MEAL: [Activity.MEAL, Activity.BREAK, Activity.OFFLINE],
            ScheduledActivity.BREAK: [Activity.BREAK, Activity.MEAL, Activity.OFFLINE],
        },
        description="Scheduled activity -> actual activities that count as in adherence "
        "(a short break not named takes the meal's).",
    )
    neutral: list[str] = Field(
        default_factory=lambda: ["training", "meeting", "coaching"],
        description="States in adherence whatever is scheduled.",
    )
    unknown_as: Activity | None = Field(
        Activity.OTHER,
        description="Activity of a state not in `states` (flagged); None drops such rows.",
    )

    @field_validator("states")
    @classmethod
    def _normalise_states(cls, value: dict[str, Activity]) -> dict[str, Activity]:
        return {normalise_state(k): v for k, v in value.items()}

    @field_validator("equivalence")
    @classmethod
    def _break_like_meal(
        cls, value: dict[ScheduledActivity, list[Activity]]
    ) -> dict[ScheduledActivity, list[Activity]]:
        if ScheduledActivity.BREAK not in value and ScheduledActivity.MEAL in value:
            return {**value, ScheduledActivity.BREAK: list(value[ScheduledActivity.MEAL])}
        return value

    @field_validator("login_states", "neutral")
    @classmethod
    def _normalise_names(cls, value: list[str]) -> list[str]:
        return sorted({normalise_state(v) for v in value})

    @model_validator(mode="after")
    def _known(self) -> Self:
        for name in [*self.login_states, *self.neutral]:
            if name not in self.states:
                raise ValueError(f"state {name!r} is named but not mapped in `states`")
        for name in self.login_states:
            if self.states[name] is Activity.OFFLINE:
                raise ValueError(f"login state {name!r} cannot map to offline")
        return self

    def equivalence_matrix(self) -> npt.NDArray[np.bool_]:
        """``m[scheduled_code, activity_code]``: is the pair in adherence."""
        m = np.zeros((len(SCHEDULED_CODES), len(ACTIVITY_CODES)), dtype=bool)
        for s, acts in self.equivalence.items():
            for a in acts:
                m[SCHEDULED_CODES.index(s), ACTIVITY_CODES.index(a)] = True
        return m


__all__ = [
    "ACTIVITY_CODES",
    "OFFLINE_CODE",
    "SCHEDULED_CODES",
    "Activity",
    "ScheduledActivity",
    "StateMapping",
    "normalise_state",
]

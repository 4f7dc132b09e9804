"""The state mapping: names normalised, every named state mapped."""

from __future__ import annotations

import pytest

from rostering.adherence import StateMapping


def test_state_mapping_is_checked_and_normalised() -> None:
    m = StateMapping(
        states={"Log In": "productive", "LOGOUT": "offline"}, login_states=["log in"], neutral=[]
    )
    assert "log_in" in m.states and m.login_states == ["log_in"]
    with pytest.raises(ValueError, match="not mapped"):
        StateMapping(neutral=["nap"])

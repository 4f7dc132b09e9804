"""Coverage and service-level figures: one subplot per channel, gaps highlighted."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from rostering.domain.channels import Channel
from rostering.errors import FrameContractError
from rostering.reports import theme
from rostering.reports.coverage import coverage_figure, service_level_figure, service_targets


def _trace(fig, name):  # type: ignore[no-untyped-def]
    found = [t for t in fig.data if t.name == name]
    assert len(found) == 1, f"expected one trace {name!r}, got {[t.name for t in fig.data]}"
    return found[0]


def test_one_subplot_per_channel(requirements: pd.DataFrame) -> None:
    fig = coverage_figure(requirements)
    axes = {}
    for channel in ("inbound", "chat", "outbound"):
        for kind in ("scheduled", "required", "shortfall", "surplus"):
            axes.setdefault(channel, set()).add(_trace(fig, f"{channel} {kind}").yaxis)
    assert axes == {"inbound": {"y"}, "chat": {"y2"}, "outbound": {"y3"}}
    assert len(fig.data) == 12
    assert [a.text for a in fig.layout.annotations] == ["inbound", "chat", "outbound"]


def test_channel_order_and_names_follow_arguments(requirements: pd.DataFrame) -> None:
    fig = coverage_figure(
        requirements, channels=["outbound", "inbound"], names={"outbound": "Outbound calls"}
    )
    assert [a.text for a in fig.layout.annotations] == ["Outbound calls", "inbound"]
    assert _trace(fig, "outbound scheduled").yaxis == "y"
    assert not [t for t in fig.data if t.name.startswith("chat")]


def test_scheduled_in_channel_colour(requirements: pd.DataFrame) -> None:
    colours = theme.channel_colours(["inbound", "chat", "outbound"])
    fig = coverage_figure(requirements, colours=colours)
    for channel, colour in colours.items():
        assert _trace(fig, f"{channel} scheduled").line.color == colour
        assert _trace(fig, f"{channel} required").line.color == theme.REQUIRED


def test_shortfall_and_surplus_bars(requirements: pd.DataFrame) -> None:
    fig = coverage_figure(requirements)
    short = _trace(fig, "inbound shortfall")
    # 09:00 and 09:30 on both days: 1 scheduled, 2 required
    assert len(short.x) == 4
    assert list(short.y) == [1.0] * 4 and list(short.base) == [1.0] * 4
    assert short.marker.color == theme.SHORTFALL
    assert short.width == 30 * 60 * 1000 and short.offset == 0
    surplus = _trace(fig, "chat surplus")
    assert list(surplus.y) == [1.0] * 4 and list(surplus.base) == [1.0] * 4
    assert surplus.marker.color == theme.SURPLUS
    assert len(_trace(fig, "outbound shortfall").x) == 0


def test_times_are_local_wall_clock(requirements: pd.DataFrame) -> None:
    fig = coverage_figure(requirements)
    first = pd.Timestamp(_trace(fig, "inbound required").x[0])
    assert first == pd.Timestamp(dt.datetime(2026, 9, 30, 9, 0))
    # the step line closes at the end of the last interval
    last = pd.Timestamp(_trace(fig, "inbound required").x[-1])
    assert last == pd.Timestamp(dt.datetime(2026, 10, 1, 12, 0))


def test_missing_columns_are_named(requirements: pd.DataFrame) -> None:
    with pytest.raises(FrameContractError, match="missing \\['shortfall'\\]"):
        coverage_figure(requirements.drop(columns=["shortfall"]))
    with pytest.raises(FrameContractError, match="service_level"):
        service_level_figure(requirements.drop(columns=["service_level"]), targets={})


def test_service_level_against_target(requirements: pd.DataFrame, channels: list[Channel]) -> None:
    targets = service_targets(channels)
    assert targets == {"inbound": 0.8, "chat": 0.9}
    fig = service_level_figure(requirements, targets=targets)
    assert {t.name for t in fig.data} == {
        f"{c} {k}" for c in ("inbound", "chat") for k in ("SL", "target", "below target")
    }
    assert list(_trace(fig, "inbound target").y) == [80.0, 80.0]
    assert list(_trace(fig, "chat target").y) == [pytest.approx(90.0)] * 2
    below = _trace(fig, "inbound below target")
    assert list(below.y) == [pytest.approx(60.0)] * 4
    assert below.marker.color == theme.SHORTFALL
    assert len(_trace(fig, "chat below target").x) == 0
    assert _trace(fig, "chat SL").line.color == theme.channel_colours(["inbound", "chat"])["chat"]


def test_intervals_without_volume_are_gaps(requirements: pd.DataFrame) -> None:
    quiet = requirements.copy()
    quiet.loc[(quiet["channel"] == "inbound") & (quiet.index < 9), "volume"] = 0.0
    fig = service_level_figure(quiet, targets={"inbound": 0.8})
    levels = list(_trace(fig, "inbound SL").y)
    assert levels[:3] == [None] * 3 and levels[3] == pytest.approx(85.0)
    # the 09:00 and 09:30 intervals of day 0 had no volume: no longer below target
    assert len(_trace(fig, "inbound below target").x) == 2

"""The demand -> requirements frame contract, workload windows, shrinkage, and predict_kpis."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import rostering.sizing as sizing
from rostering.domain.channels import Channel, ChannelKind, ServiceTargets
from rostering.errors import FrameContractError, InputError
from rostering.sizing import (
    DEMAND_COLUMNS,
    KPI_COLUMNS,
    REQUIREMENT_COLUMNS,
    erlang_a_kpis,
    min_agents,
    predict_kpis,
    size_requirements,
)
from rostering.types import ChannelId

VOICE = Channel(id=ChannelId("voice"), kind=ChannelKind.INBOUND, shrinkage=0.3)
VOICE_A = Channel(
    id=ChannelId("voice_a"),
    kind=ChannelKind.INBOUND,
    patience_s=120.0,
    targets=ServiceTargets(abandon_rate=0.05),
    shrinkage=0.25,
    shrinkage_by_hour={12: 0.5},
)
CHAT = Channel(id=ChannelId("chat"), kind=ChannelKind.CHAT, concurrency=3, shrinkage=0.2)
EMAIL = Channel(
    id=ChannelId("email"), kind=ChannelKind.DEFERRED, completion_window_h=24.0, shrinkage=0.1
)
OUTBOUND = Channel(id=ChannelId("outbound"), kind=ChannelKind.OUTBOUND, shrinkage=0.1)
CHANNELS = [VOICE, VOICE_A, CHAT, EMAIL, OUTBOUND]


def demand(rows: list[tuple[str, str, float, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "interval_start": pd.to_datetime([r[0] for r in rows]).tz_localize("Asia/Shanghai"),
            "channel": [r[1] for r in rows],
            "volume": [r[2] for r in rows],
            "aht_s": [r[3] for r in rows],
        }
    )


FRAME = demand(
    [
        ("2025-03-03 09:00", "voice", 100.0, 180.0),
        ("2025-03-03 12:00", "voice_a", 60.0, 240.0),
        ("2025-03-03 13:00", "voice_a", 60.0, 240.0),
        ("2025-03-03 09:00", "chat", 40.0, 600.0),
        ("2025-03-03 09:00", "email", 120.0, 180.0),
        ("2025-03-03 09:00", "outbound", 30.0, 180.0),
        ("2025-03-03 09:15", "voice", 0.0, 0.0),
    ]
)


def test_public_surface_is_sorted_and_complete() -> None:
    assert sizing.__all__ == sorted(sizing.__all__, key=lambda n: (not n.isupper(), n))
    for name in sizing.__all__:
        assert hasattr(sizing, name)


def test_output_columns_and_types() -> None:
    out = size_requirements(FRAME, CHANNELS, interval_minutes=15)
    assert list(out.columns) == [*DEMAND_COLUMNS, *REQUIREMENT_COLUMNS]
    assert out.index.equals(FRAME.index)
    assert out["required_agents"].dtype == np.int64
    assert out["required_staff"].dtype == np.int64
    assert out["unstable"].dtype == bool
    assert isinstance(out["window_end"].dtype, pd.DatetimeTZDtype)
    assert not out["unstable"].any()


def test_queued_rows_match_the_maths() -> None:
    out = size_requirements(FRAME, CHANNELS, interval_minutes=15).set_index("channel")
    voice = out.iloc[0]
    # 100 calls x 180 s in 900 s = 20 erlangs; 80/20 and 85 % occupancy -> 24 agents
    assert voice["load_erlangs"] == pytest.approx(20.0)
    assert voice["required_agents"] == int(min_agents(20.0, 180.0, targets=VOICE.targets)) == 24
    assert voice["required_staff_exact"] == pytest.approx(24 / 0.7)
    # staff away 30 % of the time: sized once on 20 / 0.7 erlangs, not 24 / 0.7 rounded up
    assert voice["required_staff"] == int(min_agents(20.0 / 0.7, 180.0, targets=VOICE.targets))
    assert voice["required_staff"] <= math.ceil(24 / 0.7)
    assert voice["service_level"] >= 0.8 and voice["occupancy"] <= 0.85
    assert math.isnan(voice["abandon_rate"])  # Erlang C has no abandonment
    assert pd.isna(voice["window_end"])
    chat = out.loc["chat"]
    assert chat["required_agents"] == int(
        min_agents(40 * 600 / 900, 600.0, targets=CHAT.targets, concurrency=3)
    )


def test_erlang_a_rows_and_shrinkage_by_hour() -> None:
    out = size_requirements(FRAME, CHANNELS, interval_minutes=15)
    rows = out[out["channel"] == "voice_a"]
    noon, one = rows.iloc[0], rows.iloc[1]
    assert noon["required_agents"] == one["required_agents"]
    n = int(noon["required_agents"])
    kpis = erlang_a_kpis(n, 16.0, aht_s=240.0, patience_s=120.0, threshold_s=20.0)
    assert noon["abandon_rate"] == pytest.approx(float(kpis.abandon_rate))
    assert noon["abandon_rate"] <= 0.05
    assert noon["required_staff_exact"] == pytest.approx(n / 0.5)  # 12:00 local uses 50 %
    assert one["required_staff_exact"] == pytest.approx(n / 0.75)


def test_workload_rows_have_windows() -> None:
    out = size_requirements(FRAME, CHANNELS, interval_minutes=15).set_index("channel")
    email = out.loc["email"]
    # 120 x 180 s / (900 s x 0.85) = 28.24 agent-intervals
    assert email["required_agents"] == 29
    assert email["occupancy"] == pytest.approx(120 * 180 / 900 / 29)
    assert email["window_end"] - email["interval_start"] == pd.Timedelta(hours=24)
    assert math.isnan(email["service_level"]) and math.isnan(email["asa_s"])
    outbound = out.loc["outbound"]
    assert outbound["window_end"] - outbound["interval_start"] == pd.Timedelta(minutes=15)


def test_zero_volume_gives_zero_agents() -> None:
    out = size_requirements(FRAME, CHANNELS, interval_minutes=15)
    idle = out.iloc[-1]
    assert idle["required_agents"] == 0 and idle["required_staff"] == 0
    assert idle["service_level"] == 1.0 and idle["asa_s"] == 0.0


def test_proficiency_raises_staff_not_agents() -> None:
    full = size_requirements(FRAME, CHANNELS, interval_minutes=15)
    new = size_requirements(FRAME, CHANNELS, interval_minutes=15, proficiency=0.8)
    assert (new["required_agents"] == full["required_agents"]).all()
    assert np.allclose(new["required_staff_exact"], full["required_staff_exact"] / 0.8)


def test_missing_columns_are_listed() -> None:
    with pytest.raises(FrameContractError, match=r"Expected columns \['aht_s', 'channel'"):
        size_requirements(FRAME.drop(columns=["aht_s"]), CHANNELS, interval_minutes=15)


def test_bad_values_name_the_row() -> None:
    bad = FRAME.copy()
    bad.index = range(10, 17)
    bad.loc[12, "aht_s"] = -20.0
    with pytest.raises(FrameContractError, match="row 12: aht_s must be positive, got -20"):
        size_requirements(bad, CHANNELS, interval_minutes=15)
    bad = FRAME.copy()
    bad.loc[3, "volume"] = -1.0
    with pytest.raises(FrameContractError, match="row 3: volume must be finite and >= 0, got -1"):
        size_requirements(bad, CHANNELS, interval_minutes=15)


def test_unknown_channel_is_named() -> None:
    with pytest.raises(FrameContractError, match="demand channel 'fax' is not among"):
        size_requirements(
            demand([("2025-03-03 09:00", "fax", 1.0, 60.0)]), CHANNELS, interval_minutes=15
        )


def test_naive_timestamps_and_duplicates_are_rejected() -> None:
    naive = FRAME.copy()
    naive["interval_start"] = naive["interval_start"].dt.tz_localize(None)
    with pytest.raises(FrameContractError, match="tz-aware"):
        size_requirements(naive, CHANNELS, interval_minutes=15)
    with pytest.raises(FrameContractError, match="appears more than once"):
        size_requirements(pd.concat([FRAME, FRAME.iloc[:1]]), CHANNELS, interval_minutes=15)


def test_bad_arguments() -> None:
    with pytest.raises(InputError, match="interval_minutes must be positive, got 0"):
        size_requirements(FRAME, CHANNELS, interval_minutes=0)
    with pytest.raises(InputError, match="proficiency must be in"):
        size_requirements(FRAME, CHANNELS, interval_minutes=15, proficiency=0.0)
    with pytest.raises(InputError, match="appears more than once"):
        size_requirements(FRAME, [*CHANNELS, VOICE], interval_minutes=15)


def test_predict_kpis_floors_scheduled_and_flags_unstable() -> None:
    frame = FRAME.copy()
    frame["scheduled"] = [24.9, 15.0, 16.0, 5.0, 3.0, 0.0, 0.0]
    out = predict_kpis(frame, CHANNELS, interval_minutes=15)
    assert list(out.columns) == [*frame.columns, *KPI_COLUMNS]
    sized = size_requirements(FRAME, CHANNELS, interval_minutes=15)
    # 24.9 scheduled voice agents are predicted as 24, the sized requirement
    assert out["service_level"].iloc[0] == pytest.approx(sized["service_level"].iloc[0])
    # 15 agents for 16 erlangs under Erlang A is stable; chat 5 x 3 slots for 26.7 erlangs is not
    assert not out["unstable"].iloc[1]
    assert out["unstable"].iloc[3]
    assert out["service_level"].iloc[3] == 0.0 and np.isinf(out["asa_s"].iloc[3])
    assert out["occupancy"].iloc[4] == pytest.approx(1.0)  # e-mail: 24 erlangs on 3 agents
    assert out["occupancy"].iloc[5] == 1.0  # outbound work and nobody scheduled
    assert out["service_level"].iloc[6] == 1.0  # no calls, no agents


def test_predict_kpis_needs_scheduled() -> None:
    with pytest.raises(FrameContractError, match="scheduled"):
        predict_kpis(FRAME, CHANNELS, interval_minutes=15)
    frame = FRAME.copy()
    frame["scheduled"] = -1.0
    with pytest.raises(FrameContractError, match="row 0: scheduled must be finite and >= 0"):
        predict_kpis(frame, CHANNELS, interval_minutes=15)


def test_pooled_channels_need_fewer_agents_than_the_sum_of_their_own_sizing() -> None:
    """Inbound and chat carried by the same agents: one pooled requirement, below the sum."""
    chat = Channel(
        id=ChannelId("chat"),
        kind=ChannelKind.CHAT,
        targets=ServiceTargets(service_level=0.8, threshold_s=30),
        concurrency=3,
        shrinkage=0.0,
    )
    voice = VOICE.model_copy(update={"shrinkage": 0.0})
    start = pd.Timestamp("2026-09-28 10:00", tz="Asia/Shanghai")
    demand = pd.DataFrame(
        {
            "interval_start": [start, start],
            "channel": ["voice", "chat"],
            "volume": [40.0, 50.0],
            "aht_s": [180.0, 160.0],
        }
    )
    alone = size_requirements(demand, [voice, chat], interval_minutes=30)
    pooled = size_requirements(
        demand, [voice, chat], interval_minutes=30, pools=[[ChannelId("voice"), chat.id]]
    )
    assert list(pooled["pool"]) == ["chat+voice", "chat+voice"]
    need = int(pooled["pool_required_staff"].iloc[0])
    assert (pooled["pool_required_staff"] == need).all()
    assert 1 <= need < int(alone["required_staff"].sum())
    assert list(alone["pool"]) == ["voice", "chat"]
    assert list(alone["pool_required_staff"]) == list(alone["required_staff"])


def test_a_pool_of_one_channel_or_of_workload_is_refused() -> None:
    demand = pd.DataFrame(
        {
            "interval_start": [pd.Timestamp("2026-09-28 10:00", tz="Asia/Shanghai")],
            "channel": ["voice"],
            "volume": [6.0],
            "aht_s": [180.0],
        }
    )
    with pytest.raises(InputError, match="two channels"):
        size_requirements(demand, [VOICE], interval_minutes=30, pools=[[ChannelId("voice")]])

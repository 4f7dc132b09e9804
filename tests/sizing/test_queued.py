"""queue_kpis: the channel's patience picks Erlang C or A, and chat slots count as servers."""

from __future__ import annotations

import pytest

from rostering.errors import InputError
from rostering.sizing.erlang_a import erlang_a_kpis
from rostering.sizing.erlang_c import erlang_c_kpis
from rostering.sizing.queued import queue_kpis


def test_chat_concurrency_multiplies_servers() -> None:
    chat = queue_kpis(4, 9.0, aht_s=600.0, threshold_s=30.0, concurrency=3)
    plain = erlang_c_kpis(12, 9.0, aht_s=600.0, threshold_s=30.0)
    assert float(chat.service_level) == float(plain.service_level)
    assert float(chat.occupancy) == pytest.approx(9.0 / 12)


def test_patience_picks_erlang_a_on_the_chat_slots() -> None:
    chat = queue_kpis(4, 9.0, aht_s=600.0, threshold_s=30.0, patience_s=90.0, concurrency=3)
    plain = erlang_a_kpis(12, 9.0, aht_s=600.0, patience_s=90.0, threshold_s=30.0)
    assert float(chat.abandon_rate) == float(plain.abandon_rate)
    assert float(chat.service_level) == float(plain.service_level)


def test_bad_concurrency_is_named() -> None:
    with pytest.raises(InputError, match="concurrency must be >= 1, got 0"):
        queue_kpis(3, 1.0, aht_s=20.0, threshold_s=20.0, concurrency=0)

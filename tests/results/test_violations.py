"""The violation summary: where texts parsed, rows summed by rule and channel, compact days."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console

from rostering.cli_tables import VIOLATION_ROWS, print_violation_groups, violation_table
from rostering.results import ViolationGroup, summarise_violations
from rostering.results.violations import compact_days, format_amount, parse_where, unit_of
from rostering.roster import rule_names as rn
from rostering.roster.solution import Violation

CHANNELS = ("inbound", "chat", "outbound", "chat+inbound")
START = dt.date(2026, 9, 28)


def _v(
    rule: str, where: str, amount: float = 1, cost: float = 0, *, hard: bool = False
) -> Violation:
    return Violation(rule=rule, where=where, amount=amount, cost=cost, hard=hard)


@pytest.mark.parametrize(
    ("where", "days", "channel"),
    [
        ("2026-09-28 10:00 chat+inbound", [dt.date(2026, 9, 28)], "chat+inbound"),
        ("2026-10-03 23:30 outbound", [dt.date(2026, 10, 3)], "outbound"),
        ("Mon 2026-09-28: worst channel below 50%", [dt.date(2026, 9, 28)], "-"),
        ("Tue 2026-09-29: 1 backup(s) needed on call", [dt.date(2026, 9, 29)], "-"),
        ("Wed 2026-09-30: 1:8", [dt.date(2026, 9, 30)], "-"),
        ("weekends among agents on one_on_one_off", [], "-"),
        ("a1 day 3 E", [dt.date(2026, 10, 1)], "-"),
        ("a1 day 0 any shift", [START], "-"),
        ("A1 2026-09-28 09:30", [dt.date(2026, 9, 28)], "-"),
        ("2026-02-30 10:00 inbound", [], "inbound"),
        ("20261-09-28 inbound x", [], "-"),
        ("", [], "-"),
        ("   ", [], "-"),
        ("inbound", [], "inbound"),
        ("2026-09-28 10:00 webchat", [dt.date(2026, 9, 28)], "-"),
    ],
)
def test_parse_where_reads_every_rule_format(where: str, days: list[dt.date], channel: str) -> None:
    assert parse_where(where, CHANNELS, start=START) == (days, channel)


def test_parse_where_reads_day_indices_only_with_a_start() -> None:
    assert parse_where("a1 day 3 E", CHANNELS) == ([], "-")


@given(st.text())
def test_parse_where_never_raises(where: str) -> None:
    days, channel = parse_where(where, CHANNELS, start=START)
    assert channel == "-" or channel in CHANNELS
    assert all(isinstance(d, dt.date) for d in days)


def test_parse_where_survives_a_day_index_past_the_calendar() -> None:
    assert parse_where("a1 day 9999 E", (), start=dt.date(9999, 12, 1)) == ([], "-")


def test_summary_groups_by_rule_and_channel_costliest_first() -> None:
    violations = [
        _v(rn.SHORTFALL, "2026-09-28 10:00 chat+inbound", 2, 180),
        _v(rn.SHORTFALL, "2026-09-28 10:30 chat+inbound", 1, 90),
        _v(rn.SHORTFALL, "2026-09-30 10:00 chat+inbound", 1, 90),
        _v(rn.SHORTFALL, "2026-09-29 11:00 outbound", 3, 90),
        _v(rn.SECONDARY, "2026-09-28 11:30 chat+inbound", 1, 2),
        _v(rn.FAIRNESS, "weekends among agents on one_on_one_off", 1, 5),
        _v(rn.BACKUP_POOL, "Mon 2026-09-28: 1 backup(s) needed on call", 1, 0),
        _v(rn.SHIFT_OFF_REQUEST, "a1 day 2 E", 1, 10),
        _v(rn.LABOUR, "a1 E Mon 2026-09-28", 8, 400),
        _v("min rest", "a2 day 1", hard=True),
    ]
    groups = summarise_violations(violations, CHANNELS, start=START)
    assert [(g.rule, g.channel) for g in groups] == [
        ("min rest", "-"),
        (rn.SHORTFALL, "chat+inbound"),
        (rn.SHORTFALL, "outbound"),
        (rn.SHIFT_OFF_REQUEST, "-"),
        (rn.FAIRNESS, "-"),
        (rn.SECONDARY, "chat+inbound"),
        (rn.BACKUP_POOL, "-"),
    ]
    short = groups[1]
    assert short == ViolationGroup(
        rule=rn.SHORTFALL,
        channel="chat+inbound",
        days=[dt.date(2026, 9, 28), dt.date(2026, 9, 30)],
        amount=4,
        cost=360,
        unit="agent-intervals short",
        count=3,
    )
    assert groups[0].hard and groups[0].unit == "breaches"
    assert groups[0].days == [dt.date(2026, 9, 29)]
    assert groups[3].days == [dt.date(2026, 9, 30)]
    assert groups[3].unit == "requests not granted"
    # labour is a cost, never a violation
    assert rn.LABOUR not in {g.rule for g in groups}
    assert sum(g.cost for g in groups) == sum(v.cost for v in violations if v.rule != rn.LABOUR)


def test_summary_of_nothing_is_empty() -> None:
    assert summarise_violations([], CHANNELS) == []


def test_units_name_what_each_rule_counts() -> None:
    assert unit_of(rn.SURPLUS) == "agent-intervals over"
    assert unit_of(rn.FLOOR) == "percentage points below the floor"
    assert unit_of(rn.PRESENCE) == "intervals with nobody able"
    assert unit_of(rn.SECONDARY) == "agent-intervals of help"
    assert unit_of("something new") == ""
    assert unit_of(rn.SHORTFALL, hard=True) == "breaches"


@pytest.mark.parametrize(
    ("days", "text"),
    [
        ([], "-"),
        ([dt.date(2026, 10, 5)], "5 Oct"),
        (
            [dt.date(2026, 9, 28) + dt.timedelta(days=i) for i in range(6)]
            + [dt.date(2026, 10, 5)],
            "28 Sep-3 Oct, 5 Oct",
        ),
        ([dt.date(2026, 9, 30), dt.date(2026, 9, 28), dt.date(2026, 9, 29)], "28-30 Sep"),
        ([dt.date(2026, 9, 28), dt.date(2026, 9, 28)], "28 Sep"),
    ],
)
def test_compact_days(days: list[dt.date], text: str) -> None:
    assert compact_days(days) == text


def test_compact_days_sums_runs_past_the_limit() -> None:
    days = [dt.date(2026, 10, 1) + dt.timedelta(days=2 * i) for i in range(5)]
    assert compact_days(days, limit=2) == "1 Oct, 3 Oct, +3 more days"


def test_format_amount() -> None:
    assert format_amount(336.0) == "336"
    assert format_amount(1234.5) == "1,234.50"


def _many_groups(n: int) -> list[ViolationGroup]:
    return [
        ViolationGroup(
            rule=f"rule {i}",
            channel="chat+inbound",
            days=[dt.date(2026, 9, 28) + dt.timedelta(days=2 * d) for d in range(10)],
            amount=i,
            cost=1000.0 - i,
            unit="agent-intervals short",
            count=1,
        )
        for i in range(n)
    ]


def _printed(groups: list[ViolationGroup], width: int) -> list[str]:
    console = Console(width=width, record=True, file=None, force_terminal=False)
    with console.capture() as capture:
        print_violation_groups(console, groups)
    return capture.get().splitlines()


@pytest.mark.parametrize("width", [80, 150])
def test_the_terminal_summary_fits_in_20_lines(width: int) -> None:
    groups = _many_groups(30)
    lines = _printed(groups, width)
    assert len(lines) <= 20
    rest = sum(g.cost for g in groups[VIOLATION_ROWS:])
    assert (
        lines[-1] == f"… {30 - VIOLATION_ROWS} more groups, {rest:,.2f} yuan (see violations.csv)"
    )


def test_the_terminal_summary_of_a_clean_roster_is_one_line() -> None:
    assert _printed([], 150) == ["violations: none, every rule holds"]


def test_the_table_lists_one_row_per_group() -> None:
    table = violation_table(_many_groups(3))
    assert table.row_count == 3

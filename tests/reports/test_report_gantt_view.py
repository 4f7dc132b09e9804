"""The report's Gantt at scale: rows by team, skill and shift, pages, height, day names."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from rostering.domain.shifts import DayType
from rostering.errors import InputError
from rostering.reports import gantt
from rostering.reports.gantt import gantt_height, gantt_rows, roster_gantt
from rostering.reports.gantt_days import ADJUSTED, MAX_LABEL_CHARS, day_labels
from rostering.reports.gantt_view import PAGE_SIZE, filter_options, gantt_block
from rostering.reports.page import PACKED_TYPE, unpack
from rostering.roster.instance import RosterInstance
from rostering.roster.solution import RosterSolution

TEAMS = {"A1": "North", "A2": "North", "B1": "South <2>", "S1": ""}


def _with_teams(instance: RosterInstance) -> RosterInstance:
    data = instance.model_dump()
    for agent in data["agents"]:
        agent["team"] = TEAMS[agent["id"]]
        if agent["id"] == "A1":
            agent["skills"] = ["inbound", "chat"]
        if agent["id"] == "B1":
            agent["skills"] = ["outbound"]
    return RosterInstance.model_validate(data)


def _month(instance: RosterInstance, names: dict[int, str]) -> RosterInstance:
    """The tiny instance stretched to 28 days from Wed 30 Sep, with the given holidays."""
    day_types = [
        DayType.HOLIDAY
        if day in names
        else DayType.WEEKEND
        if (instance.start + dt.timedelta(days=day)).weekday() >= 5
        else DayType.WORKDAY
        for day in range(28)
    ]
    data = instance.model_dump()
    data.update(n_days=28, day_types=day_types, holiday_names=names)
    return RosterInstance.model_validate(data)


def test_rows_carry_team_skills_and_shifts(
    instance: RosterInstance, solution: RosterSolution
) -> None:
    rows = {r.agent: r for r in gantt_rows(_with_teams(instance), solution)}
    assert list(rows) == ["A1", "A2", "B1", "S1"]
    assert rows["A1"].label == "A1 Chen Jing" and rows["A1"].team == "North"
    assert rows["A1"].skills == ("inbound", "chat")
    assert rows["A2"].shifts == ("A",)
    assert rows["B1"].shifts == ("B",)
    # S1 works no shift but stands by every day
    assert rows["S1"].shifts == ("supervisor standby",) and rows["S1"].team == ""


def test_a_gantt_of_some_people_is_as_tall_as_their_rows(
    instance: RosterInstance, solution: RosterSolution
) -> None:
    whole = roster_gantt(instance, solution)
    two = roster_gantt(instance, solution, agents=["B1", "A1"])
    assert list(two.layout.yaxis.categoryarray) == ["B1 Wang Fang", "A1 Chen Jing"]
    assert list(two.layout.yaxis.range) == [1.5, -0.5]
    drawn = {y for t in two.data for y in t.y}
    assert drawn == {"B1 Wang Fang", "A1 Chen Jing"}
    margin = whole.layout.margin.t + whole.layout.margin.b
    assert whole.layout.height == gantt_height(4, margin_px=margin)
    assert two.layout.height == gantt_height(2, margin_px=margin)


def test_unknown_people_are_named(instance: RosterInstance, solution: RosterSolution) -> None:
    with pytest.raises(InputError, match="Z9"):
        roster_gantt(instance, solution, agents=["A1", "Z9"])


def test_height_follows_the_rows() -> None:
    heights = [gantt_height(n, margin_px=120) for n in (1, 10, 40, 80)]
    assert heights[0] == gantt.MIN_HEIGHT_PX
    assert heights[2] == 120 + 40 * gantt.ROW_PX
    assert heights[3] - heights[2] == 40 * gantt.ROW_PX


def test_a_holiday_of_several_days_is_named_once_over_its_span(instance: RosterInstance) -> None:
    names = dict.fromkeys(range(1, 8), "National Day")
    labels = day_labels(_month(instance, names))
    national = [label for label in labels if label.text == "National Day"]
    assert len(national) == 1
    assert (national[0].first, national[0].last) == (1, 7)


def test_neighbouring_day_names_are_put_on_different_lines(instance: RosterInstance) -> None:
    names = {10: "Mid-Autumn Festival", 11: "National Day", 20: "Teachers' Day"}
    month = _month(instance, names)
    labels = {label.text: label for label in day_labels(month)}
    assert labels["Mid-Autumn Festival"].level != labels["National Day"].level
    # far from the others, a name keeps the line nearest to the dates
    assert labels["Teachers' Day"].level == 0
    fig = roster_gantt(month, RosterSolution(instance="tiny", status="FEASIBLE"))
    shifts = {a.text: a.yshift for a in fig.layout.annotations}
    assert shifts["Mid-Autumn Festival"] != shifts["National Day"]
    hover = {a.text: a.hovertext for a in fig.layout.annotations}
    assert hover["National Day"] == "National Day: Sun 11 Oct"
    # the top margin makes room for every line of names
    lines = 1 + max(label.level for label in labels.values())
    assert fig.layout.margin.t >= gantt.TITLE_PX + gantt.TICKS_PX + lines * 15


def test_long_day_names_are_cut_and_shown_whole_on_hover(instance: RosterInstance) -> None:
    long = "Day of the Founding of the Special Administrative Region"
    month = _month(instance, {5: long})
    (label,) = [x for x in day_labels(month) if x.text == long]
    assert len(label.short) <= MAX_LABEL_CHARS and label.short.endswith("…")
    assert long.startswith(label.short[:-1])
    fig = roster_gantt(month, RosterSolution(instance="tiny", status="FEASIBLE"))
    (note,) = [a for a in fig.layout.annotations if a.text == label.short]
    assert note.hovertext.startswith(long)


def test_adjusted_working_day_is_named(instance: RosterInstance) -> None:
    texts = {label.text for label in day_labels(instance)}
    assert texts == {"National Day", ADJUSTED}


def test_filter_offers_teams_skills_and_shifts_with_counts(
    instance: RosterInstance, solution: RosterSolution
) -> None:
    teamed = _with_teams(instance)
    options = filter_options(teamed, gantt_rows(teamed, solution), names={"chat": "Online chat"})
    values = re.findall(r'<option value="([^"]*)"', options)
    assert values == [
        "all",
        "team:North",
        "team:South &lt;2&gt;",
        "team:",
        "skill:inbound",
        "skill:chat",
        "skill:outbound",
        "shift:A",
        "shift:B",
        "shift:supervisor standby",
    ]
    assert ">everyone (4)</option>" in options
    assert ">North (2)</option>" in options and ">(no team) (1)</option>" in options
    assert ">Online chat (1)</option>" in options
    assert ">A 09:00-21:00 (2)</option>" in options
    assert "<2>" not in options


def test_no_team_group_when_nobody_has_a_team(
    instance: RosterInstance, solution: RosterSolution
) -> None:
    options = filter_options(instance, gantt_rows(instance, solution))
    assert "team:" not in options and '<optgroup label="Shift">' in options


def test_block_packs_the_rows_and_opens_on_the_first_page(
    instance: RosterInstance, solution: RosterSolution
) -> None:
    block = gantt_block(_with_teams(instance), solution, page_size=2)
    assert "<h2>Roster</h2>" in block
    (div_id, height) = re.findall(
        r'<div id="(fig-\w+)" class="figure[^"]*" style="height:(\d+)px"', block
    )[0]
    assert f'id="{div_id}-controls"' in block
    assert f'rosteringGantt(Plotly, "{div_id}", fig)' in block
    assert "people 1-2 of 4" in block
    (packed,) = re.findall(rf'<script type="{PACKED_TYPE}" id="{div_id}-data">([^<]*)<', block)
    spec = json.loads(unpack(packed))
    assert [r["team"] for r in spec["rows"]] == ["North", "North", "South <2>", ""]
    assert spec["rows"][3]["shifts"] == ["supervisor standby"]
    assert spec["gantt"] == {"row_px": gantt.ROW_PX, "min_px": gantt.MIN_HEIGHT_PX}
    margin = spec["layout"]["margin"]["t"] + spec["layout"]["margin"]["b"]
    assert int(height) == gantt_height(2, margin_px=margin)
    # the figure holds every row; the page shows a part of it
    assert len(spec["layout"]["yaxis"]["categoryarray"]) == 4
    assert PAGE_SIZE == 40


@pytest.mark.parametrize("size", [20, 40, 80, 160])
def test_rows_per_page_choices(
    instance: RosterInstance, solution: RosterSolution, size: int
) -> None:
    block = gantt_block(instance, solution, page_size=size)
    assert f'<option value="{size}" selected>{size}</option>' in block
    assert '<option value="0">all</option>' in block

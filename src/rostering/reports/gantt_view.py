"""The run report's roster Gantt: filtered by team, skill or shift, one page of people at a time.

A month's roster of three hundred people is too tall to read at once. The
block draws the whole roster's figure (:func:`.gantt.roster_gantt`) into the
page once, with each row's team, skills and shifts (:func:`.gantt.gantt_rows`),
and shows one page of rows at a time (:data:`PAGE_SIZE` by default), the
figure as tall as the rows on it. Above the chart a planner picks a team, a
skill or a shift, searches a name or id, sets the rows per page and turns the
pages (:data:`.page_scripts.GANTT_JS`).
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Mapping

from rostering.reports import gantt
from rostering.reports.gantt import ColourBy, GanttRow, gantt_rows, roster_gantt
from rostering.reports.page import figure_html, figure_json, new_figure_id, section
from rostering.roster.instance import RosterInstance
from rostering.roster.solution import RosterSolution

PAGE_SIZE = 40
"""People on one page of the Gantt, unless the planner picks another size."""
PAGE_SIZES = (20, 40, 80, 160)


def _option(value: str, label: str, *, selected: bool = False) -> str:
    chosen = " selected" if selected else ""
    return f'<option value="{html.escape(value)}"{chosen}>{html.escape(label)}</option>'


def _shift_label(instance: RosterInstance, shift: str) -> str:
    spec = next((s for s in instance.shifts if str(s.id) == shift), None)
    if spec is None:
        return shift
    start = spec.start_minute % (24 * 60)
    end = (spec.start_minute + spec.length_minutes) % (24 * 60)
    return f"{shift} {start // 60:02d}:{start % 60:02d}-{end // 60:02d}:{end % 60:02d}"


def filter_options(
    instance: RosterInstance,
    rows: list[GanttRow],
    *,
    names: Mapping[str, str] | None = None,
) -> str:
    """The ``<option>`` list of the Gantt's filter: everyone, then teams, skills and shifts.

    Values are ``all``, ``team:<team>``, ``skill:<channel>`` and
    ``shift:<shift>``; each label counts the people it picks.
    """
    labels = dict(names or {})
    parts = [_option("all", f"everyone ({len(rows)})", selected=True)]
    teams = Counter(r.team for r in rows)
    if any(teams):
        group = [
            _option(f"team:{t}", f"{t or '(no team)'} ({n})")
            for t, n in sorted(teams.items(), key=lambda item: (item[0] == "", item[0]))
        ]
        parts.append(f'<optgroup label="Team">{"".join(group)}</optgroup>')
    skills = Counter(s for r in rows for s in r.skills)
    order = [str(c.id) for c in instance.channels]
    ranked = sorted(skills, key=lambda s: (order.index(s) if s in order else len(order), s))
    if ranked:
        group = [_option(f"skill:{s}", f"{labels.get(s, s)} ({skills[s]})") for s in ranked]
        parts.append(f'<optgroup label="Skill">{"".join(group)}</optgroup>')
    shifts = Counter(s for r in rows for s in r.shifts)
    if shifts:
        group = [
            _option(f"shift:{s}", f"{_shift_label(instance, s)} ({shifts[s]})")
            for s in sorted(shifts)
        ]
        parts.append(f'<optgroup label="Shift">{"".join(group)}</optgroup>')
    return "".join(parts)


def _controls(div_id: str, options: str, *, total: int, page_size: int) -> str:
    sizes = sorted({*PAGE_SIZES, page_size})
    size_options = "".join(_option(str(s), str(s), selected=s == page_size) for s in sizes)
    size_options += _option("0", "all")
    first = min(total, page_size)
    status = f"people 1-{first} of {total}" if total else "nobody to show"
    return (
        f'<div class="controls" id="{div_id}-controls">'
        f'<label>Show <select data-role="filter">{options}</select></label>'
        '<label>Find <input type="search" data-role="find" placeholder="name or id" '
        'size="14"></label>'
        f'<label>Rows per page <select data-role="size">{size_options}</select></label>'
        '<span><button type="button" data-role="prev">&#8249; previous</button> '
        '<label>page <select data-role="page"></select></label> '
        '<button type="button" data-role="next">next &#8250;</button></span>'
        f'<span class="status" data-role="status">{status}</span></div>'
    )


def gantt_block(
    instance: RosterInstance,
    solution: RosterSolution,
    *,
    heading: str = "Roster",
    note: str = "",
    colours: Mapping[str, str] | None = None,
    names: Mapping[str, str] | None = None,
    colour_by: ColourBy = "activity",
    page_size: int = PAGE_SIZE,
) -> str:
    """The roster Gantt as a report section with its filter and page controls.

    ``names`` maps channel ids to the names the skill filter shows. The first
    page of everyone is shown when the page opens.
    """
    fig = roster_gantt(instance, solution, colour_by=colour_by, colours=colours)
    rows = gantt_rows(instance, solution)
    spec = figure_json(fig)
    spec["rows"] = [
        {"label": r.label, "team": r.team, "skills": list(r.skills), "shifts": list(r.shifts)}
        for r in rows
    ]
    spec["gantt"] = {"row_px": gantt.ROW_PX, "min_px": gantt.MIN_HEIGHT_PX}
    margin = fig.layout.margin
    height = gantt.gantt_height(min(len(rows), page_size), margin_px=margin.t + margin.b)
    div_id = new_figure_id()
    draw = f'function (Plotly, fig) {{ return rosteringGantt(Plotly, "{div_id}", fig); }}'
    controls = _controls(
        div_id,
        filter_options(instance, rows, names=names),
        total=len(rows),
        page_size=page_size,
    )
    figure = figure_html(spec, div_id=div_id, height=height, draw=draw)
    return section(heading, controls + figure, note=note)


__all__ = ["PAGE_SIZE", "PAGE_SIZES", "filter_options", "gantt_block"]

"""Self-contained report pages: headings, tables and plotly figures in one HTML file.

A page opens offline: nothing is fetched. plotly.js, taken from the installed
``plotly`` package, is stored once per page, and each figure's JSON once per
figure, both gzip-compressed and base64-encoded in
``<script type="application/gzip-base64">`` elements (plotly.js in the one with
id ``plotly-js``), which :data:`.page_scripts.BOOT_JS` unpacks in the browser.
Compressed, the 4.8 MB of plotly.js take under 2 MB, and a month's roster of
three hundred people a few hundred kB.

Each figure block holds a ``<div class="figure plotly-graph-div">`` of the
figure's height, its packed JSON and a one-line script that registers how to
draw it (``Plotly.newPlot`` for a plain figure). Long tables scroll inside a
box with their header kept in view.
"""

from __future__ import annotations

import base64
import functools
import gzip
import html
import json
import math
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from rostering.reports import theme
from rostering.reports.page_scripts import BOOT_JS, GANTT_JS

PACKED_TYPE = "application/gzip-base64"
"""``type`` of the script elements that hold packed plotly.js and figures."""
PLOTLY_ID = "plotly-js"
"""``id`` of the script element that holds plotly.js."""
PLOT_CONFIG: Mapping[str, object] = {"displaylogo": False, "responsive": True}
SCROLL_ROWS = 20
"""Tables longer than this scroll inside a box."""

_STYLE = f"""
body {{ font-family: {theme.FONT}; margin: 24px auto; max-width: 1400px; color: #222;
       padding: 0 16px; }}
h1 {{ margin-bottom: 4px; }} .sub {{ color: #666; margin-top: 0; }}
h2 {{ border-bottom: 1px solid #ddd; padding-bottom: 4px; margin-top: 32px; }}
table.data {{ border-collapse: collapse; font-size: 13px; margin: 8px 0; }}
table.data th, table.data td {{ border: 1px solid #ddd; padding: 4px 8px; text-align: right; }}
table.data th {{ background: #f4f4f4; position: sticky; top: 0; }}
table.data td:first-child, table.data th:first-child {{ text-align: left; }}
div.scroll {{ max-height: 480px; overflow: auto; display: inline-block; max-width: 100%;
             border-bottom: 1px solid #ddd; }}
div.scroll table.data {{ margin: 0; }}
.ok {{ color: #2ca02c; font-weight: 600; }} .bad {{ color: #d62728; font-weight: 600; }}
.note {{ color: #666; font-size: 13px; }}
.figure {{ width: 100%; }}
.figure-error {{ color: #d62728; padding: 16px; border: 1px dashed #d62728; height: auto; }}
.controls {{ display: flex; flex-wrap: wrap; gap: 8px 18px; align-items: center;
            font-size: 13px; margin: 8px 0; padding: 8px 10px; background: #f7f7f7;
            border: 1px solid #e3e3e3; border-radius: 4px; }}
.controls label {{ display: inline-flex; gap: 6px; align-items: center; }}
.controls select, .controls input, .controls button {{ font: inherit; padding: 2px 6px; }}
.controls .status {{ color: #444; font-weight: 600; }}
"""


def pack(text: str) -> str:
    """``text`` as UTF-8, gzip-compressed (the same bytes every time) and base64-encoded."""
    data = gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)
    return base64.b64encode(data).decode("ascii")


def unpack(packed: str) -> str:
    """The text :func:`pack` packed."""
    return gzip.decompress(base64.b64decode(packed)).decode("utf-8")


@functools.cache
def _plotly_packed() -> str:
    return pack(get_plotlyjs())


def figure_json(fig: go.Figure) -> dict[str, Any]:
    """A figure as plain JSON data (``data``, ``layout``), dates and NaN made JSON-safe."""
    data: dict[str, Any] = json.loads(fig.to_json(validate=False))
    return data


def new_figure_id() -> str:
    """A fresh element id for a figure."""
    return f"fig-{uuid.uuid4().hex[:12]}"


def figure_html(spec: Mapping[str, Any], *, div_id: str, height: int, draw: str) -> str:
    """The placeholder, packed JSON and registration of one figure.

    ``spec`` is the figure's JSON (``data``, ``layout`` and anything the draw
    function reads; ``config`` defaults to :data:`PLOT_CONFIG`); ``draw`` is a
    JavaScript function ``(Plotly, fig)`` that draws it into ``div_id`` and
    returns a promise.
    """
    body = {"config": dict(PLOT_CONFIG), **spec}
    text = json.dumps(body, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return (
        f'<div id="{div_id}" class="figure plotly-graph-div" style="height:{height}px"></div>'
        f'<script type="{PACKED_TYPE}" id="{div_id}-data">{pack(text)}</script>'
        "<script>(window.rosteringFigures = window.rosteringFigures || []).push("
        f'{{data: "{div_id}-data", draw: {draw}}});</script>'
    )


def section(heading: str, body: str, *, note: str = "") -> str:
    """A section with a heading, an optional note and the given (HTML) body."""
    extra = f'<p class="note">{html.escape(note)}</p>' if note else ""
    return f"<section><h2>{html.escape(heading)}</h2>{extra}{body}</section>"


def figure_block(fig: go.Figure, heading: str, *, note: str = "") -> str:
    """A section with a heading, an optional note and a plotly figure (no plotly.js)."""
    div_id = new_figure_id()
    height = fig.layout.height or 450
    draw = (
        "function (Plotly, fig) { return Plotly.newPlot("
        f'"{div_id}", fig.data, fig.layout, fig.config); }}'
    )
    figure = figure_html(figure_json(fig), div_id=div_id, height=int(height), draw=draw)
    return section(heading, figure, note=note)


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if isinstance(value, float):
        return f"{value:,.2f}"
    return html.escape(str(value))


def table_block(frame: pd.DataFrame, heading: str, *, empty: str = "none") -> str:
    """A section with a heading and the frame as an escaped HTML table.

    Tables of more than :data:`SCROLL_ROWS` rows scroll inside a box.
    """
    title = f"<h2>{html.escape(heading)}</h2>"
    if frame.empty:
        return f'<section>{title}<p class="note">{html.escape(empty)}</p></section>'
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    rows = "".join(
        "<tr>" + "".join(f"<td>{_cell(v)}</td>" for v in row) + "</tr>"
        for row in frame.itertuples(index=False, name=None)
    )
    table = f'<table class="data"><tr>{head}</tr>{rows}</table>'
    if len(frame) > SCROLL_ROWS:
        table = f'<div class="scroll">{table}</div>'
    return f"<section>{title}{table}</section>"


def render_page(title: str, blocks: Sequence[str], *, subtitle: str = "") -> str:
    """A complete HTML page: the blocks in order, plotly.js stored once, and the scripts
    that draw the figures."""
    sub = f'<p class="sub">{html.escape(subtitle)}</p>' if subtitle else ""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body><h1>{html.escape(title)}</h1>{sub}{''.join(blocks)}"
        f'<script type="{PACKED_TYPE}" id="{PLOTLY_ID}">{_plotly_packed()}</script>'
        f"<script>{GANTT_JS}</script><script>{BOOT_JS}</script></body></html>\n"
    )


__all__ = [
    "PACKED_TYPE",
    "PLOTLY_ID",
    "PLOT_CONFIG",
    "SCROLL_ROWS",
    "figure_block",
    "figure_html",
    "figure_json",
    "new_figure_id",
    "pack",
    "render_page",
    "section",
    "table_block",
    "unpack",
]

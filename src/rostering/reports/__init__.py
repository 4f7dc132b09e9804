"""Figures of a run: data in, plotly figure out, no solving inside.

The CLI's HTML reports, the HTTP API and the notebooks draw the same figures:
the roster Gantt (:mod:`.gantt`), coverage and service level
(:mod:`.coverage`), cost (:mod:`.cost`), what-if comparisons
(:mod:`.compare`), adherence (:mod:`.adherence`) and the run report
(:mod:`.html`, with its paged, filterable Gantt in :mod:`.gantt_view`, on
pages built by :mod:`.page`). Colours come from :mod:`.theme`, one per
channel and activity.
"""

from __future__ import annotations

from rostering.reports.adherence import adherence_gantt, adherence_heatmap
from rostering.reports.compare import comparison_figure, variants_figure
from rostering.reports.cost import cost_figure, cost_table
from rostering.reports.coverage import (
    coverage_figure,
    service_level_figure,
    service_targets,
)
from rostering.reports.gantt import roster_gantt, roster_segments
from rostering.reports.html import run_report_html, write_run_report
from rostering.reports.theme import activity_colours, channel_colours

__all__ = [
    "activity_colours",
    "adherence_gantt",
    "adherence_heatmap",
    "channel_colours",
    "comparison_figure",
    "cost_figure",
    "cost_table",
    "coverage_figure",
    "roster_gantt",
    "roster_segments",
    "run_report_html",
    "service_level_figure",
    "service_targets",
    "variants_figure",
    "write_run_report",
]

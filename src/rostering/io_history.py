"""A scenario's demand forecast from its history file, when the folder is loaded.

``demand: {history: history.csv}`` (or a mapping of
:class:`~rostering.domain.forecast.HistorySource` settings) is replaced by
the forecast ``intervals`` of the scenario's horizon and a ``forecast``
record of the model chosen for each channel.
"""

from __future__ import annotations

import io
import logging
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from rostering.domain.calendar import CalendarSpec
from rostering.domain.forecast import DemandForecast, HistorySource
from rostering.domain.scenario import Horizon, Site
from rostering.errors import Problem, ScenarioError
from rostering.forecast import (
    CANDIDATES,
    ForecastSettings,
    History,
    forecast_history,
    read_history,
)
from rostering.io_text import read_text

log = logging.getLogger(__name__)


def _valid(model: Any, value: Any, where: str, file: str, problems: list[Problem]) -> Any:
    try:
        return model.model_validate(value)
    except ValidationError as exc:
        for err in exc.errors():
            loc = ".".join([where, *(str(p) for p in err["loc"])])
            problems.append(Problem(file, loc, err["msg"].removeprefix("Value error, ")))
        return None


def read_history_file(path: Path, *, timezone: str, encoding: str, file: str) -> History:
    """Read and check the history CSV ``path``: UTF-8 (a byte-order mark skipped), else
    ``encoding``; text in neither is a :class:`ScenarioError` naming its first bad row."""
    text = read_text(path, encoding, file=file, unit="row")
    with io.StringIO(text, newline="") as stream:
        return read_history(stream, timezone=timezone, file=file)


def forecast_from_history(
    data: dict[str, Any],
    folder: Path,
    problems: list[Problem],
    *,
    yaml_name: str,
    encoding: str = "utf-8",
) -> None:
    """Replace ``demand.history`` in raw scenario data by its forecast (in place).

    The history file is read as UTF-8 (a byte-order mark skipped), or in
    ``encoding`` when it is not UTF-8, like the scenario's other files.
    """
    demand = data.get("demand")
    if not isinstance(demand, dict) or "history" not in demand:
        return
    raw = demand["history"]
    source = _valid(
        HistorySource,
        {"file": raw} if isinstance(raw, str) else raw,
        "demand.history",
        yaml_name,
        problems,
    )
    horizon = _valid(Horizon, data.get("horizon"), "horizon", yaml_name, problems)
    site = _valid(Site, data.get("site"), "site", yaml_name, problems)
    calendar = _valid(CalendarSpec, data.get("calendar", {}), "calendar", yaml_name, problems)
    if source is None or horizon is None or site is None or calendar is None:
        return
    unknown = [m for m in source.models or [] if m not in CANDIDATES]
    if unknown:
        problems.append(
            Problem(
                yaml_name,
                "demand.history.models",
                f"unknown model(s) {unknown}: choose from {list(CANDIDATES)}",
            )
        )
        return
    path = (folder / source.file).resolve()
    if folder.resolve() not in path.parents:
        problems.append(Problem(source.file, "", "file must lie inside the scenario folder"))
        return
    if not path.is_file():
        problems.append(Problem(source.file, "", "history file not found"))
        return
    try:
        history = read_history_file(
            path, timezone=site.timezone, encoding=encoding, file=source.file
        )
    except ScenarioError as exc:
        problems.extend(exc.problems)
        return
    channels = data.get("channels")
    wanted = (
        {str(c.get("id")) for c in channels if isinstance(c, dict)}
        if isinstance(channels, list)
        else set(history.channels)
    )
    absent = sorted(wanted - set(history.channels))
    if absent:
        problems.append(
            Problem(source.file, "column channel", f"no history for channel(s) {absent}")
        )
        return
    extra = sorted(set(history.channels) - wanted)
    if extra:
        log.warning(
            "%s: channel(s) %s are not in the scenario and not forecast", source.file, extra
        )
        history = history.only(sorted(wanted))
    settings = ForecastSettings(
        interval=horizon.interval_minutes,
        origins=source.origins,
        calendar=calendar,
        closed_days=frozenset(source.closed_days),
        models=tuple(source.models) if source.models else ForecastSettings().models,
        aht_s=tuple((str(k), float(v)) for k, v in source.aht_s.items()),
    )
    try:
        result = forecast_history(
            history, start=horizon.start, days=horizon.days, settings=settings
        )
    except ScenarioError as exc:
        problems.extend(exc.problems)
        return
    frame = result.demand.assign(
        interval_start=result.demand["interval_start"].map(lambda t: t.isoformat())
    )
    del demand["history"]
    demand["intervals"] = frame.round(4).to_dict("records")
    demand["forecast"] = DemandForecast(history=source.file, channels=result.records).model_dump(
        mode="json"
    )
    log.info(
        "demand forecast from %s: %s",
        source.file,
        ", ".join(f"{r.channel} {r.model}" for r in result.records),
    )

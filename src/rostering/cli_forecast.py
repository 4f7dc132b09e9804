"""The ``rostering forecast`` and ``rostering backtest`` commands (see :mod:`rostering.cli`).

``forecast`` reads a contact history, chooses a model per channel by
rolling-origin backtest and writes a ``demand.csv`` that scenarios read,
with 80 % and 95 % prediction intervals. ``backtest`` prints every
candidate's accuracy beside the simple baselines, against the seed's target
(daily accuracy >= 90 %, a daily WAPE <= 10 %).

Exit codes as :mod:`rostering.cli`: 0 success, 1 unexpected failure, 2 bad input.
"""

# The stages are imported inside the commands, so that `rostering --help`
# starts without loading pandas or statsforecast.

from __future__ import annotations

import datetime as dt
import logging
import math
import os
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from rostering.errors import ScenarioError

if TYPE_CHECKING:
    import pandas as pd

    from rostering.forecast import ChannelBacktest, ForecastSettings

err = Console(stderr=True, soft_wrap=True, width=None if sys.stderr.isatty() else 120)
out = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 150)

EXIT_INPUT = 2

HistoryArg = Annotated[
    Path, typer.Argument(help="History CSV: interval_start, channel, volume[, aht_s].")
]
IntervalOpt = Annotated[
    int, typer.Option(help="Interval length of the forecast, minutes (15 or 30).")
]
OriginsOpt = Annotated[
    int, typer.Option(min=1, max=12, help="Backtest origins the models are judged on.")
]
TimezoneOpt = Annotated[str, typer.Option(help="Site time zone (naive times are local).")]
CountryOpt = Annotated[str, typer.Option(help="Country whose public holidays apply (ISO code).")]
ClosedOpt = Annotated[
    list[str] | None, typer.Option("--closed", help="A date the site is closed (repeatable).")
]
ModelsOpt = Annotated[
    list[str] | None,
    typer.Option("--model", help="Limit the candidates to this one (repeatable)."),
]
VerboseOpt = Annotated[bool, typer.Option("--verbose", "-v", help="Log each step.")]
EncodingOpt = Annotated[
    str, typer.Option(help="Text encoding of the history CSV when it is not UTF-8, e.g. gbk.")
]


def _setup_logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


def _bad(problems: list[str]) -> typer.Exit:
    err.print(f"[bold red]cannot forecast[/]: {len(problems)} problem(s)")
    for p in problems:
        err.print(f"  - {p}", markup=False, highlight=False)
    return typer.Exit(EXIT_INPUT)


def _date(text: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise _bad([f"{option}: not a date (YYYY-MM-DD): {text!r}"]) from None


def _settings(
    interval: int,
    origins: int,
    country: str,
    closed: list[str] | None,
    models: list[str] | None,
    aht: list[str] | None,
) -> ForecastSettings:
    from rostering.domain.calendar import CalendarSpec
    from rostering.forecast import CANDIDATES, ForecastSettings

    problems = []
    if interval not in (15, 30, 60):
        problems.append(f"--interval: must be 15, 30 or 60 minutes, got {interval}")
    unknown = [m for m in models or [] if m not in CANDIDATES]
    if unknown:
        problems.append(f"--model: unknown {unknown}; choose from {list(CANDIDATES)}")
    pairs: list[tuple[str, float]] = []
    for item in aht or []:
        name, _, seconds = item.partition("=")
        try:
            value = float(seconds)
        except ValueError:
            value = float("nan")
        if not name or not (0 < value <= 86_400):
            problems.append(f"--aht-s: expected CHANNEL=SECONDS (0 < s <= 86400), got {item!r}")
        else:
            pairs.append((name, value))
    try:
        import holidays

        holidays.country_holidays(country)
    except NotImplementedError:
        problems.append(f"--country: no holiday calendar for {country!r}")
    if problems:
        raise _bad(problems)
    return ForecastSettings(
        interval=interval,
        origins=origins,
        calendar=CalendarSpec(country=country),
        closed_days=frozenset(_date(d, "--closed") for d in closed or []),
        models=tuple(models) if models else tuple(CANDIDATES),
        aht_s=tuple(pairs),
    )


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    """Write a CSV all at once: a temporary file renamed into place, text cells neutralised."""
    from rostering.results.csv_output import csv_text

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as fh:
            fh.write(csv_text(frame))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _pct(value: float) -> str:
    return "-" if math.isnan(value) else f"{100 * value:.1f}"


def forecast_command(
    history_csv: HistoryArg,
    out_csv: Annotated[Path, typer.Option("--out", help="demand.csv to write.")] = Path(
        "demand.csv"
    ),
    start: Annotated[
        str | None, typer.Option(help="First day forecast (default: the day after the history).")
    ] = None,
    days: Annotated[int, typer.Option(min=1, max=366, help="Days to forecast.")] = 14,
    interval: IntervalOpt = 30,
    origins: OriginsOpt = 3,
    timezone: TimezoneOpt = "Asia/Shanghai",
    country: CountryOpt = "CN",
    closed: ClosedOpt = None,
    model: ModelsOpt = None,
    aht_s: Annotated[
        list[str] | None,
        typer.Option("--aht-s", help="CHANNEL=SECONDS for a history without aht_s (repeatable)."),
    ] = None,
    encoding: EncodingOpt = "utf-8",
    verbose: VerboseOpt = False,
) -> None:
    """Forecast interval demand from a contact history; write demand.csv with intervals."""
    _setup_logging(verbose)
    settings = _settings(interval, origins, country, closed, model, aht_s)
    from rostering.domain.forecast import ACCURACY_TARGET
    from rostering.forecast import forecast_history
    from rostering.io_history import read_history_file

    try:
        history = read_history_file(
            history_csv, timezone=timezone, encoding=encoding, file=str(history_csv)
        )
        first = (
            _date(start, "--start")
            if start
            else history.frame["local"].max().date() + dt.timedelta(days=1)
        )
        with err.status("forecasting") as status:
            result = forecast_history(
                history,
                start=first,
                days=days,
                settings=settings,
                progress=lambda text: status.update(f"backtest {text}"),
            )
    except ScenarioError as exc:
        raise _bad([str(p) for p in exc.problems]) from None
    frame = result.demand.assign(
        interval_start=result.demand["interval_start"].map(lambda t: t.isoformat())
    ).round(
        {
            "volume": 3,
            "aht_s": 1,
            "volume_lo80": 3,
            "volume_hi80": 3,
            "volume_lo95": 3,
            "volume_hi95": 3,
        }
    )
    _write_csv(frame, out_csv)
    table = Table(title=f"forecast {first} + {days} days, {interval}-minute intervals")
    for col in (
        "channel",
        "model",
        "history",
        "volume",
        "WAPE int. %",
        "WAPE day %",
        "bias %",
        "baseline",
        "WAPE int. %",
        "WAPE day %",
        "accuracy",
    ):
        table.add_column(col, justify="right" if "%" in col or col == "volume" else "left")
    totals = result.demand.groupby("channel")["volume"].sum()
    for r in result.records:
        met = "[green]met[/]" if r.accuracy_met else "[red]not met[/]"
        table.add_row(
            r.channel,
            r.model,
            f"{(r.history_end - r.history_start).days + 1} d @ {r.grain_minutes} min",
            f"{totals[r.channel]:,.0f}",
            _pct(r.interval_wape),
            _pct(r.daily_wape),
            f"{100 * r.bias:+.1f}",
            r.baseline,
            _pct(r.baseline_interval_wape),
            _pct(r.baseline_daily_wape),
            f"{_pct(1 - r.daily_wape)} % {met}",
        )
    out.print(table)
    out.print(
        f"backtest: {result.records[0].origins} origin(s) of {result.records[0].days_per_origin} "
        f"days; accuracy = 1 - daily WAPE, target {ACCURACY_TARGET:.0%}"
    )
    out.print(f"wrote {out_csv} ({len(frame)} rows, with 80 % and 95 % prediction intervals)")


def _by_day(backtests: list[ChannelBacktest]) -> pd.DataFrame:
    import pandas as pd

    frames = []
    for b in backtests:
        per = b.frame.groupby(["model", "origin", "date"], sort=False)[["actual", "forecast"]]
        day = per.sum().reset_index()
        day.insert(0, "channel", b.channel)
        frames.append(day)
    out = pd.concat(frames, ignore_index=True)
    out["abs_error"] = (out["forecast"] - out["actual"]).abs()
    return out.round(3)


def _by_interval(backtests: list[ChannelBacktest]) -> pd.DataFrame:
    import pandas as pd

    frames = []
    for b in backtests:
        g = b.frame.assign(err=(b.frame["forecast"] - b.frame["actual"]))
        g = g.assign(abs_err=g["err"].abs())
        per = g.groupby(["model", "slot"], sort=False)[["actual", "forecast", "abs_err"]].sum()
        per = per.reset_index()
        minutes = per["slot"] * b.grain
        per.insert(0, "channel", b.channel)
        per["time"] = [f"{m // 60:02d}:{m % 60:02d}" for m in minutes]
        with_volume = per["actual"] > 0
        per["wape"] = (per["abs_err"] / per["actual"]).where(with_volume)
        per["bias"] = ((per["forecast"] - per["actual"]) / per["actual"]).where(with_volume)
        frames.append(per[["channel", "model", "time", "actual", "forecast", "wape", "bias"]])
    return pd.concat(frames, ignore_index=True).round(4)


def backtest_command(
    history_csv: HistoryArg,
    origins: OriginsOpt = 3,
    days: Annotated[int, typer.Option(min=1, max=28, help="Days each origin forecasts.")] = 14,
    interval: IntervalOpt = 30,
    timezone: TimezoneOpt = "Asia/Shanghai",
    country: CountryOpt = "CN",
    closed: ClosedOpt = None,
    model: ModelsOpt = None,
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", help="Folder for backtest_by_day.csv and backtest_by_interval.csv."),
    ] = None,
    encoding: EncodingOpt = "utf-8",
    verbose: VerboseOpt = False,
) -> None:
    """Score every candidate by rolling-origin backtest, beside the simple baselines."""
    _setup_logging(verbose)
    settings = _settings(interval, origins, country, closed, model, None)
    from rostering.domain.forecast import ACCURACY_TARGET
    from rostering.forecast import backtest_history
    from rostering.io_history import read_history_file

    try:
        history = read_history_file(
            history_csv, timezone=timezone, encoding=encoding, file=str(history_csv)
        )
        with err.status("backtesting") as status:
            backtests = backtest_history(
                history,
                days=days,
                settings=settings,
                progress=lambda text: status.update(f"backtest {text}"),
            )
    except ScenarioError as exc:
        raise _bad([str(p) for p in exc.problems]) from None
    table = Table(
        title=f"backtest: {days}-day windows, {interval}-minute intervals",
        caption=f"accuracy = 1 - daily WAPE; target {ACCURACY_TARGET:.0%} (WAPE <= "
        f"{1 - ACCURACY_TARGET:.0%}). * chosen; b baseline",
    )
    for col in (
        "channel",
        "origins",
        "model",
        "WAPE int. %",
        "WAPE day %",
        "bias %",
        "accuracy",
        "vs baseline",
    ):
        table.add_column(col, justify="left" if col in ("channel", "model") else "right")
    for b in backtests:
        best, base = b.best.model, b.best_baseline.model
        base_wape = b.best_baseline.interval_wape
        for i, row in enumerate(b.scores):
            mark = "*" if row.model == best else ("b" if row.baseline else " ")
            accuracy = 1 - row.daily_wape
            met = "[green]met[/]" if accuracy >= ACCURACY_TARGET else "[red]not met[/]"
            gain = 1 - row.interval_wape / base_wape if base_wape else float("nan")
            table.add_row(
                b.channel if i == 0 else "",
                str(b.origins) if i == 0 else "",
                f"{mark} {row.model}",
                _pct(row.interval_wape),
                _pct(row.daily_wape),
                f"{100 * row.bias:+.1f}",
                f"{_pct(accuracy)} % {met}",
                "-" if row.model == base else f"{100 * gain:+.1f} %",
            )
        table.add_section()
    out.print(table)
    if out_dir is not None:
        _write_csv(_by_day(backtests), out_dir / "backtest_by_day.csv")
        _write_csv(_by_interval(backtests), out_dir / "backtest_by_interval.csv")
        out.print(f"wrote {out_dir}/backtest_by_day.csv and backtest_by_interval.csv")

"""Write history.csv: a year of 30-minute contact history of the regional site.

The history is synthetic, with a known truth (rostering.forecast.synthetic):
the levels, weekly rhythm, opening hours and handling times of
scenarios/regional-site, a yearly growth, China's holidays, a day-to-day
effect no model can know, Poisson arrivals, and the gaps real exports have
(days absent, outages). Run from the repository root:

    python scenarios/regional-forecast/generate.py
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from rostering.forecast.synthetic import SyntheticChannel, SyntheticSpec, synthetic_history

HORIZON_START = dt.date(2026, 4, 27)
DAYS = 364
CHANNELS = (
    SyntheticChannel(
        "inbound", 1300.0, 210.0, peaks=(10.0, 15.0),
        weekday=(1.0, 0.97, 0.97, 1.0, 0.86, 0.67, 0.68), closes=22.0, growth=0.08,
    ),
    SyntheticChannel(
        "chat", 950.0, 300.0, peaks=(11.0, 20.0),
        weekday=(1.0, 0.95, 1.0, 1.0, 0.85, 0.67, 0.7), closes=22.0, growth=0.2,
    ),
    SyntheticChannel(
        "email", 500.0, 240.0, peaks=(9.5, 14.0),
        weekday=(0.95, 0.97, 1.09, 1.05, 0.95, 0.66, 0.54), closes=20.0, growth=0.0,
    ),
)  # fmt: skip


def main() -> None:
    spec = SyntheticSpec(
        start=HORIZON_START - dt.timedelta(days=DAYS),
        days=DAYS,
        grain=30,
        channels=CHANNELS,
        seed=2026,
    )
    rows = synthetic_history(spec)[["interval_start", "channel", "volume", "aht_s"]]
    rows = rows.assign(volume=rows["volume"].astype(int))
    out = Path(__file__).with_name("history.csv")
    rows.to_csv(out, index=False)
    print(f"wrote {out}: {len(rows)} rows")


if __name__ == "__main__":
    main()

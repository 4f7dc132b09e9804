"""Write the agents, daily volumes and intraday profile of the site-m scenario.

    python scenarios/site-m/generate.py          # rewrites the three CSV files beside it

Site M is a mid-size blended contact centre: 150 front-line agents, 12
supervisors and 10 backups over four weeks (Monday 31 August to Sunday 27
September 2026) in 30-minute intervals. The horizon holds China's Mid-Autumn
Festival (Friday 25 September, a statutory holiday) and the Sunday declared
a working day for the National Day schedule (20 September).

Teams (``agents.csv``)

* ``A01``-``A30``: one-day-on/one-day-off on shift A (09:00-21:00), alternate
  halves starting on alternate days;
* ``B01``-``B20``: five-two with weekends and public holidays off, office
  shift B (09:00-18:00); the e-mail desk;
* ``F001``-``F100``: two or three of the staggered 9-hour shifts E (08:00),
  M (10:00), L (13:00); ``F001``-``F070`` five-two on any days, ``F071``-``F100``
  on flexible scheduling (seed 002's 弹性排班: rostered on the days the demand
  needs, up to 40 hours a week, paid by the day worked);
* ``S01``-``S12`` supervisors, on the floor five days a week on E, M or L (the
  1:20 management ratio and floor support), one on 7x24 standby a day by rota; and
  ``K01``-``K10`` backups on call.

Skills are blended: most agents take inbound calls and chat, the B team and
a share of the F team also answer e-mail, and a few agents have one skill
only. A handful of new starters work at reduced proficiency.

Demand (``daily.csv``, ``profile.csv``): a Monday-high weekly pattern, lighter
weekends, a quiet holiday, the adjusted Sunday run like a light weekday, and
a few per cent of seeded day-to-day noise; inbound and chat follow a
double-peaked intraday curve (later and flatter at weekends), e-mail arrives
evenly 08:00-20:00. The volumes are calibrated so that the sized requirement
(``rostering.pipeline.size_scenario``) asks for roughly 95 % of the paid
agent-hours the front line can give per day.

The script uses the standard library only and a fixed seed, so every run
writes the same files.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 20260831
START = dt.date(2026, 8, 31)
DAYS = 28

# Day types in the horizon under the CN calendar (the `holidays` library):
HOLIDAYS = {dt.date(2026, 9, 25)}  # Mid-Autumn Festival
ADJUSTED_WORKING_DAYS = {dt.date(2026, 9, 20)}  # Sunday worked for National Day

# Daily volume of an average weekday, and mean handling time (seconds).
BASE_VOLUME = {"inbound": 4900, "chat": 3400, "email": 1000}
AHT_S = {"inbound": 240, "chat": 480, "email": 300}
# Weekly shape, Monday first.
WEEKDAY_FACTOR = (1.08, 1.03, 1.00, 0.98, 0.96, 0.74, 0.68)
HOLIDAY_FACTOR = 0.55
ADJUSTED_DAY_FACTOR = 0.92
NOISE = 0.04

SURNAMES = (
    "Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Gao Lin Luo "
    "Zheng Liang Xie Song Tang Han Feng Deng Cao Peng"
)
GIVEN = (
    "Wei Lei Tao Fang Jun Ming Na Yang Chao Min Yong Xiu Jing Yan Xia Li Jie Hui Qiang "
    "Juan Ping Gang Hong Bo Lan Ying Hao Yu Xin Rui Ting Kai"
)


def agents(rng: random.Random) -> list[dict[str, object]]:
    """The people on the roster, team by team."""
    names = [f"{s} {g}" for s in SURNAMES.split() for g in GIVEN.split()]
    rng.shuffle(names)
    pick = iter(names)
    rows: list[dict[str, object]] = []

    def add(
        ident: str,
        role: str,
        skills: str,
        pattern: str,
        shifts: str,
        pay: int,
        proficiency: float = 1.0,
        history: str = "",
    ) -> None:
        rows.append(
            {
                "id": ident,
                "name": next(pick),
                "role": role,
                "skills": skills,
                "pattern": pattern,
                "shifts": shifts,
                "base_pay": pay,
                "proficiency": proficiency,
                "history": history,
            }
        )

    both, three = "inbound|chat", "inbound|chat|email"
    for i in range(30):
        skills = three if i % 3 == 0 else both
        history = "WOWOWO" if i % 2 == 0 else "OWOWOW"
        add(f"A{i + 1:02d}", "agent", skills, "one-on-one-off", "A", 3000, history=history)
    for i in range(20):
        skills = "email" if i >= 17 else three
        proficiency = 0.75 if i in (5, 12) else 1.0
        add(
            f"B{i + 1:02d}",
            "agent",
            skills,
            "five-two-weekend",
            "B",
            2800,
            proficiency,
            "WWWWWOO",
        )
    f_skills = [three] * 30 + ["inbound"] * 8 + ["chat"] * 5 + [both] * 57
    rng.shuffle(f_skills)
    for i, skills in enumerate(f_skills):
        shifts = sorted(rng.sample(["E", "M", "L"], 3 if i % 4 == 0 else 2), key="EML".index)
        off = set(rng.sample(range(7), 2))  # the two days off of the week before the horizon
        history = "".join("O" if d in off else "W" for d in range(7))
        proficiency = 0.75 if rng.random() < 0.06 else 1.0
        add(
            f"F{i + 1:03d}",
            "agent",
            skills,
            "five-two-any" if i < FLEXIBLE_FROM else "flexible-40h",
            "|".join(shifts),
            2800,
            proficiency,
            history,
        )
    for i in range(SUPERVISORS):
        add(f"S{i + 1:02d}", "supervisor", three, "five-two-any", "E|M|L", 5200)
    for i in range(10):
        add(f"K{i + 1:02d}", "backup", three, "standby", "B|E|M|L", 2800)
    return rows


SUPERVISORS = 12
"""Supervisors: on the floor five days a week (1:20 of ~150 agents on duty, 8 a day), one
of them on standby each day by rota."""


FLEXIBLE_FROM = 70
"""F-team agents from this index on are on flexible scheduling."""


def daily(rng: random.Random) -> list[dict[str, object]]:
    """Volume and handling time of each channel on each day."""
    rows: list[dict[str, object]] = []
    for d in range(DAYS):
        day = START + dt.timedelta(days=d)
        if day in HOLIDAYS:
            factor = HOLIDAY_FACTOR
        elif day in ADJUSTED_WORKING_DAYS:
            factor = ADJUSTED_DAY_FACTOR
        else:
            factor = WEEKDAY_FACTOR[day.weekday()]
        for channel, base in BASE_VOLUME.items():
            noise = 1 + rng.uniform(-NOISE, NOISE)
            rows.append(
                {
                    "date": day.isoformat(),
                    "channel": channel,
                    "volume": round(base * factor * noise),
                    "aht_s": AHT_S[channel],
                }
            )
    return rows


def _peaks(hour: float, weekend: bool) -> float:
    """Relative arrival rate at ``hour``: a late-morning and an afternoon peak."""
    if weekend:
        return math.exp(-(((hour - 12.0) / 3.0) ** 2)) + 0.9 * math.exp(-(((hour - 17) / 3.5) ** 2))
    return math.exp(-(((hour - 10.75) / 2.2) ** 2)) + 0.85 * math.exp(
        -(((hour - 15.25) / 2.8) ** 2)
    )


def profile() -> list[dict[str, object]]:
    """Intraday weights: 30-minute intervals while each channel is open."""
    rows: list[dict[str, object]] = []
    for kind in ("workday", "weekend", "holiday"):
        for channel, evening in (("inbound", 0.0), ("chat", 0.25)):
            for slot in range(16, 44):  # 08:00-21:30
                hour = slot / 2 + 0.25
                weight = _peaks(hour, kind != "workday") + evening * max(0.0, (hour - 17) / 5)
                rows.append(
                    {
                        "time": f"{slot // 2:02d}:{slot % 2 * 30:02d}",
                        "channel": channel,
                        "weight": round(100 * weight),
                        "day_type": kind,
                    }
                )
    for slot in range(16, 40):  # e-mail 08:00-19:30, every day
        rows.append(
            {
                "time": f"{slot // 2:02d}:{slot % 2 * 30:02d}",
                "channel": "email",
                "weight": 10,
                "day_type": "any",
            }
        )
    return rows


def write(name: str, rows: list[dict[str, object]]) -> None:
    """One CSV file beside this script."""
    with (HERE / name).open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main() -> None:
    rng = random.Random(SEED)
    write("agents.csv", agents(rng))
    write("daily.csv", daily(rng))
    write("profile.csv", profile())


if __name__ == "__main__":
    main()

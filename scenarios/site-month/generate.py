"""Write the people, requests, daily volumes and intraday profile of the site-month scenario.

    python scenarios/site-month/generate.py     # rewrites the four CSV files beside it

Site Month is a real mid-size blended site over four weeks across China's
National Day: Monday 21 September to Sunday 18 October 2026 in 30-minute
intervals. The CN calendar gives the Mid-Autumn Festival (Friday 25 September),
the statutory National Day holidays (1-3 October), the days off that follow
(4-7 October) and a Saturday worked in their place (10 October).

People (``agents.csv``), 327 in 17 teams ``T01``-``T17``:

* ``F001``-``F250``: full-time front line on five-two (8 paid hours a day), on
  one of four day-off patterns: any two days, two weekdays (they carry the
  weekends), Saturday and Sunday, or two of Tuesday-Thursday; each may work a
  band of four to six of the eleven staggered 9-hour shifts;
* ``N01``-``N30``: new hires in three classes (27 July, 24 August and 14
  September), inbound or inbound and chat, ramping up (seed 004);
* ``P01``-``P20``: part-timers on the 6-hour shifts, paid by the hour (22-26
  yuan), up to 30 hours a week;
* ``L01``-``L17``: team leads (role ``supervisor``), one a team, who work the
  day shifts on the floor five days a week (floor support 1:20 every open
  interval, seed 001) and take the 7x24 standby by rota, one a day;
* ``K01``-``K10``: backups on call for absence.

Requests (``requests.csv``): about forty days of leave (annual, personal and
sick; one agent takes three days in one week), wishes to work or avoid a shift
or to have a day off, a few fixed days (training for the newest class) and a
few unavailable days.

Demand (``daily.csv``, ``profile.csv``): a Monday-high week with lighter
weekends; the Mid-Autumn Festival runs like a Saturday; the National Day
holidays run 50 % above a normal weekday and the days off after them 25 %
above; the adjusted Saturday runs like a Friday. Inbound and chat follow an
intraday curve with a morning peak about 10:00-11:30, a lunch dip about
12:30-13:30 and an afternoon peak (later and flatter on weekends and holidays);
e-mail arrives evenly 08:00-20:00. The volumes are calibrated so that the sized
requirement (``rostering.pipeline.size_scenario``) asks for about 70 % of the
paid agent-hours the front line gives over the horizon (8 a day for five days a
week full time, 30 a week part time, less leave); the National Day week asks
for about 110 % of a week's, its holidays about 130 % of an average day's.

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
SEED = 20260921
START = dt.date(2026, 9, 21)
DAYS = 28

# Day types in the horizon under the CN calendar (the `holidays` library).
MID_AUTUMN = dt.date(2026, 9, 25)
NATIONAL_DAY = {dt.date(2026, 10, d) for d in (1, 2, 3)}  # statutory holidays: +50 %
AFTER_NATIONAL_DAY = {dt.date(2026, 10, d) for d in (4, 5, 6, 7)}  # days off after: +25 %
ADJUSTED_WORKING_DAY = dt.date(2026, 10, 10)  # a Saturday worked

# Daily volume of an average weekday, and mean handling time (seconds).
BASE_VOLUME = {"inbound": 5500, "chat": 4100, "email": 1200}
AHT_S = {"inbound": 300, "chat": 480, "email": 360}
# Weekly shape, Monday first.
WEEKDAY_FACTOR = (1.08, 1.03, 1.00, 0.98, 0.96, 0.76, 0.70)
NATIONAL_DAY_FACTOR = 1.50
AFTER_NATIONAL_DAY_FACTOR = 1.25
NOISE = 0.03

# The shifts of scenario.yaml: eleven 9-hour shifts starting every 30 minutes
# 08:00-13:00 (D0800 ... D1300) and five 6-hour part-time shifts.
DAY_SHIFTS = [f"D{(8 * 60 + 30 * i) // 60:02d}{(8 * 60 + 30 * i) % 60:02d}" for i in range(11)]
PART_SHIFTS = ["P0800", "P1000", "P1200", "P1400", "P1600"]

SURNAMES = (
    "Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Gao Lin Luo "
    "Zheng Liang Xie Song Tang Han Feng Deng Cao Peng"
)
GIVEN = (
    "Wei Lei Tao Fang Jun Ming Na Yang Chao Min Yong Xiu Jing Yan Xia Li Jie Hui Qiang "
    "Juan Ping Gang Hong Bo Lan Ying Hao Yu Xin Rui Ting Kai"
)

# Five-two day-off patterns (scenario.yaml) with the weekdays their days off may fall on.
DAY_OFF_PATTERNS = {
    "five-two-any": tuple(range(7)),
    "five-two-weekdays-off": (0, 1, 2, 3, 4),
    "five-two-weekends-off": (5, 6),
    "five-two-midweek-off": (1, 2, 3),
}
PATTERN_SHARES = (
    ("five-two-any", 130),
    ("five-two-weekdays-off", 60),
    ("five-two-weekends-off", 25),
    ("five-two-midweek-off", 35),
)
HIRE_CLASSES = ((dt.date(2026, 7, 27), 15), (dt.date(2026, 8, 24), 10), (dt.date(2026, 9, 14), 5))
TEAMS = 17
LAST_WEEK = START - dt.timedelta(days=7)
"""First day of the week before the horizon (the ``history`` column covers it)."""

Row = dict[str, object]


def _history(rng: random.Random, allowed: tuple[int, ...]) -> str:
    """The week before the horizon (Monday first): two days off on allowed weekdays."""
    off = set(rng.sample(allowed, 2))
    return "".join("O" if d in off else "W" for d in range(7))


def _band(rng: random.Random, width: tuple[int, int]) -> list[str]:
    """A run of consecutive day-shift starts the agent may work."""
    n = rng.randint(*width)
    first = rng.randint(0, len(DAY_SHIFTS) - n)
    return DAY_SHIFTS[first : first + n]


def agents(rng: random.Random) -> list[Row]:
    """Everyone on the roster, front line first."""
    names = [f"{s} {g}" for s in SURNAMES.split() for g in GIVEN.split()]
    rng.shuffle(names)
    pick = iter(names)
    rows: list[Row] = []
    front = iter(range(10_000))

    def add(
        ident: str, role: str, skills: str, pattern: str, shifts: list[str], **extra: object
    ) -> None:
        """One person; front-line agents are dealt to the teams in turn."""
        team = extra.pop("team") if "team" in extra else f"T{1 + next(front) % TEAMS:02d}"
        row: Row = {
            "id": ident,
            "name": next(pick),
            "role": role,
            "team": team,
            "skills": skills,
            "pattern": pattern,
            "shifts": "|".join(shifts),
            "base_pay": extra.pop("base_pay", 3600),
            "hourly_rate": extra.pop("hourly_rate", ""),
            "hire_date": extra.pop("hire_date", ""),
            "history": extra.pop("history", ""),
        }
        assert not extra, extra
        rows.append(row)

    three, both = "inbound|chat|email", "inbound|chat"
    skills = [both] * 140 + [three] * 62 + ["inbound"] * 20 + ["chat|email"] * 16 + ["email"] * 12
    rng.shuffle(skills)
    patterns = [p for p, n in PATTERN_SHARES for _ in range(n)]
    rng.shuffle(patterns)
    for i, (skill, pattern) in enumerate(zip(skills, patterns, strict=True)):
        add(
            f"F{i + 1:03d}",
            "agent",
            skill,
            pattern,
            _band(rng, (4, 6)),
            base_pay=rng.choice((3400, 3600, 3800, 4000)),
            history=_history(rng, DAY_OFF_PATTERNS[pattern]),
        )
    n = 0
    for hired, size in HIRE_CLASSES:
        for _ in range(size):
            n += 1
            pattern = "five-two-any" if n % 2 else "five-two-weekdays-off"
            add(
                f"N{n:02d}",
                "agent",
                "inbound" if n % 3 == 0 else both,
                pattern,
                DAY_SHIFTS[2:7],  # 09:00-11:00 starts, beside their team leads
                base_pay=3200,
                hire_date=hired.isoformat(),
                history=_history(rng, DAY_OFF_PATTERNS[pattern]) if hired < LAST_WEEK else "",
            )
    for i in range(20):
        first = rng.randint(0, len(PART_SHIFTS) - 2)
        shifts = PART_SHIFTS[first : first + rng.choice((2, 3))]
        history = "".join(rng.choice("WWO") for _ in range(7))
        add(
            f"P{i + 1:02d}",
            "agent",
            both,
            "part-time",
            shifts,
            base_pay=2800,
            hourly_rate=rng.choice((22, 23, 24, 25, 26)),
            history=history.replace("WWWWWW", "WWWOWW"),
        )
    for i in range(TEAMS):
        add(
            f"L{i + 1:02d}",
            "supervisor",
            three,
            "five-two-lead",
            DAY_SHIFTS,  # any start 08:00-13:00: a lead walks the floor from open to close
            team=f"T{i + 1:02d}",
            base_pay=6200,
            history=_history(rng, DAY_OFF_PATTERNS["five-two-any"]),
        )
    for i in range(10):
        add(f"K{i + 1:02d}", "backup", three, "standby", DAY_SHIFTS[::2], team="", base_pay=3400)
    return rows


def requests(rng: random.Random, people: list[Row]) -> list[Row]:
    """Leave, wishes, fixed and unavailable days, one row an item or range."""
    rows: list[Row] = []

    def add(agent: str, day: dt.date, item_type: str, **extra: object) -> None:
        rows.append(
            {
                "agent": agent,
                "date": day.isoformat(),
                "type": item_type,
                "end": extra.pop("end", ""),
                "shift": extra.pop("shift", ""),
                "weight": extra.pop("weight", ""),
                "kind": extra.pop("kind", ""),
                "note": extra.pop("note", ""),
            }
        )
        assert not extra, extra

    by_id = {str(p["id"]): p for p in people}
    full_time = [i for i in by_id if i.startswith("F")]
    taken: set[tuple[str, dt.date]] = set()

    def free(agent: str, *days: dt.date) -> bool:
        if any((agent, d) in taken for d in days):
            return False
        taken.update((agent, d) for d in days)
        return True

    def day(offset: int) -> dt.date:
        return START + dt.timedelta(days=offset)

    # Three days of annual leave in one week (Tuesday to Thursday, before the peak).
    add("F007", day(1), "leave", end=day(3).isoformat(), kind="annual", note="family visit")
    free("F007", day(1), day(2), day(3))
    # Two-day annual leave blocks, outside the National Day weeks (leave is frozen then).
    quiet = [*range(0, 7), *range(21, 28)]
    for agent in rng.sample(full_time, 9):
        first = rng.choice([d for d in quiet if d + 1 in quiet])
        if free(agent, day(first), day(first + 1)):
            add(agent, day(first), "leave", end=day(first + 1).isoformat(), kind="annual")
    # Single days: annual and personal leave before and after the peak, sick leave any time.
    for agent, kind in [(a, "annual") for a in rng.sample(full_time, 10)] + [
        (a, "personal") for a in rng.sample(full_time, 5)
    ]:
        d = day(rng.choice(quiet))
        if free(agent, d):
            add(agent, d, "leave", kind=kind)
    for agent in rng.sample(full_time, 4):
        d = day(rng.randrange(DAYS))
        if free(agent, d):
            add(agent, d, "leave", kind="sick")
    # Wishes: early shifts on school-run days, no late shift, a day off, an extra shift.
    for agent in rng.sample(full_time, 5):
        d = day(rng.choice(quiet))
        if free(agent, d):
            add(agent, d, "want", shift=str(by_id[agent]["shifts"]).split("|")[0], weight=3)
    for agent in rng.sample(full_time, 4):
        d = day(rng.choice(quiet))
        if free(agent, d):
            add(agent, d, "avoid", shift=str(by_id[agent]["shifts"]).split("|")[-1], weight=2)
    for agent in rng.sample(full_time, 4):
        d = day(rng.randrange(DAYS))
        if free(agent, d):
            add(agent, d, "avoid", weight=5, note="day off wished")
    for agent in ("P03", "P11"):
        d = day(rng.choice(range(10, 14)))
        if free(agent, d):
            add(agent, d, "want", note="extra hours over the holiday")
    # Fixed: the newest hire class trains on the 22nd; a lead is fixed off for a course.
    for n in range(26, 31):
        agent = f"N{n:02d}"
        if free(agent, day(1)):
            add(agent, day(1), "fixed", shift="D0900", note="product training")
    if free("L05", day(23)):
        add("L05", day(23), "fixed", note="management course")
    # Unavailable: a part-timer's exam days, and a medical appointment.
    if free("P06", day(16), day(17)):
        add("P06", day(16), "unavailable", end=day(17).isoformat(), note="exams")
    if free("F120", day(24)):
        add("F120", day(24), "unavailable")
    return rows


def daily(rng: random.Random) -> list[Row]:
    """Volume and handling time of each channel on each day."""
    rows: list[Row] = []
    for d in range(DAYS):
        day = START + dt.timedelta(days=d)
        if day in NATIONAL_DAY:
            factor = NATIONAL_DAY_FACTOR
        elif day in AFTER_NATIONAL_DAY:
            factor = AFTER_NATIONAL_DAY_FACTOR
        elif day == MID_AUTUMN:
            factor = WEEKDAY_FACTOR[5]
        elif day == ADJUSTED_WORKING_DAY:
            factor = WEEKDAY_FACTOR[4]
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


def _bump(hour: float, centre: float, width: float) -> float:
    return math.exp(-(((hour - centre) / width) ** 2))


def _curve(hour: float, day_type: str) -> float:
    """Relative arrivals at ``hour``: morning peak, lunch dip, afternoon peak, evening tail."""
    if day_type == "workday":
        rate = 0.50 + 0.72 * _bump(hour, 10.75, 1.6) + 0.60 * _bump(hour, 15.5, 1.9)
        rate -= 0.15 * _bump(hour, 13.0, 0.6)
    else:  # weekends and holidays start later and run flatter
        rate = 0.52 + 0.58 * _bump(hour, 11.25, 1.8) + 0.52 * _bump(hour, 15.75, 2.1)
        rate -= 0.12 * _bump(hour, 13.25, 0.6)
    return rate * (1.0 if hour < 20 else 0.75)


def profile() -> list[Row]:
    """Intraday weights: 30-minute intervals while each channel is open."""
    rows: list[Row] = []
    for day_type in ("workday", "weekend", "holiday"):
        for channel in ("inbound", "chat"):
            for slot in range(16, 44):  # 08:00-21:30
                hour = slot / 2 + 0.25
                evening = 0.15 * max(0.0, (hour - 17) / 5) if channel == "chat" else 0.0
                rows.append(
                    {
                        "time": f"{slot // 2:02d}:{slot % 2 * 30:02d}",
                        "channel": channel,
                        "weight": round(100 * (_curve(hour, day_type) + evening)),
                        "day_type": day_type,
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


def write(name: str, rows: list[Row]) -> None:
    """One CSV file beside this script."""
    with (HERE / name).open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main() -> None:
    rng = random.Random(SEED)
    people = agents(rng)
    write("agents.csv", people)
    write("requests.csv", requests(rng, people))
    write("daily.csv", daily(rng))
    write("profile.csv", profile())


if __name__ == "__main__":
    main()

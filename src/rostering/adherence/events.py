"""Reading what the phone system recorded, and the roster it is measured against.

Two inputs are read here and turned into plain sorted arrays for
:mod:`rostering.adherence.metrics`:

* the roster (``roster.csv`` written by the roster stage, or the same frame),
  read by :func:`read_roster` into a :class:`Schedule`;
* agent state events from an ACD export, or plain login/logout sessions, read
  by :func:`read_events` into :class:`EventData` and turned into logged-in
  segments by :func:`build_timeline`.

Row numbers
    Every event row is either used or reported in an issues frame with its row
    number and reason. Rows are numbered from 1 for the first data row, i.e.
    the line after the CSV header is row 1 (for a DataFrame: its first row is
    row 1, whatever its index). A row can be used *and* flagged (re-sorted,
    missing logout); ``used`` tells which.

Times
    Internally every instant is an ``int64`` count of whole seconds since
    1970-01-01 UTC (sub-second parts are dropped). Timestamps with a UTC offset
    are read as such; timestamps without one are wall-clock times of the site's
    zone (``timezone``). A wall-clock time that falls twice (clocks going back)
    or never (clocks going forward) cannot be placed and is reported.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Literal, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import numpy.typing as npt
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from rostering.errors import AdherenceInputError, FrameContractError, InputError
from rostering.roster.solution import ROSTER_COLUMNS

logger = logging.getLogger(__name__)

I64 = npt.NDArray[np.int64]


EVENT_COLUMNS: tuple[str, ...] = ("agent", "timestamp", "state")
"""Required columns of a state-event export; other columns are ignored."""

SESSION_COLUMNS: tuple[str, ...] = ("agent", "login", "logout")
"""Required columns of a plain session export; other columns are ignored."""

ISSUE_COLUMNS: tuple[str, ...] = ("row", "agent", "reason", "detail", "used")
"""Columns of every issues frame."""

ROW_CONVENTION = "1-based data row: the first row after the CSV header (or of the frame) is row 1"


class Activity(StrEnum):
    """What an agent is doing, whatever the phone system calls it."""

    PRODUCTIVE = "productive"
    """Available, talking, on hold, wrapping up: time that serves customers."""
    NOT_READY = "not_ready"
    """Logged in but refusing contacts (aux / not-ready codes)."""
    BREAK = "break"
    """A short break."""
    MEAL = "meal"
    """A meal."""
    OTHER = "other"
    """Logged in doing something else: training, meeting, coaching."""
    OFFLINE = "offline"
    """Logged out."""


ACTIVITY_CODES: tuple[Activity, ...] = tuple(Activity)
"""Activities in code order: ``ACTIVITY_CODES.index(a)`` is the code used in arrays."""
OFFLINE_CODE = ACTIVITY_CODES.index(Activity.OFFLINE)


class ScheduledActivity(StrEnum):
    """What the roster says an agent should be doing."""

    WORK = "work"
    MEAL = "meal"


SCHEDULED_CODES: tuple[ScheduledActivity, ...] = tuple(ScheduledActivity)


class IssueReason(StrEnum):
    """Why an event row was flagged."""

    EMPTY_AGENT = "empty_agent"
    BAD_TIMESTAMP = "bad_timestamp"
    AMBIGUOUS_LOCAL_TIME = "ambiguous_local_time"
    NONEXISTENT_LOCAL_TIME = "nonexistent_local_time"
    EMPTY_STATE = "empty_state"
    UNKNOWN_STATE = "unknown_state"
    AGENT_NOT_ON_ROSTER = "agent_not_on_roster"
    DUPLICATE = "duplicate"
    OUT_OF_ORDER = "out_of_order"
    LOGOUT_NOT_AFTER_LOGIN = "logout_not_after_login"
    OVERLAPPING_SESSION = "overlapping_session"
    MISSING_LOGOUT = "missing_logout"


def normalise_state(value: str) -> str:
    """The lookup form of a state name: trimmed, lower case, spaces and dashes as ``_``."""
    return value.strip().lower().replace(" ", "_").replace("-", "_")


_DEFAULT_STATES: dict[str, Activity] = {
    "login": Activity.PRODUCTIVE,
    "logout": Activity.OFFLINE,
    "logged_out": Activity.OFFLINE,
    "offline": Activity.OFFLINE,
    "available": Activity.PRODUCTIVE,
    "ready": Activity.PRODUCTIVE,
    "idle": Activity.PRODUCTIVE,
    "ringing": Activity.PRODUCTIVE,
    "on_call": Activity.PRODUCTIVE,
    "inbound": Activity.PRODUCTIVE,
    "outbound": Activity.PRODUCTIVE,
    "chat": Activity.PRODUCTIVE,
    "email": Activity.PRODUCTIVE,
    "hold": Activity.PRODUCTIVE,
    "after_call_work": Activity.PRODUCTIVE,
    "wrap_up": Activity.PRODUCTIVE,
    "acw": Activity.PRODUCTIVE,
    "not_ready": Activity.NOT_READY,
    "aux": Activity.NOT_READY,
    "personal": Activity.NOT_READY,
    "break": Activity.BREAK,
    "meal": Activity.MEAL,
    "lunch": Activity.MEAL,
    "training": Activity.OTHER,
    "meeting": Activity.OTHER,
    "coaching": Activity.OTHER,
}


class StateMapping(BaseModel):
    """How the phone system's states become activities, and which count as adherent.

    ``states`` maps each state name (compared after :func:`normalise_state`) to
    an activity. ``login_states`` open a session: a login while already logged
    in means the earlier session lost its logout. ``equivalence`` says which
    actual activities count as in adherence for each scheduled activity (by
    default logged out, on a break or on a meal all count for a scheduled meal).
    ``neutral`` states count as in adherence whatever is scheduled (authorised
    off-phone work such as training). A state not in ``states`` is flagged and
    read as ``unknown_as``, or dropped when that is ``None``.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    states: dict[str, Activity] = Field(
        default_factory=lambda: dict(_DEFAULT_STATES),
        description="State name -> activity.",
    )
    login_states: list[str] = Field(
        default_factory=lambda: ["login"], description="States that open a session."
    )
    equivalence: dict[ScheduledActivity, list[Activity]] = Field(
        default_factory=lambda: {
            ScheduledActivity.WORK: [Activity.PRODUCTIVE],
            ScheduledActivity.MEAL: [Activity.MEAL, Activity.BREAK, Activity.OFFLINE],
        },
        description="Scheduled activity -> actual activities that count as in adherence.",
    )
    neutral: list[str] = Field(
        default_factory=lambda: ["training", "meeting", "coaching"],
        description="States in adherence whatever is scheduled.",
    )
    unknown_as: Activity | None = Field(
        Activity.OTHER,
        description="Activity of a state not in `states` (flagged); None drops such rows.",
    )

    @field_validator("states")
    @classmethod
    def _normalise_states(cls, value: dict[str, Activity]) -> dict[str, Activity]:
        return {normalise_state(k): v for k, v in value.items()}

    @field_validator("login_states", "neutral")
    @classmethod
    def _normalise_names(cls, value: list[str]) -> list[str]:
        return sorted({normalise_state(v) for v in value})

    @model_validator(mode="after")
    def _known(self) -> Self:
        for name in [*self.login_states, *self.neutral]:
            if name not in self.states:
                raise ValueError(f"state {name!r} is named but not mapped in `states`")
        for name in self.login_states:
            if self.states[name] is Activity.OFFLINE:
                raise ValueError(f"login state {name!r} cannot map to offline")
        return self

    def equivalence_matrix(self) -> npt.NDArray[np.bool_]:
        """``m[scheduled_code, activity_code]``: is the pair in adherence."""
        m = np.zeros((len(SCHEDULED_CODES), len(ACTIVITY_CODES)), dtype=bool)
        for s, acts in self.equivalence.items():
            for a in acts:
                m[SCHEDULED_CODES.index(s), ACTIVITY_CODES.index(a)] = True
        return m


# ----------------------------------------------------------------------------- times


def check_timezone(timezone: str) -> ZoneInfo:
    """The zone named, or :class:`InputError`."""
    try:
        return ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InputError(f"unknown time zone {timezone!r}") from exc


_OFFSET_RE = r"(?:[Zz]|[+-]\d{2}(?::?\d{2})?)$"
_NS = 1_000_000_000


class _TimeStatus:
    OK = 0
    BAD = 1
    AMBIGUOUS = 2
    NONEXISTENT = 3


def _seconds(values: pd.Series) -> I64:
    """Whole seconds since the epoch of an aware datetime Series (NaT -> 0)."""
    idx = pd.DatetimeIndex(values).as_unit("ns")
    out: I64 = np.where(idx.isna(), 0, idx.asi8 // _NS).astype(np.int64)
    return out


_FAST_FORMAT = "%Y-%m-%dT%H:%M:%S%z"


def parse_timestamps(values: pd.Series, timezone: str) -> tuple[I64, npt.NDArray[np.int8]]:
    """Seconds since the epoch (UTC) of ISO 8601 strings, and a status per value.

    Status 0 ok, 1 unreadable, 2 ambiguous wall-clock time, 3 wall-clock time
    that does not exist in ``timezone``. Strings with a UTC offset keep it;
    naive ones are wall-clock times of ``timezone``. The common form
    ``YYYY-MM-DDTHH:MM:SS+HH:MM`` takes a fast path; anything else is parsed as
    general ISO 8601.
    """
    n = len(values)
    if isinstance(values.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(values):
        stamps = values if isinstance(values.dtype, pd.DatetimeTZDtype) else None
        if stamps is None:
            stamps = values.dt.tz_localize(timezone, ambiguous="NaT", nonexistent="NaT")
        good_dt = stamps.notna().to_numpy()
        secs = np.zeros(n, dtype=np.int64)
        secs[good_dt] = _seconds(stamps[good_dt])
        return secs, np.where(good_dt, _TimeStatus.OK, _TimeStatus.BAD).astype(np.int8)
    text = pd.Series(values.to_numpy(dtype=object), dtype=object).fillna("")
    out = np.zeros(n, dtype=np.int64)
    status = np.zeros(n, dtype=np.int8)
    fast = pd.to_datetime(text, format=_FAST_FORMAT, utc=True, errors="coerce")
    ok = fast.notna().to_numpy()
    out[ok] = _seconds(fast[ok])
    rest = ~ok
    if not rest.any():
        return out, status
    sub = text[rest].astype(str).str.strip()
    pos = np.flatnonzero(rest)
    has_offset = sub.str.contains(_OFFSET_RE, regex=True).to_numpy(dtype=bool)
    if has_offset.any():
        aware = pd.to_datetime(sub[has_offset], format="ISO8601", utc=True, errors="coerce")
        good = aware.notna().to_numpy()
        out[pos[has_offset][good]] = _seconds(aware[good])
        status[pos[has_offset][~good]] = _TimeStatus.BAD
    naive_mask = ~has_offset
    if naive_mask.any():
        naive = pd.to_datetime(sub[naive_mask], format="ISO8601", errors="coerce")
        if getattr(naive.dt, "tz", None) is not None:  # pragma: no cover - defensive
            naive = naive.dt.tz_localize(None)
        readable = naive.notna().to_numpy()
        local = naive.dt.tz_localize(timezone, ambiguous="NaT", nonexistent="NaT")
        placed = local.notna().to_numpy()
        npos = pos[naive_mask]
        out[npos[placed]] = _seconds(local[placed])
        status[npos[~readable]] = _TimeStatus.BAD
        unplaced = readable & ~placed
        if unplaced.any():
            try_amb = naive[unplaced].dt.tz_localize(
                timezone, ambiguous=np.ones(int(unplaced.sum()), dtype=bool), nonexistent="NaT"
            )
            amb = try_amb.notna().to_numpy()
            status[npos[unplaced][amb]] = _TimeStatus.AMBIGUOUS
            status[npos[unplaced][~amb]] = _TimeStatus.NONEXISTENT
    return out, status


def local_wall_seconds(t: I64, timezone: str) -> I64:
    """Wall-clock seconds (as if UTC) in ``timezone`` of instants ``t`` (epoch seconds)."""
    idx = pd.DatetimeIndex(t.astype("datetime64[s]")).tz_localize("UTC").tz_convert(timezone)
    wall: I64 = idx.tz_localize(None).as_unit("ns").asi8 // _NS
    return wall


def to_local_timestamps(t: I64, timezone: str) -> pd.DatetimeIndex:
    """Aware timestamps in ``timezone`` of instants ``t`` (epoch seconds)."""
    return pd.DatetimeIndex(t.astype("datetime64[s]")).tz_localize("UTC").tz_convert(timezone)


def day_to_date(days: npt.ArrayLike) -> list[object]:
    """Python dates of day numbers (days since 1970-01-01)."""
    arr = np.asarray(days, dtype=np.int64).astype("datetime64[D]")
    return list(arr.astype(object))


# ----------------------------------------------------------------------------- roster


@dataclass(frozen=True)
class Schedule:
    """The roster as arrays.

    ``shifts``: one row per worked shift, sorted by agent code then start, with
    ``agent`` (str), ``agent_code`` (int), ``agent_name``, ``role``, ``day``
    (int, days since 1970-01-01 of the shift's start date), ``shift``,
    ``start``/``end``/``meal_start``/``meal_end`` (epoch seconds; meal -1 when
    none) and ``channels``. ``standby``: ``agent``, ``agent_code``, ``day``,
    ``kind`` for standby-only rows. ``agents``: ``agent``, ``agent_name``,
    ``role`` in code order (code = row position).
    """

    shifts: pd.DataFrame
    standby: pd.DataFrame
    agents: pd.DataFrame

    @property
    def agent_ids(self) -> list[str]:
        """Agent ids in code order."""
        return [str(a) for a in self.agents["agent"]]


def _read_csv_text(path: Path, what: str, categorical: tuple[str, ...] = ()) -> pd.DataFrame:
    try:
        if categorical:
            return pd.read_csv(path, dtype=object, keep_default_na=False, low_memory=False)
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    except FileNotFoundError as exc:
        raise AdherenceInputError(f"{what} file not found: {path}") from exc
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise AdherenceInputError(f"{what} file {path} cannot be read: {exc}") from exc


def _require(frame: pd.DataFrame, columns: tuple[str, ...], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise FrameContractError(
            f"{what}: expected columns {sorted(columns)}, got {sorted(map(str, frame.columns))}"
            f" (missing {missing})"
        )


def read_roster(source: Path | pd.DataFrame, *, timezone: str) -> Schedule:
    """Read ``roster.csv`` (or the same frame) into a :class:`Schedule`.

    The roster is another stage's output, so a fault in it is an error
    (:class:`FrameContractError`), not a flagged row.
    """
    check_timezone(timezone)
    what = str(source) if isinstance(source, Path) else "roster frame"
    raw = _read_csv_text(source, "roster") if isinstance(source, Path) else source.copy()
    _require(raw, ROSTER_COLUMNS, what)
    frame = raw.loc[:, list(ROSTER_COLUMNS)].astype("string").fillna("")
    for col in ROSTER_COLUMNS:
        frame[col] = frame[col].str.strip()
    if (frame["agent"] == "").any():
        row = int(np.flatnonzero((frame["agent"] == "").to_numpy())[0]) + 1
        raise FrameContractError(f"{what}: row {row}: empty agent id")
    dates = pd.to_datetime(frame["date"], format="%Y-%m-%d", errors="coerce")
    if dates.isna().any():
        row = int(np.flatnonzero(dates.isna().to_numpy())[0]) + 1
        raise FrameContractError(
            f"{what}: row {row}: date must be YYYY-MM-DD, got {frame['date'].iloc[row - 1]!r}"
        )
    day = (dates.to_numpy().astype("datetime64[D]").astype(np.int64)).astype(np.int64)

    agents = (
        frame.loc[:, ["agent", "agent_name", "role"]]
        .drop_duplicates("agent", keep="first")
        .sort_values("agent", kind="stable")
        .reset_index(drop=True)
    )
    code_of = {a: i for i, a in enumerate(agents["agent"])}
    codes = frame["agent"].map(code_of).to_numpy(dtype=np.int64)

    worked = (frame["shift"] != "").to_numpy()
    times: dict[str, I64] = {}
    for col in ("start", "end", "meal_start", "meal_end"):
        col_text = frame.loc[worked, col]
        present = (col_text != "").to_numpy()
        secs = np.full(len(col_text), -1, dtype=np.int64)
        if present.any():
            parsed, status = parse_timestamps(col_text[present], timezone)
            if (status != 0).any():
                bad = int(np.flatnonzero(worked)[np.flatnonzero(present)[status != 0][0]]) + 1
                raise FrameContractError(
                    f"{what}: row {bad}: {col} is not an ISO 8601 time, "
                    f"got {frame[col].iloc[bad - 1]!r}"
                )
            secs[present] = parsed
        if col in ("start", "end") and not present.all():
            bad = int(np.flatnonzero(worked)[np.flatnonzero(~present)[0]]) + 1
            raise FrameContractError(f"{what}: row {bad}: a worked shift needs {col}")
        times[col] = secs
    shifts = pd.DataFrame(
        {
            "agent": frame.loc[worked, "agent"].to_numpy(dtype=object),
            "agent_code": codes[worked],
            "agent_name": frame.loc[worked, "agent_name"].to_numpy(dtype=object),
            "role": frame.loc[worked, "role"].to_numpy(dtype=object),
            "day": day[worked],
            "shift": frame.loc[worked, "shift"].to_numpy(dtype=object),
            "start": times["start"],
            "end": times["end"],
            "meal_start": times["meal_start"],
            "meal_end": times["meal_end"],
            "channels": frame.loc[worked, "channels"].to_numpy(dtype=object),
            "source_row": np.flatnonzero(worked) + 1,
        }
    )
    _check_shifts(shifts, what)
    shifts = shifts.sort_values(["agent_code", "start"], kind="stable").reset_index(drop=True)
    prev_end = shifts.groupby("agent_code")["end"].shift(1)
    overlap = (shifts["start"] < prev_end).to_numpy()
    if overlap.any():
        r = shifts.loc[overlap].iloc[0]
        raise FrameContractError(
            f"{what}: row {r['source_row']}: shift {r['shift']} of {r['agent']} overlaps "
            "the agent's previous shift"
        )
    standby = pd.DataFrame(
        {
            "agent": frame.loc[~worked, "agent"].to_numpy(dtype=object),
            "agent_code": codes[~worked],
            "day": day[~worked],
            "kind": frame.loc[~worked, "standby"].to_numpy(dtype=object),
        }
    )
    return Schedule(shifts=shifts, standby=standby.reset_index(drop=True), agents=agents)


def _check_shifts(shifts: pd.DataFrame, what: str) -> None:
    def fail(mask: npt.NDArray[np.bool_], message: str) -> None:
        if mask.any():
            r = shifts.loc[mask].iloc[0]
            raise FrameContractError(f"{what}: row {r['source_row']}: {message}")

    start = shifts["start"].to_numpy()
    end = shifts["end"].to_numpy()
    ms = shifts["meal_start"].to_numpy()
    me = shifts["meal_end"].to_numpy()
    fail(end <= start, "shift end must be after its start")
    fail((ms < 0) != (me < 0), "meal_start and meal_end must both be given or both empty")
    has = ms >= 0
    fail(has & ((ms < start) | (me > end) | (me <= ms)), "meal must lie inside the shift")


# ----------------------------------------------------------------------------- events


@dataclass(frozen=True)
class EventData:
    """Cleaned events and the rows flagged while reading.

    ``events``: ``row`` (int, see :data:`ROW_CONVENTION`), ``agent_code``
    (int, position in ``agents``), ``t`` (epoch seconds), ``state`` (int,
    position in ``states``), sorted by agent code, time, then row.
    ``issues``: the columns of :data:`ISSUE_COLUMNS`.
    """

    events: pd.DataFrame
    issues: pd.DataFrame
    agents: list[str]
    states: list[str]
    state_activity: npt.NDArray[np.int64]
    state_neutral: npt.NDArray[np.bool_]
    state_login: npt.NDArray[np.bool_]
    rows_read: int
    kind: Literal["states", "sessions"]


def _issues(
    rows: npt.ArrayLike, agents: npt.ArrayLike, reason: IssueReason, detail: object, *, used: bool
) -> pd.DataFrame:
    r = np.asarray(rows, dtype=np.int64)
    return pd.DataFrame(
        {
            "row": r,
            "agent": np.asarray(agents, dtype=object),
            "reason": np.full(len(r), reason.value, dtype=object),
            "detail": np.asarray(detail, dtype=object)
            if isinstance(detail, np.ndarray | pd.Series | list)
            else np.full(len(r), detail, dtype=object),
            "used": np.full(len(r), used, dtype=bool),
        }
    )


def empty_issues() -> pd.DataFrame:
    """An issues frame with no rows."""
    return _issues([], [], IssueReason.DUPLICATE, "", used=True)


def read_events(
    source: Path | pd.DataFrame,
    *,
    mapping: StateMapping,
    timezone: str,
    agents: list[str] | None = None,
) -> EventData:
    """Read state events (agent, timestamp, state) or sessions (agent, login, logout).

    The format is told by the columns: ``timestamp`` and ``state`` mean state
    events, ``login`` and ``logout`` mean sessions (each becomes a ``login``
    event and a ``logout`` event of the first login state and the ``logout``
    state). With ``agents`` (the roster's ids), rows of anyone else are flagged
    and not used.

    Dropped and flagged rows are listed in ``issues``: empty agent, unreadable
    or unplaceable timestamp, empty or unknown state, agent not on the roster,
    duplicate (same agent, time and state), out of file order (kept, re-sorted),
    a session whose logout is not after its login, overlapping sessions (merged).

    Raises :class:`AdherenceInputError` when the file cannot be read and
    :class:`FrameContractError` when neither column set is present.
    """
    check_timezone(timezone)
    what = str(source) if isinstance(source, Path) else "events frame"
    raw = (
        _read_csv_text(source, "events", ("agent", "state")) if isinstance(source, Path) else source
    )
    cols = set(map(str, raw.columns))
    if {"timestamp", "state"} <= cols and "agent" in cols:
        return _read_states(raw, mapping=mapping, timezone=timezone, agents=agents)
    if {"login", "logout"} <= cols and "agent" in cols:
        return _read_sessions(raw, mapping=mapping, timezone=timezone, agents=agents)
    raise FrameContractError(
        f"{what}: expected columns {sorted(EVENT_COLUMNS)} or {sorted(SESSION_COLUMNS)}, "
        f"got {sorted(cols)}"
    )


def _factor(series: pd.Series) -> tuple[I64, npt.NDArray[np.object_]]:
    """Codes and trimmed text categories of a column; a missing value is the last, ``""``."""
    cat = (
        series.cat
        if isinstance(series.dtype, pd.CategoricalDtype)
        else pd.Series(pd.Categorical(series.to_numpy(dtype=object))).cat
    )
    cats = [("" if pd.isna(c) else str(c)).strip() for c in cat.categories]
    codes = cat.codes.to_numpy().astype(np.int64)
    codes = np.where(codes < 0, len(cats), codes)
    return codes, np.asarray([*cats, ""], dtype=object)


def _text(raw: pd.DataFrame, col: str) -> npt.NDArray[np.object_]:
    codes, cats = _factor(raw[col])
    out: npt.NDArray[np.object_] = cats[codes]
    return out


class _Reader:
    """Shared bookkeeping of one read: the issues found so far."""

    def __init__(self) -> None:
        self.parts: list[pd.DataFrame] = []

    def flag(
        self,
        rows: npt.ArrayLike,
        agents: npt.ArrayLike,
        reason: IssueReason,
        detail: object,
        *,
        used: bool,
    ) -> None:
        if len(np.asarray(rows)):
            self.parts.append(_issues(rows, agents, reason, detail, used=used))

    def frame(self) -> pd.DataFrame:
        if not self.parts:
            return empty_issues()
        return pd.concat(self.parts, ignore_index=True).sort_values("row", kind="stable")


def _agents_and_times(
    rd: _Reader,
    raw: pd.DataFrame,
    *,
    column: str,
    timezone: str,
    roster_agents: list[str] | None,
) -> tuple[npt.NDArray[np.bool_], I64, I64, npt.NDArray[np.object_], list[str]]:
    """Flag empty agents, bad times and agents off the roster.

    Returns the keep mask, agent codes (into the returned id list), times,
    the trimmed agent text of every row, and the id list.
    """
    n = len(raw)
    row = np.arange(1, n + 1, dtype=np.int64)
    a_codes, a_cats = _factor(raw["agent"])
    agent_text = a_cats[a_codes]
    ids = (
        list(roster_agents)
        if roster_agents is not None
        else sorted({str(c) for c in a_cats if c != ""})
    )
    code_of = {a: i for i, a in enumerate(ids)}
    cat_to_code = np.asarray([code_of.get(str(c), -1) for c in a_cats], dtype=np.int64)
    agent_code = cat_to_code[a_codes]
    keep = (a_cats != "")[a_codes]
    rd.flag(row[~keep], agent_text[~keep], IssueReason.EMPTY_AGENT, "agent id is empty", used=False)
    stamp = raw[column].reset_index(drop=True)
    t, status = parse_timestamps(stamp, timezone)
    for code, reason, text in (
        (_TimeStatus.BAD, IssueReason.BAD_TIMESTAMP, "is not an ISO 8601 time"),
        (_TimeStatus.AMBIGUOUS, IssueReason.AMBIGUOUS_LOCAL_TIME, "occurs twice in " + timezone),
        (
            _TimeStatus.NONEXISTENT,
            IssueReason.NONEXISTENT_LOCAL_TIME,
            "does not exist in " + timezone,
        ),
    ):
        m = keep & (status == code)
        if m.any():
            shown = stamp.to_numpy(dtype=object)[m]
            detail = np.array([f"{column} {v!r} {text}" for v in shown], dtype=object)
            rd.flag(row[m], agent_text[m], reason, detail, used=False)
            keep &= ~m
    off = keep & (agent_code < 0)
    rd.flag(row[off], agent_text[off], IssueReason.AGENT_NOT_ON_ROSTER, "not on roster", used=False)
    keep &= ~off
    return keep, agent_code, t, agent_text, ids


def _state_tables(
    mapping: StateMapping, extra: list[str]
) -> tuple[list[str], I64, npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    names = list(mapping.states) + [s for s in extra if s not in mapping.states]
    unknown = mapping.unknown_as or Activity.OTHER
    act = np.array(
        [ACTIVITY_CODES.index(mapping.states.get(s, unknown)) for s in names], dtype=np.int64
    )
    neutral = np.array([s in mapping.neutral for s in names], dtype=bool)
    login = np.array([s in mapping.login_states for s in names], dtype=bool)
    return names, act, neutral, login


def _finish(
    rd: _Reader,
    *,
    row: I64,
    agent_code: I64,
    t: I64,
    state: I64,
    names: list[str],
    mapping: StateMapping,
    ids: list[str],
    rows_read: int,
    kind: Literal["states", "sessions"],
) -> EventData:
    """Duplicates, the file-order check and the final sort of the kept events."""
    _, act, neutral, login = _state_tables(mapping, names[len(mapping.states) :])
    id_arr = np.asarray(ids, dtype=object)
    if len(t):
        base = int(t.min())
        span = int(t.max()) - base + 1
        key = agent_code * span + (t - base)
    else:
        key = np.zeros(0, dtype=np.int64)
    # rows arrive in row order, so a stable sort by key orders by (agent, time, row)
    order = np.argsort(key, kind="stable")
    row, agent_code, t, state, key = (
        row[order],
        agent_code[order],
        t[order],
        state[order],
        key[order],
    )
    if kind == "states" and len(t):
        tie = np.zeros(len(t), dtype=bool)
        same = key[1:] == key[:-1]
        tie[1:] |= same
        tie[:-1] |= same
        tied = np.flatnonzero(tie)
        dup = np.zeros(len(t), dtype=bool)
        dup[tied] = (
            pd.DataFrame({"k": key[tied], "s": state[tied]}).duplicated(keep="first").to_numpy()
        )
        rd.flag(
            row[dup],
            id_arr[agent_code[dup]],
            IssueReason.DUPLICATE,
            "same agent, time and state as an earlier row",
            used=False,
        )
        keep = ~dup
        row, agent_code, t, state = row[keep], agent_code[keep], t[keep], state[keep]
        # out of file order: a later time of the same agent sits on an earlier row
        big = int(row.max()) + 1 if len(row) else 1
        tagged = agent_code * big + row
        later_min = np.minimum.accumulate(tagged[::-1])[::-1]
        after = np.r_[later_min[1:], np.iinfo(np.int64).max]
        late = after < tagged
        rd.flag(
            row[late],
            id_arr[agent_code[late]],
            IssueReason.OUT_OF_ORDER,
            "earlier than a previous row of the agent; re-sorted",
            used=True,
        )
    ev = pd.DataFrame({"row": row, "agent_code": agent_code, "t": t, "state": state})
    logger.debug("read %d event rows, kept %d", rows_read, len(ev))
    return EventData(
        events=ev,
        issues=rd.frame(),
        agents=ids,
        states=names,
        state_activity=act,
        state_neutral=neutral,
        state_login=login,
        rows_read=rows_read,
        kind=kind,
    )


def _read_states(
    raw: pd.DataFrame, *, mapping: StateMapping, timezone: str, agents: list[str] | None
) -> EventData:
    n = len(raw)
    row = np.arange(1, n + 1, dtype=np.int64)
    rd = _Reader()
    keep, agent_code, t, agent_text, ids = _agents_and_times(
        rd, raw, column="timestamp", timezone=timezone, roster_agents=agents
    )
    s_codes, s_cats = _factor(raw["state"])
    norm = np.asarray([normalise_state(str(c)) for c in s_cats], dtype=object)
    known_names = list(mapping.states)
    extra = sorted({str(c) for c in norm if c and c not in mapping.states})
    names = known_names + extra
    index_of = {name: i for i, name in enumerate(names)}
    cat_to_state = np.asarray([index_of.get(str(c), -1) for c in norm], dtype=np.int64)
    state = cat_to_state[s_codes]
    empty = keep & (state < 0)
    rd.flag(row[empty], agent_text[empty], IssueReason.EMPTY_STATE, "state is empty", used=False)
    keep &= ~empty
    unknown = keep & (state >= len(known_names))
    if unknown.any():
        shown = np.asarray(names, dtype=object)[state[unknown]]
        if mapping.unknown_as is None:
            detail = [f"state {s!r} is not mapped; row dropped" for s in shown]
        else:
            detail = [f"state {s!r} is not mapped; read as {mapping.unknown_as}" for s in shown]
        rd.flag(
            row[unknown],
            agent_text[unknown],
            IssueReason.UNKNOWN_STATE,
            np.asarray(detail, dtype=object),
            used=mapping.unknown_as is not None,
        )
        if mapping.unknown_as is None:
            keep &= ~unknown
    return _finish(
        rd,
        row=row[keep],
        agent_code=agent_code[keep],
        t=t[keep],
        state=state[keep],
        names=names,
        mapping=mapping,
        ids=ids,
        rows_read=n,
        kind="states",
    )


def _read_sessions(
    raw: pd.DataFrame, *, mapping: StateMapping, timezone: str, agents: list[str] | None
) -> EventData:
    n = len(raw)
    row = np.arange(1, n + 1, dtype=np.int64)
    rd = _Reader()
    keep, agent_code, t_in, agent_text, ids = _agents_and_times(
        rd, raw, column="login", timezone=timezone, roster_agents=agents
    )
    logout_text = _text(raw, "logout")
    has_out = logout_text != ""
    t_out, status = parse_timestamps(pd.Series(logout_text, dtype=object), timezone)
    bad_out = keep & has_out & (status != 0)
    rd.flag(
        row[bad_out],
        agent_text[bad_out],
        IssueReason.BAD_TIMESTAMP,
        np.array([f"logout {v!r} cannot be placed" for v in logout_text[bad_out]], dtype=object),
        used=False,
    )
    keep &= ~bad_out
    backwards = keep & has_out & (t_out <= t_in)
    rd.flag(
        row[backwards],
        agent_text[backwards],
        IssueReason.LOGOUT_NOT_AFTER_LOGIN,
        "logout is not after login",
        used=False,
    )
    keep &= ~backwards

    # Merge overlapping closed sessions of an agent into their union.
    s = pd.DataFrame(
        {
            "row": row[keep],
            "agent": agent_code[keep],
            "t_in": t_in[keep],
            "t_out": t_out[keep],
            "closed": has_out[keep],
        }
    ).sort_values(["agent", "t_in", "row"], kind="stable")
    closed = s.loc[s["closed"]].copy()
    run_max = closed.groupby("agent", sort=False)["t_out"].cummax()
    prev_max = run_max.groupby(closed["agent"], sort=False).shift(1)
    overlaps = (closed["t_in"] < prev_max).to_numpy()
    closed["group"] = np.cumsum(~overlaps)
    first_row = closed.groupby("group")["row"].transform("first").to_numpy()
    id_arr = np.asarray(ids, dtype=object)
    rd.flag(
        closed["row"].to_numpy()[overlaps],
        id_arr[closed["agent"].to_numpy()[overlaps]],
        IssueReason.OVERLAPPING_SESSION,
        np.array(
            [f"overlaps the session of row {r}; merged" for r in first_row[overlaps]],
            dtype=object,
        ),
        used=True,
    )
    merged = closed.groupby("group", sort=False).agg(
        row=("row", "first"),
        agent=("agent", "first"),
        t_in=("t_in", "first"),
        t_out=("t_out", "max"),
    )
    open_ = s.loc[~s["closed"]]
    offline_states = [k for k, v in mapping.states.items() if v is Activity.OFFLINE]
    if not offline_states:
        raise InputError("reading sessions needs a state mapped to offline")
    logout_state = "logout" if "logout" in offline_states else offline_states[0]
    names = list(mapping.states)
    login_code = names.index(mapping.login_states[0])
    logout_code = names.index(logout_state)
    m_row, m_agent = merged["row"].to_numpy(), merged["agent"].to_numpy()
    return _finish(
        rd,
        row=np.concatenate([m_row, m_row, open_["row"].to_numpy()]).astype(np.int64),
        agent_code=np.concatenate([m_agent, m_agent, open_["agent"].to_numpy()]).astype(np.int64),
        t=np.concatenate(
            [merged["t_in"].to_numpy(), merged["t_out"].to_numpy(), open_["t_in"].to_numpy()]
        ).astype(np.int64),
        state=np.concatenate(
            [
                np.full(len(merged), login_code),
                np.full(len(merged), logout_code),
                np.full(len(open_), login_code),
            ]
        ).astype(np.int64),
        names=names,
        mapping=mapping,
        ids=ids,
        rows_read=n,
        kind="sessions",
    )


# ----------------------------------------------------------------------------- timeline


@dataclass(frozen=True)
class Timeline:
    """Logged-in time as non-overlapping segments, sorted by agent code then start.

    ``segments``: ``agent_code``, ``start``, ``end`` (epoch seconds), ``state``
    (code into ``EventData.states``), ``activity`` (code into
    :data:`ACTIVITY_CODES`, never offline), ``neutral`` (bool).
    ``issues``: missing logouts and logins while logged in.
    """

    segments: pd.DataFrame
    issues: pd.DataFrame


def _shift_end_near(
    agent_code: I64, t: I64, schedule: Schedule, *, lead_s: int, tail_s: int
) -> I64:
    """End of the agent's shift with ``start - lead_s <= t < end + tail_s``, else -1."""
    sh = schedule.shifts
    out = np.full(len(t), -1, dtype=np.int64)
    if sh.empty or len(t) == 0:
        return out
    s_agent = sh["agent_code"].to_numpy(dtype=np.int64)
    s_start = sh["start"].to_numpy(dtype=np.int64)
    s_end = sh["end"].to_numpy(dtype=np.int64)
    base = min(int(s_start.min()), int(t.min())) - lead_s - 2 * 86400
    span = max(int(s_end.max()), int(t.max())) - base + tail_s + 4 * 86400
    key_start = s_agent * span + (s_start - lead_s - base)
    key_end = s_agent * span + (s_end + tail_s - base)
    key = agent_code * span + (t - base)
    # shifts of an agent do not overlap, but a tail may reach the next lead: take the latest
    i = np.searchsorted(key_start, key, side="right") - 1
    ic = np.clip(i, 0, None)
    hit = (i >= 0) & (key < key_end[ic])
    out[hit] = s_end[ic[hit]]
    return out


def build_timeline(
    data: EventData, schedule: Schedule, *, lead_minutes: int = 60, tail_minutes: int = 240
) -> Timeline:
    """Turn sorted events into logged-in segments, closing sessions that lost their logout.

    Each event starts its state, which lasts until the agent's next event. The
    shift of an event is the agent's shift running from ``lead_minutes`` before
    its start to ``tail_minutes`` after its end. A logged-in state that lost
    its logout is closed at the end of its shift, or at its own time when it is
    already past that end (or has no shift), and flagged ``missing_logout``.
    A state lost its logout when it is the agent's last event, or when the next
    event is a login after the shift's end, or an event of another shift. A
    login while already logged in within the same shift is flagged
    ``overlapping_session`` and read as a state change.
    """
    ev = data.events
    agent = ev["agent_code"].to_numpy(dtype=np.int64)
    t = ev["t"].to_numpy(dtype=np.int64)
    state = ev["state"].to_numpy(dtype=np.int64)
    row = ev["row"].to_numpy(dtype=np.int64)
    act = data.state_activity[state] if len(state) else np.zeros(0, dtype=np.int64)
    logged = act != OFFLINE_CODE
    n = len(t)
    same_next = np.zeros(n, dtype=bool)
    if n > 1:
        same_next[:-1] = agent[1:] == agent[:-1]
    nxt_t = np.empty(n, dtype=np.int64)
    nxt_login = np.zeros(n, dtype=bool)
    if n:
        nxt_t[:-1] = t[1:]
        nxt_t[-1] = t[-1]
        nxt_login[:-1] = data.state_login[state[1:]]
    nxt_login &= same_next
    shift_end = _shift_end_near(
        agent, t, schedule, lead_s=lead_minutes * 60, tail_s=tail_minutes * 60
    )
    ids = np.asarray(data.agents, dtype=object)
    rd = _Reader()

    nxt_shift_end = np.full(n, -1, dtype=np.int64)
    if n:
        nxt_shift_end[:-1] = shift_end[1:]
    in_shift = shift_end >= 0
    close_at = np.where(in_shift, np.maximum(shift_end, t), t)
    other_shift = same_next & (nxt_shift_end >= 0) & (nxt_shift_end != shift_end)
    last_open = logged & ~same_next
    relog = logged & nxt_login & (nxt_t > t)
    lost = logged & same_next & in_shift & (nxt_t > close_at) & (nxt_login | other_shift)
    lost_no_shift = relog & ~in_shift
    overlapping = relog & ~lost & ~lost_no_shift
    closed = last_open | lost | lost_no_shift
    end = np.where(same_next, nxt_t, t)
    end = np.where(closed, close_at, end)
    at_shift_end = closed & in_shift & (shift_end > t)

    for mask, how in (
        (at_shift_end, "closed at its shift end"),
        (closed & ~at_shift_end, "closed at its last event, past its shift end or outside shifts"),
    ):
        stamps = to_local_timestamps(end[mask], "UTC")
        detail = np.array(
            [f"session has no logout; {how} ({s.isoformat()})" for s in stamps], dtype=object
        )
        rd.flag(row[mask], ids[agent[mask]], IssueReason.MISSING_LOGOUT, detail, used=True)
    nxt_rows = np.empty(n, dtype=np.int64)
    if n:
        nxt_rows[:-1] = row[1:]
        nxt_rows[-1] = row[-1]
    rd.flag(
        nxt_rows[overlapping],
        ids[agent[overlapping]],
        IssueReason.OVERLAPPING_SESSION,
        "login while already logged in; read as a state change",
        used=True,
    )
    seg = logged & (end > t)
    segments = pd.DataFrame(
        {
            "agent_code": agent[seg],
            "start": t[seg],
            "end": end[seg],
            "state": state[seg],
            "activity": act[seg],
            "neutral": data.state_neutral[state[seg]] if seg.any() else np.zeros(0, dtype=bool),
        }
    )
    return Timeline(segments=segments.reset_index(drop=True), issues=rd.frame())


# ----------------------------------------------------------------------------- report


class ReadReport(BaseModel):
    """How many event rows were read, used and flagged, and why."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["states", "sessions"]
    rows_read: int = Field(ge=0)
    rows_used: int = Field(ge=0, description="Rows that took part in the measurement.")
    rows_dropped: int = Field(ge=0, description="Rows reported and left out.")
    rows_flagged: int = Field(ge=0, description="Distinct rows with at least one issue.")
    by_reason: dict[str, int] = Field(
        default_factory=dict, description="Issue reason -> rows with that issue."
    )
    row_convention: str = ROW_CONVENTION

    @classmethod
    def from_issues(
        cls, *, kind: Literal["states", "sessions"], rows_read: int, issues: pd.DataFrame
    ) -> ReadReport:
        """Count the issues of a read of ``rows_read`` rows."""
        dropped = int(issues.loc[~issues["used"].astype(bool), "row"].nunique())
        counts = issues.groupby("reason")["row"].nunique()
        return cls(
            kind=kind,
            rows_read=rows_read,
            rows_used=rows_read - dropped,
            rows_dropped=dropped,
            rows_flagged=int(issues["row"].nunique()),
            by_reason={str(k): int(v) for k, v in sorted(counts.items())},
        )


__all__ = [
    "ACTIVITY_CODES",
    "EVENT_COLUMNS",
    "ISSUE_COLUMNS",
    "ROW_CONVENTION",
    "SCHEDULED_CODES",
    "SESSION_COLUMNS",
    "Activity",
    "EventData",
    "IssueReason",
    "ReadReport",
    "Schedule",
    "ScheduledActivity",
    "StateMapping",
    "Timeline",
    "build_timeline",
    "check_timezone",
    "day_to_date",
    "empty_issues",
    "local_wall_seconds",
    "normalise_state",
    "parse_timestamps",
    "read_events",
    "read_roster",
    "to_local_timestamps",
]

"""Probes of the adherence input: malformed rows, row numbers, server paths, memory.

Before: one row with an extra field refused the whole export ("Expected 3
fields in line 80"), issue rows counted the first data row as row 1, an
uploaded file's error named the server's temporary copy, and the export was
read whole as text (about ten times its size in memory).
"""

from __future__ import annotations

import datetime as dt
import resource
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from api_helpers import TestClient, headers

from rostering.adherence import StateMapping, read_events, run_adherence
from rostering.adherence.export_columns import read_export
from rostering.adherence.readers import EventData
from rostering.adherence.simulate import simulate_events, synthetic_roster, write_events_csv

TZ = "Asia/Shanghai"
START = dt.date(2026, 9, 1)


def _export(tmp_path: Path, *, agents: int, days: int, seed: int = 7) -> tuple[pd.DataFrame, Path]:
    roster = synthetic_roster(agents, days, start=START, timezone=TZ)
    sim = simulate_events(roster, timezone=TZ, seed=seed)
    path = tmp_path / "events.csv"
    write_events_csv(sim.events, path)
    return roster, path


def _insert_line(path: Path, *, line: int, text: str) -> None:
    """Put ``text`` at 1-based file line ``line`` (the header is line 1)."""
    lines = path.read_text().splitlines(keepends=True)
    lines.insert(line - 1, text + "\n")
    path.write_text("".join(lines))


def test_a_row_with_an_extra_field_is_reported_and_the_rest_are_used(tmp_path: Path) -> None:
    roster, path = _export(tmp_path, agents=5, days=2)
    clean = run_adherence(roster, path, timezone=TZ)
    first = path.read_text().splitlines()[1].split(",")
    _insert_line(path, line=80, text=f"{first[0]},{first[1]},available,extra")
    _insert_line(path, line=81, text=f"{first[0]}")
    res = run_adherence(roster, path, timezone=TZ)
    bad = res.issues.loc[res.issues["reason"] == "malformed_row"]
    assert list(bad["row"]) == [80, 81]
    assert list(bad["agent"]) == [first[0], first[0]]
    assert "expected 3 fields as in the header, found 4" in bad["detail"].iloc[0]
    assert "found 1" in bad["detail"].iloc[1]
    assert not bad["used"].astype(bool).any()
    report = res.summary.read_report
    assert report.rows_read == clean.summary.read_report.rows_read + 2
    assert report.rows_used == clean.summary.read_report.rows_used
    assert report.by_reason["malformed_row"] == 2
    pd.testing.assert_frame_equal(res.by_agent_day, clean.by_agent_day)


def test_issue_rows_are_numbered_as_a_spreadsheet_shows_them(tmp_path: Path) -> None:
    text = (
        "agent,timestamp,state\n"
        "A1,2026-09-01T09:00:00+08:00,login\n"
        "A1,not a time,available\n"
        "\n"
        ",2026-09-01T09:05:00+08:00,available\n"
    )
    path = tmp_path / "events.csv"
    path.write_text(text)
    data = read_events(path, mapping=StateMapping(), timezone=TZ, agents=["A1"])
    issues = data.issues.set_index("row")["reason"].to_dict()
    assert issues == {3: "bad_timestamp", 5: "empty_agent"}
    assert list(data.events["row"]) == [2]
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)  # the blank line is skipped
    from_frame = read_events(frame, mapping=StateMapping(), timezone=TZ, agents=["A1"])
    assert from_frame.issues.set_index("row")["reason"].to_dict() == {
        3: "bad_timestamp",
        4: "empty_agent",
    }


def test_an_upload_error_names_the_file_as_the_client_sent_it(
    client: TestClient, key: str, solved_run: str
) -> None:
    response = client.post(
        f"/v1/runs/{solved_run}/adherence/upload",
        files={"events": ("acd export.csv", b"who,when\nA1,2026-09-28\n")},
        headers=headers(key),
    )
    assert response.status_code == 422
    body = response.text
    assert "/tmp" not in body and "rostering-events" not in body, body
    problem = response.json()["problems"][0]
    assert problem["file"] == "acd export.csv"
    assert "acd export.csv" in problem["message"] and "expected columns" in problem["message"]


def _same(a: EventData, b: EventData) -> None:
    pd.testing.assert_frame_equal(a.events, b.events)
    pd.testing.assert_frame_equal(a.issues.reset_index(drop=True), b.issues.reset_index(drop=True))
    assert (a.agents, a.states, a.rows_read, a.kind) == (b.agents, b.states, b.rows_read, b.kind)
    assert np.array_equal(a.state_activity, b.state_activity)


def test_reading_in_chunks_gives_what_reading_whole_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    roster, path = _export(tmp_path, agents=40, days=7)
    assert path.stat().st_size > 2_000_000
    whole_frame = pd.read_csv(path, dtype=object, keep_default_na=False)
    agents = sorted(roster["agent"].unique())
    kw = {"mapping": StateMapping(), "timezone": TZ, "agents": agents}
    from_frame = read_events(whole_frame.rename(index=lambda i: i + 2), **kw)
    from_file = read_events(path, **kw)  # chunks of the default size
    _same(from_frame, from_file)
    import rostering.adherence.export_columns as ec

    small = read_export(path, what="events", timezone=TZ, chunk_rows=997)
    whole = read_export(path, what="events", timezone=TZ, chunk_rows=10**9)
    assert np.array_equal(small.rows, whole.rows)
    assert list(small.agent) == list(whole.agent)
    assert small.state is not None and whole.state is not None
    assert list(small.state) == list(whole.state)
    for name, col in whole.times.items():
        assert np.array_equal(col.t, small.times[name].t)
        assert np.array_equal(col.status, small.times[name].status)
    monkeypatch.setattr(ec, "CHUNK_ROWS", 1_013)
    _same(from_file, read_events(path, **kw))


_MEMORY_PROBE = textwrap.dedent(
    """
    import resource, sys
    from pathlib import Path
    from rostering.adherence import StateMapping, read_events
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    data = read_events(Path(sys.argv[1]), mapping=StateMapping(), timezone=sys.argv[2])
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(base, peak, data.rows_read)
    """
)


@pytest.mark.slow
def test_reading_a_large_export_stays_within_its_memory_budget(tmp_path: Path) -> None:
    _, path = _export(tmp_path, agents=150, days=30)
    size_mb = path.stat().st_size / 2**20
    assert size_mb > 40
    out = subprocess.run(
        [sys.executable, "-c", _MEMORY_PROBE, str(path), TZ],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    ).stdout.split()
    base_kib, peak_kib, rows = (int(v) for v in out)
    assert rows > 500_000
    # The budget: 1 GB for a 229 MB export, scaled to this one, above the
    # memory the interpreter and its imports take before reading.
    budget_kib = 1024 * 1024 * size_mb / 229
    grown = peak_kib - base_kib
    assert grown < budget_kib, (grown / 1024, budget_kib / 1024)
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss > 0

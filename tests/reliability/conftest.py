"""Fixtures of the reliability tests: the API fixtures of ``tests/api`` made available here."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

_API_TESTS = Path(__file__).resolve().parents[1] / "api"
if str(_API_TESTS) not in sys.path:
    sys.path.insert(0, str(_API_TESTS))

_spec = importlib.util.spec_from_file_location("_api_conftest", _API_TESTS / "conftest.py")
assert _spec is not None and _spec.loader is not None
_api_conftest = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_api_conftest)

app = _api_conftest.app
database_url = _api_conftest.database_url
postgres_url = _api_conftest.postgres_url
other_key = _api_conftest.other_key
scenario_id = _api_conftest.scenario_id
client = _api_conftest.client
key = _api_conftest.key
make_app = _api_conftest.make_app
solved_run = _api_conftest.solved_run

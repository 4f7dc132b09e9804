"""``OPTIONS`` and ``Allow`` say what HTTP says (RFC 9110 §9.3.7, §15.5.6).

For every path of the app (read from its routes, so a new route is covered
without editing this file): ``OPTIONS`` answers 204 with an ``Allow`` header
listing exactly the methods the path serves, plus ``HEAD`` where ``GET`` is and
``OPTIONS`` itself, without asking for a key; every other method answers 405
with the same ``Allow``; ``HEAD`` answers like ``GET`` without the body.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from api_helpers import TestClient, headers
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts

from api.config import Settings
from api.main import create_app

#: Stands for every path parameter; no literal path segment of the app spells it.
SAMPLE_ID = "zz0000000000"
PARAM = re.compile(r"\{[^}/]+\}")
#: Methods a client may send that a path may or may not serve.
PROBED = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def _served(app: FastAPI) -> dict[str, set[str]]:
    """Each path of the app (parameters filled with SAMPLE_ID) and the methods served there:
    those of every route whose pattern takes the path (``GET /v1/scenarios/upload`` is
    the scenario ``upload``)."""
    routes = [
        (route.path_format, route.path_regex, set(route.methods))
        for route in iter_route_contexts(app.routes)
        if route.path_format is not None and route.methods is not None
    ]
    served: dict[str, set[str]] = {}
    for path_format, _, _ in routes:
        path = PARAM.sub(SAMPLE_ID, path_format)
        served[path] = set().union(*(m for _, regex, m in routes if regex.match(path)))
    return served


def _expected(methods: set[str]) -> set[str]:
    return methods | ({"HEAD"} if "GET" in methods else set()) | {"OPTIONS"}


def _allow(header: str | None) -> set[str]:
    assert header is not None, "no Allow header"
    listed = [m.strip() for m in header.split(",")]
    assert len(listed) == len(set(listed)), f"Allow lists a method twice: {header!r}"
    return set(listed)


APP_PATHS = _served(create_app(Settings(database_url="sqlite:///:memory:", start_runner=False)))


def test_every_route_is_probed() -> None:
    # The routes are read from the app; a broken reading would leave nothing to check.
    for path in ("/v1/runs", f"/v1/runs/{SAMPLE_ID}", "/v1/scenarios", "/v1/health"):
        assert path in APP_PATHS
    assert APP_PATHS["/v1/runs"] == {"GET", "POST"}
    assert APP_PATHS[f"/v1/runs/{SAMPLE_ID}"] == {"GET", "DELETE"}
    assert APP_PATHS["/v1/scenarios/upload"] == {"GET", "POST", "DELETE"}


@pytest.mark.parametrize("path", sorted(APP_PATHS))
def test_options_lists_the_methods_of_the_path_without_a_key(client: TestClient, path: str) -> None:
    response = client.options(path)
    assert response.status_code == 204, response.text
    assert _allow(response.headers.get("allow")) == _expected(APP_PATHS[path])
    assert response.content == b""


@pytest.mark.parametrize("path", sorted(APP_PATHS))
def test_every_other_method_answers_405_with_the_allow_of_the_path(
    client: TestClient, key: str, path: str
) -> None:
    expected = _expected(APP_PATHS[path])
    refused = [method for method in PROBED if method not in expected]
    for method in refused:
        response = client.request(method, path, headers=headers(key))
        assert response.status_code == 405, f"{method} {path}: {response.status_code}"
        assert _allow(response.headers.get("allow")) == expected, f"{method} {path}"


def test_options_tells_nothing_about_ids(
    client: TestClient, key: str, other_key: str, solved_run: str
) -> None:
    """The same answer for a run that exists, one of another tenant and one that does not."""
    answers = [
        client.options(f"/v1/runs/{solved_run}"),
        client.options(f"/v1/runs/{solved_run}", headers=headers(other_key)),
        client.options(f"/v1/runs/{SAMPLE_ID}", headers=headers(key)),
    ]
    assert {(a.status_code, a.headers.get("allow"), a.content) for a in answers} == {
        (204, answers[0].headers["allow"], b"")
    }


def test_options_on_a_path_no_route_has_answers_404(client: TestClient) -> None:
    assert client.options("/v1/nowhere").status_code == 404


def test_head_answers_like_get_without_the_body(
    client: TestClient, key: str, other_key: str, solved_run: str
) -> None:
    for path, key_used in [
        (f"/v1/runs/{solved_run}/roster", key),
        (f"/v1/runs/{solved_run}/kpis", key),
        (f"/v1/runs/{solved_run}", other_key),  # 404: another tenant's run
        ("/v1/runs", None),  # 401: no key
        ("/openapi.json", None),
    ]:
        sent = headers(key_used) if key_used else {}
        got = client.get(path, headers=sent)
        head = client.head(path, headers=sent)
        assert head.status_code == got.status_code, path
        assert head.content == b"", path
        assert head.headers.get("content-type") == got.headers.get("content-type"), path
        assert head.headers.get("content-length") == str(len(got.content)), path


def test_a_route_added_later_is_listed(tmp_path: Path) -> None:
    """The middleware reads the app's routes per request, not a list fixed at start."""
    app = create_app(Settings(database_url=str(tmp_path / "api.sqlite"), start_runner=False))

    def replace_label(run_id: str) -> dict[str, str]:
        return {"run_id": run_id}

    app.add_api_route("/v1/runs/{run_id}/label", replace_label, methods=["PUT"])
    with TestClient(app) as client:
        response = client.options(f"/v1/runs/{SAMPLE_ID}/label")
        assert (response.status_code, _allow(response.headers.get("allow"))) == (
            204,
            {"PUT", "OPTIONS"},
        )
        refused = client.get(f"/v1/runs/{SAMPLE_ID}/label")
        assert (refused.status_code, _allow(refused.headers.get("allow"))) == (
            405,
            {"PUT", "OPTIONS"},
        )
        assert client.put(f"/v1/runs/{SAMPLE_ID}/label").json() == {"run_id": SAMPLE_ID}

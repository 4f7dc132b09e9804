"""The FastAPI app: :func:`create_app` wires settings, database, runner and routes.

Every route lives under ``/v1``; the OpenAPI schema is at ``/openapi.json``
and the interactive docs at ``/docs``. Errors answer
:class:`api.schemas.ErrorBody` (see :mod:`api.errors`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from api.config import VERSION, Settings
from api.db import Store
from api.errors import install_handlers
from api.inputs import CleanInput
from api.middleware import AllowedMethods, BodyLimit
from api.routes import adherence, compare, health, runs, scenarios
from api.runner import Runner


def _partial_times(node: Any) -> None:
    """Mark clock times as RFC 3339 ``partial-time`` (no UTC offset), which is what the
    API sends and accepts ("09:00:00"); JSON Schema's ``time`` demands an offset."""
    if isinstance(node, dict):
        if node.get("format") == "time":
            node["format"] = "partial-time"
        for value in node.values():
            _partial_times(value)
    elif isinstance(node, list):
        for value in node:
            _partial_times(value)


def _install_openapi(app: FastAPI) -> None:
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            _partial_times(build())
        assert app.openapi_schema is not None
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def create_app(settings: Settings | None = None) -> FastAPI:
    """The API app. Its runner starts with the app's lifespan (``with TestClient(app)``,
    or uvicorn), after runs a previous server left running are marked interrupted:
    it connects to the dask cluster of the settings, or starts a local one, and the
    lifespan's end closes it."""
    settings = settings or Settings()
    store = Store(settings.database_url)
    try:
        # Upgrade the schema to head, or refuse a database of a newer server.
        store.migrate()
    except BaseException:
        store.dispose()
        raise
    runner = Runner(settings, store)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runner.recover()
        try:
            if settings.start_runner:
                # Connecting (or starting a local cluster) blocks: keep it off the event loop.
                await run_in_threadpool(runner.start)
            yield
        finally:
            await run_in_threadpool(runner.stop)
            store.dispose()

    app = FastAPI(
        title="rostering what-if API",
        version=VERSION,
        description=(
            "Contact-centre rosters over HTTP: store scenarios, run what-if variants "
            "(volume, AHT, service targets, agents added, removed or absent), follow "
            "their progress, read rosters, KPIs and costs, and compare runs. "
            "Send an API key in `X-API-Key`."
        ),
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.store = store
    app.state.runner = runner
    install_handlers(app, settings)
    _install_openapi(app)
    # The last added runs first. BodyLimit: no oversized body is buffered. CleanInput:
    # NUL bytes and non-finite numbers answer 422 on every database (see api.inputs),
    # OPTIONS too. AllowedMethods: OPTIONS, HEAD and the Allow of a 405 (RFC 9110).
    app.add_middleware(AllowedMethods)
    app.add_middleware(CleanInput)
    app.add_middleware(BodyLimit, max_bytes=settings.max_upload_bytes)
    for module in (scenarios, runs, compare, adherence, health):
        app.include_router(module.router, prefix="/v1")
    return app


__all__ = ["create_app"]

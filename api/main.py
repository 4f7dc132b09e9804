"""The FastAPI app: :func:`create_app` wires settings, database, runner and routes.

Every route lives under ``/v1``; the OpenAPI schema is at ``/openapi.json``
and the interactive docs at ``/docs``. Errors answer
:class:`api.schemas.ErrorBody`: a ``detail`` sentence and, for bad input, one
problem per fault with its field path.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.config import Settings
from api.routes import ProblemsError, adherence, compare, health, runs, scenarios
from api.routes.health import VERSION
from api.runner import Runner
from api.schemas import ErrorBody, ProblemOut
from api.store import Store

log = logging.getLogger(__name__)

_PARTS = {"body": "request body", "query": "query", "path": "path", "header": "header"}


class BodyLimit:
    """Refuse request bodies over ``max_bytes`` with 413, declared or streamed."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None:
            try:
                size = int(declared)
            except ValueError:
                await _send_error(send, status.HTTP_400_BAD_REQUEST, "invalid Content-Length")
                return
            if size > self.max_bytes:
                await _send_error(send, *self._too_large())
                return
        received = 0
        started = False
        refused = False

        async def limited_receive() -> Message:
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    # Answer 413 now; the app sees the client go away.
                    if not started:
                        refused = True
                        await _send_error(send, *self._too_large())
                    return {"type": "http.disconnect"}
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if refused:
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except Exception:
            if not refused:
                raise

    def _too_large(self) -> tuple[int, str]:
        return (
            status.HTTP_413_CONTENT_TOO_LARGE,
            f"request body larger than {self.max_bytes} bytes",
        )


async def _send_error(send: Send, code: int, detail: str) -> None:
    body = json.dumps(ErrorBody(detail=detail).model_dump()).encode()
    await send(
        {
            "type": "http.response.start",
            "status": code,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _shown(value: Any) -> str | None:
    if value is None or isinstance(value, dict | list | tuple | set | bytes):
        return None
    text = repr(value)
    return text if len(text) <= 200 else text[:197] + "..."


def _validation_problems(exc: RequestValidationError) -> list[ProblemOut]:
    problems = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ())]
        part = _PARTS.get(loc[0], loc[0]) if loc else "request"
        message = str(err.get("msg", "invalid")).removeprefix("Value error, ")
        problems.append(
            ProblemOut(
                file=part,
                location=".".join(loc[1:]) or "(whole)",
                message=message,
                value=_shown(err.get("input")),
            )
        )
    return problems


def _install_handlers(app: FastAPI, settings: Settings) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        problems = exc.problems if isinstance(exc, ProblemsError) else []
        body = ErrorBody(detail=str(exc.detail), problems=problems)
        return JSONResponse(
            body.model_dump(), status_code=exc.status_code, headers=dict(exc.headers or {})
        )

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        body = ErrorBody(detail="invalid request", problems=_validation_problems(exc))
        return JSONResponse(body.model_dump(), status_code=status.HTTP_422_UNPROCESSABLE_CONTENT)

    @app.exception_handler(OperationalError)
    @app.exception_handler(PoolTimeoutError)
    async def database_busy(request: Request, exc: Exception) -> JSONResponse:
        log.warning("database error on %s: %s", request.url.path, exc)
        body = ErrorBody(detail="the database is busy; retry shortly")
        return JSONResponse(
            body.model_dump(),
            status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": str(settings.retry_after_s)},
        )


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
    or uvicorn), after runs a previous server left running are marked interrupted."""
    settings = settings or Settings()
    store = Store(settings.database_url)
    store.create_all()
    runner = Runner(settings, store)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runner.recover()
        if settings.start_runner:
            runner.start()
        try:
            yield
        finally:
            runner.stop()
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
    _install_handlers(app, settings)
    _install_openapi(app)
    app.add_middleware(BodyLimit, max_bytes=settings.max_upload_bytes)
    for module in (scenarios, runs, compare, adherence, health):
        app.include_router(module.router, prefix="/v1")
    return app


__all__ = ["BodyLimit", "create_app"]

"""Error answers: the exceptions routes raise, their OpenAPI entries, and the handlers.

Every error answers :class:`api.schemas.ErrorBody`: a ``detail`` sentence
and, for bad input, one problem per fault with its field path.
:func:`errors` documents a route's error codes in OpenAPI;
:func:`install_handlers` makes the app answer every error that way.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, HTTPException, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.config import Settings
from api.schemas import ErrorBody, ProblemOut
from rostering.errors import Problem

log = logging.getLogger(__name__)

_DESCRIPTIONS = {
    400: "Malformed request.",
    401: "Missing or invalid API key.",
    404: "No such resource for this tenant.",
    409: "The resource is not in a state that allows this.",
    413: "Request body larger than the server accepts.",
    422: "Invalid input; `problems` names each field path.",
    429: "Too many runs queued; retry after `Retry-After` seconds.",
    503: "The database is busy; retry shortly.",
}

_PARTS = {"body": "request body", "query": "query", "path": "path", "header": "header"}


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries for the given error codes, plus 400 (a request that
    cannot be parsed at all) and 503 (database busy), which any route may answer."""
    return {
        code: {"model": ErrorBody, "description": _DESCRIPTIONS[code]}
        for code in sorted({400, 503, *codes})
    }


class ProblemsError(HTTPException):
    """A 422 (or other 4xx) listing the problems found."""

    def __init__(
        self,
        problems: list[Problem],
        *,
        detail: str = "invalid input",
        status_code: int = status.HTTP_422_UNPROCESSABLE_CONTENT,
    ) -> None:
        super().__init__(status_code=status_code, detail=detail)
        self.problems = [ProblemOut.of(p) for p in problems]


def not_found(kind: str, ident: str) -> HTTPException:
    """The 404 of a resource that does not exist or belongs to another tenant."""
    return HTTPException(status_code=status.HTTP_404_NOT_FOUND, detail=f"{kind} {ident} not found")


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


def install_handlers(app: FastAPI, settings: Settings) -> None:
    """Answer HTTP errors, invalid requests and a busy database with :class:`ErrorBody`."""

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


__all__ = ["ProblemsError", "errors", "install_handlers", "not_found"]

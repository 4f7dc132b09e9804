"""One router per resource; :data:`ERRORS` documents the error answers in OpenAPI."""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException, status

from api.schemas import ErrorBody, ProblemOut
from rostering.errors import Problem

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


__all__ = ["ProblemsError", "errors", "not_found"]

"""Input no database column can hold, refused with 422 before a route sees it.

PostgreSQL text cannot hold a NUL byte, JSON columns cannot hold ``Infinity``
or ``NaN``, and a ``VARCHAR(n)`` column refuses wider text; SQLite takes all
three silently. :class:`CleanInput` refuses, for every route and on every
database alike,

* a NUL byte in the request path or query string (after percent-decoding);
* in a JSON request body, a NUL byte in any string (key or value), and any
  number that is not finite (``Infinity``, ``-Infinity``, ``NaN``, or a literal
  too large for a float such as ``1e999``).

:func:`text_problems` checks one text field against its column width, for the
values that reach a column other than through a JSON body (an uploaded
``scenario.yaml``); :func:`name_problems` also refuses control characters and
blank names (``rostering keys create``).
"""

from __future__ import annotations

import json
import math
import unicodedata
from typing import Any
from urllib.parse import unquote_to_bytes

from fastapi import status
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.schemas import ErrorBody, ProblemOut
from rostering.errors import Problem

BODY = "request body"


class _NonFiniteError(ValueError):
    """A JSON number that is not finite."""


def _constant(token: str) -> float:
    raise _NonFiniteError(token)


def _finite(token: str) -> float:
    value = float(token)
    if not math.isfinite(value):
        raise _NonFiniteError(token)
    return value


def _location(path: list[str]) -> str:
    return ".".join(path) or "(whole)"


def _nul_problems(node: Any, path: list[str], found: list[ProblemOut]) -> None:
    if isinstance(node, str):
        if "\x00" in node:
            found.append(
                ProblemOut(file=BODY, location=_location(path), message="text contains a NUL byte")
            )
    elif isinstance(node, dict):
        for key, value in node.items():
            if "\x00" in key:
                found.append(
                    ProblemOut(
                        file=BODY, location=_location(path), message="a key contains a NUL byte"
                    )
                )
            _nul_problems(value, [*path, str(key)], found)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            _nul_problems(value, [*path, str(index)], found)


def _non_finite_location(node: Any, path: list[str]) -> str | None:
    """Where the first non-finite number sits, parsing leniently (for the message)."""
    if isinstance(node, float) and not math.isfinite(node):
        return _location(path)
    if isinstance(node, dict):
        for key, value in node.items():
            found = _non_finite_location(value, [*path, str(key)])
            if found is not None:
                return found
    if isinstance(node, list):
        for index, value in enumerate(node):
            found = _non_finite_location(value, [*path, str(index)])
            if found is not None:
                return found
    return None


def body_problems(body: bytes) -> list[ProblemOut]:
    """What no database can store in a JSON body: NUL bytes and non-finite numbers.

    A body that is not JSON at all is left to the route (which answers 422).
    """
    try:
        data = json.loads(body, parse_constant=_constant, parse_float=_finite)
    except _NonFiniteError as exc:
        lenient = json.loads(body)
        where = _non_finite_location(lenient, []) or "(whole)"
        return [
            ProblemOut(
                file=BODY,
                location=where,
                message="numbers must be finite (no Infinity, NaN or overflowing literals)",
                value=str(exc),
            )
        ]
    except ValueError:
        return []
    found: list[ProblemOut] = []
    _nul_problems(data, [], found)
    return found


def text_problems(value: str, *, file: str, location: str, width: int) -> list[Problem]:
    """A text field that its ``VARCHAR(width)`` column cannot hold: NUL bytes, or too wide."""
    problems = []
    if "\x00" in value:
        problems.append(Problem(file, location, "text contains a NUL byte"))
    if len(value) > width:
        problems.append(
            Problem(
                file, location, f"at most {width} characters, not {len(value)}", repr(value[:40])
            )
        )
    return problems


def name_problems(
    value: str, *, file: str, location: str, width: int, required: bool = True
) -> list[Problem]:
    """A name (a tenant's, a key's label) that cannot be stored or shown as it is.

    Besides what :func:`text_problems` refuses, a name holds no control
    characters (a newline or a terminal escape would garble the tables and logs
    it is shown in), and a ``required`` name is not blank.
    """
    problems = text_problems(value, file=file, location=location, width=width)
    controls = sorted({c for c in value if c != "\x00" and unicodedata.category(c) == "Cc"})
    if controls:
        shown = ", ".join(f"U+{ord(c):04X}" for c in controls)
        problems.append(Problem(file, location, f"text contains control character(s) {shown}"))
    if required and not value.strip():
        problems.append(Problem(file, location, "empty: give a name"))
    return problems


class CleanInput:
    """Refuse NUL bytes in the path and query, and NUL bytes or non-finite numbers in
    JSON bodies, with 422 (see the module docstring)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raw_path = scope.get("raw_path") or scope["path"].encode()
        query: bytes = scope.get("query_string") or b""
        for part, raw in (("path", raw_path), ("query", query)):
            if b"\x00" in unquote_to_bytes(raw):
                await _refuse(send, f"the request {part} contains a NUL byte", [])
                return
        headers = dict(scope.get("headers") or [])
        content_type = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
        if not (content_type == b"application/json" or content_type.endswith(b"+json")):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] != "http.request":
                # The client went away (or the body limit refused it): pass that on.
                await self.app(scope, _replay([message]), send)
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        problems = body_problems(body)
        if problems:
            detail = (
                "the request body contains a NUL byte"
                if any("NUL" in p.message for p in problems)
                else "the request body contains a number that is not finite"
            )
            await _refuse(send, detail, problems)
            return
        await self.app(scope, _replay([{"type": "http.request", "body": body}], receive), send)


def _replay(messages: list[Message], then: Receive | None = None) -> Receive:
    pending = list(messages)

    async def receive() -> Message:
        if pending:
            return pending.pop(0)
        if then is not None:
            return await then()
        return {"type": "http.disconnect"}

    return receive


async def _refuse(send: Send, detail: str, problems: list[ProblemOut]) -> None:
    body = json.dumps(ErrorBody(detail=detail, problems=problems).model_dump()).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status.HTTP_422_UNPROCESSABLE_CONTENT,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


__all__ = ["CleanInput", "body_problems", "name_problems", "text_problems"]

"""ASGI middleware of the app.

* :class:`BodyLimit` refuses oversized request bodies with 413.
* :class:`AllowedMethods` answers ``OPTIONS`` and ``HEAD`` and gives every 405
  the ``Allow`` header of its path (RFC 9110 §9.3.7, §15.5.6).
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from fastapi import status
from starlette.applications import Starlette
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.schemas import ErrorBody


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


#: The methods a route of the app may serve, in the order ``Allow`` lists them.
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def served_methods(routes: Iterable[BaseRoute], scope: Scope) -> set[str]:
    """The methods of :data:`METHODS` a route of ``routes`` serves at the path of the
    request ``scope``, whatever the request's own method."""
    routes = list(routes)
    served: set[str] = set()
    for method in METHODS:
        # A fresh scope per match: matching writes into the scope it is given.
        probe = {
            "type": "http",
            "method": method,
            "path": scope["path"],
            "root_path": scope.get("root_path", ""),
            "headers": scope.get("headers", []),
        }
        if any(route.matches({**probe})[0] == Match.FULL for route in routes):
            served.add(method)
    return served


def allowed_methods(routes: Iterable[BaseRoute], scope: Scope) -> list[str]:
    """The methods the path of the request ``scope`` answers, as its ``Allow`` header
    lists them: the methods a route serves there, ``HEAD`` wherever ``GET`` is, and
    ``OPTIONS``; empty if no route has the path."""
    served = served_methods(routes, scope)
    if not served:
        return []
    if "GET" in served:
        served.add("HEAD")
    return [method for method in METHODS if method in served] + ["OPTIONS"]


class AllowedMethods:
    """Tell clients which methods a path supports.

    * ``OPTIONS`` on a path of the app answers 204 with ``Allow``, without an API
      key: it lists methods only, the same for every id, never whether one exists.
    * ``HEAD`` on a path that serves ``GET`` answers the ``GET``'s status and
      headers without its body.
    * Every 405 carries the ``Allow`` of its path: all the methods its routes
      serve, not only those of the first route that has the path.

    Paths no route has are left to the app (404), whatever the method.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method = scope["method"]
        if method == "OPTIONS":
            allow = self._allow(scope)
            if allow:
                await _send_allow(send, allow)
                return
        elif method == "HEAD":
            served = served_methods(_routes(scope), scope)
            if "GET" in served and "HEAD" not in served:
                await self.app({**scope, "method": "GET"}, receive, _without_body(send))
                return

        async def send_with_allow(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 405:
                allow = self._allow(scope)
                if allow:
                    headers = [
                        (name, value)
                        for name, value in message.get("headers", [])
                        if name.lower() != b"allow"
                    ]
                    headers.append((b"allow", ", ".join(allow).encode()))
                    message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_allow)

    @staticmethod
    def _allow(scope: Scope) -> list[str]:
        return allowed_methods(_routes(scope), scope)


def _routes(scope: Scope) -> list[BaseRoute]:
    """The routes of the app serving this request (Starlette puts it in the scope)."""
    app = scope.get("app")
    return list(app.router.routes) if isinstance(app, Starlette) else []


def _without_body(send: Send) -> Send:
    """A ``send`` that passes the response's status and headers and drops its body."""

    async def head_send(message: Message) -> None:
        if message["type"] == "http.response.body":
            if message.get("more_body", False):
                return
            message = {"type": "http.response.body", "body": b"", "more_body": False}
        await send(message)

    return head_send


async def _send_allow(send: Send, allow: list[str]) -> None:
    """204 with ``Allow`` and no body (a 204 carries no Content-Length either)."""
    await send(
        {
            "type": "http.response.start",
            "status": status.HTTP_204_NO_CONTENT,
            "headers": [(b"allow", ", ".join(allow).encode())],
        }
    )
    await send({"type": "http.response.body", "body": b""})


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


__all__ = ["METHODS", "AllowedMethods", "BodyLimit", "allowed_methods", "served_methods"]

"""ASGI middleware of the app: :class:`BodyLimit` refuses oversized request bodies with 413."""

from __future__ import annotations

import json

from fastapi import status
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


__all__ = ["BodyLimit"]

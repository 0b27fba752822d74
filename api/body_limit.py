"""Refuse request bodies over a size with 413, before anything parses them."""

from __future__ import annotations

from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyTooLarge(Exception):
    pass


class BodySizeLimit:
    """Checks ``Content-Length`` up front and counts streamed bytes for chunked bodies.

    A request with an ``Authorization`` header may be ``keyed_allowance`` larger: a key
    holder's mutation carries a whole article (``schema.admission`` keeps that room for
    mutations)."""

    def __init__(self, app: ASGIApp, max_bytes: int, keyed_allowance: int = 0) -> None:
        self.app = app
        self.limit = max_bytes
        self.keyed_allowance = keyed_allowance

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        max_bytes = self.limit + (self.keyed_allowance if b"authorization" in headers else 0)
        declared = headers.get(b"content-length")
        if declared is not None and not declared.isdigit():
            await PlainTextResponse("Invalid Content-Length.", status_code=400)(
                scope, receive, send
            )
            return
        if declared is not None and int(declared) > max_bytes:
            await self._refuse(scope, receive, send, max_bytes)
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > max_bytes:
                    raise BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            if not started:
                await self._refuse(scope, receive, send, max_bytes)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, max_bytes: int) -> None:
        response = PlainTextResponse(
            f"Request body larger than {max_bytes} bytes.", status_code=413
        )
        await response(scope, receive, send)

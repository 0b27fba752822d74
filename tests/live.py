"""The app under uvicorn on a free port, and a graphql-transport-ws client to talk to it.

The server runs in the test's event loop, so a test can look at ``app.state`` (the feed,
the embedded database) while real sockets carry the traffic.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any

import httpx
import uvicorn
from pymongo.monitoring import CommandListener
from starlette.applications import Starlette
from websockets.asyncio.client import ClientConnection, connect

from api.app import create_app
from api.settings import Settings

PROTOCOL = "graphql-transport-ws"
# Bounds only waits for something that must happen, so that a broken server fails the
# test instead of hanging it; nothing here is timed.
PATIENCE_S = 30.0


@dataclass
class Served:
    app: Starlette
    url: str  # ws://.../graphql
    http: httpx.AsyncClient  # on http://.../


@contextlib.asynccontextmanager
async def served(
    settings: Settings, listeners: Sequence[CommandListener] = ()
) -> AsyncIterator[Served]:
    app = create_app(settings, command_listeners=listeners)
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=0,
        log_level="warning",
        log_config=None,
        ws_max_size=settings.max_ws_message_bytes,
        ws_per_message_deflate=False,
        timeout_graceful_shutdown=int(PATIENCE_S),  # a socket left open fails the test, not CI
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    deadline = time.monotonic() + PATIENCE_S
    while not server.started:
        assert not task.done(), "the server did not start"
        assert time.monotonic() < deadline, "the server did not start in time"
        await asyncio.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        base_url = f"http://127.0.0.1:{port}"
        async with httpx.AsyncClient(base_url=base_url, timeout=PATIENCE_S) as http:
            yield Served(app, f"ws://127.0.0.1:{port}/graphql", http)
    finally:
        server.should_exit = True
        await task


class Client:
    """One graphql-transport-ws connection."""

    def __init__(self, socket: ClientConnection) -> None:
        self.socket = socket

    @classmethod
    @contextlib.asynccontextmanager
    async def connected(
        cls, url: str, *, init: dict[str, Any] | None = None, **options: Any
    ) -> AsyncIterator[Client]:
        """Connected and acknowledged (``init``: the connection_init payload)."""
        async with connect(url, subprotocols=[PROTOCOL], **options) as socket:  # type: ignore[list-item]
            client = cls(socket)
            await client.send({"type": "connection_init", "payload": init or {}})
            ack = await client.receive()
            assert ack["type"] == "connection_ack", ack
            yield client

    async def send(self, message: dict[str, Any]) -> None:
        await self.socket.send(json.dumps(message))

    async def receive(self) -> dict[str, Any]:
        raw = await asyncio.wait_for(self.socket.recv(), PATIENCE_S)
        # graphql-transport-ws messages are text: a browser's client cannot parse a binary one.
        assert isinstance(raw, str), f"a binary frame: {raw!r}"
        message: dict[str, Any] = json.loads(raw)
        return message

    async def subscribe(self, id: str, query: str, variables: dict[str, Any] | None = None) -> None:
        payload = {"query": query, "variables": variables or {}}
        await self.send({"id": id, "type": "subscribe", "payload": payload})

    async def next(self, id: str | None = None) -> dict[str, Any]:
        """The payload of the next ``next`` message (of ``id``, if given)."""
        while True:
            message = await self.receive()
            if id is not None and message.get("id") != id:
                continue
            assert message["type"] == "next", message
            payload: dict[str, Any] = message["payload"]
            return payload

    async def revisions(self, count: int, id: str = "1") -> list[dict[str, Any]]:
        """The next ``count`` revisions of subscription ``id``, which must come."""
        got = []
        for _ in range(count):
            payload = await self.next(id)
            assert "errors" not in payload, payload
            got.append(payload["data"]["changes"])
        return got


async def close_code(socket: ClientConnection) -> int | None:
    """Read until the server closes; the code it closed with."""
    with contextlib.suppress(Exception):
        while True:
            await asyncio.wait_for(socket.recv(), PATIENCE_S)
    await asyncio.wait_for(socket.wait_closed(), PATIENCE_S)
    return socket.close_code

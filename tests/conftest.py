"""Shared fixtures: one real database server per session, a fresh database per test.

The server is the embedded SecantusDB, or whatever ``MONGODB_URI`` points at, so
the same suite verifies a real MongoDB.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from pymongo import AsyncMongoClient
from pymongo.errors import OperationFailure
from pymongo.monitoring import (
    CommandFailedEvent,
    CommandListener,
    CommandStartedEvent,
    CommandSucceededEvent,
)
from starlette.applications import Starlette

from api.app import create_app
from api.embedded import EmbeddedMongo
from api.settings import Settings
from model.store import Database, Document


@pytest.fixture(scope="session")
def mongo_uri() -> Iterator[str]:
    if uri := os.environ.get("MONGODB_URI"):
        yield uri
        return
    # Test commands (``configureFailPoint``) let tests hold or fail a command for real.
    with EmbeddedMongo(":memory:", extra_args=["--enable-test-commands"]) as server:
        yield server.uri


@pytest.fixture
def database_name() -> str:
    return f"test_{uuid.uuid4().hex[:12]}"


@pytest.fixture
def settings(mongo_uri: str, database_name: str, tmp_path: Path) -> Settings:
    return Settings(
        mongodb_uri=mongo_uri,
        mongodb_database=database_name,
        data_dir=tmp_path / "data",
        seed_on_start=True,
        # Tests look at the database work each query does: none may come from the response
        # cache (tests/api/test_caching.py turns it on).
        response_cache_max_bytes=0,
    )


@dataclass
class CommandRecorder(CommandListener):
    """Counts the commands the app's driver sends, by name. The process's change stream
    (``schema.revisions.feed``: its aggregate and the getMores of its cursor) is kept
    apart in ``streams``: it belongs to no request."""

    names: list[str] = field(default_factory=list)
    sent: list[dict[str, Any]] = field(default_factory=list)
    streams: list[dict[str, Any]] = field(default_factory=list)
    _opening: set[int] = field(default_factory=set)
    _cursors: set[int] = field(default_factory=set)

    def started(self, event: CommandStartedEvent) -> None:
        command = dict(event.command)
        stages = command.get("pipeline") or [{}]
        if event.command_name == "aggregate" and "$changeStream" in stages[0]:
            self.streams.append(command)
            self._opening.add(event.request_id)
            return
        if event.command_name == "getMore" and command.get("getMore") in self._cursors:
            return
        self.names.append(event.command_name)
        self.sent.append(command)

    def succeeded(self, event: CommandSucceededEvent) -> None:
        if event.request_id in self._opening:
            self._opening.discard(event.request_id)
            self._cursors.add(event.reply.get("cursor", {}).get("id"))

    def failed(self, event: CommandFailedEvent) -> None:
        pass

    def reads(self) -> list[str]:
        return [name for name in self.names if name in {"find", "aggregate", "count"}]


@pytest.fixture
def commands() -> CommandRecorder:
    return CommandRecorder()


@pytest.fixture
def app(settings: Settings, commands: CommandRecorder) -> Starlette:
    return create_app(settings, command_listeners=[commands])


@pytest.fixture
async def client(
    app: Starlette, mongo_uri: str, database_name: str
) -> AsyncIterator[httpx.AsyncClient]:
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://dossier.test") as http:
            yield http
    admin: AsyncMongoClient[Document] = AsyncMongoClient(mongo_uri)
    try:
        await admin.drop_database(database_name)
    finally:
        await admin.close()


@asynccontextmanager
async def serving(
    settings: Settings, listeners: Sequence[CommandListener] = ()
) -> AsyncIterator[httpx.AsyncClient]:
    """An app of its own on ``settings``, started and stopped around the block."""
    app = create_app(settings, command_listeners=listeners)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            yield http


@pytest.fixture
async def db(mongo_uri: str, database_name: str) -> AsyncIterator[Database]:
    """Direct access to the test's database (the app's, when ``client`` is used too)."""
    direct: AsyncMongoClient[Document] = AsyncMongoClient(mongo_uri)
    try:
        yield direct[database_name]
    finally:
        await direct.drop_database(database_name)
        await direct.close()


async def graphql(
    client: httpx.AsyncClient,
    query: str,
    variables: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """POST a query; the HTTP status must be 200 and the body a GraphQL response."""
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert "data" in body or "errors" in body
    return body


async def data(
    client: httpx.AsyncClient, query: str, variables: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The ``data`` of a query that must succeed without errors."""
    body = await graphql(client, query, variables)
    assert "errors" not in body, body["errors"]
    result: dict[str, Any] = body["data"]
    return result


def error_codes(body: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors", [])]


# Failures armed on the server for the app's finds, with the code each must give.
DATABASE_FAILURES = [
    ({"errorCode": 91}, "SERVICE_UNAVAILABLE"),  # ShutdownInProgress
    ({"errorCode": 50}, "TIMEOUT"),  # MaxTimeMSExpired: the server's own time limit
    ({"errorCode": 2}, "INTERNAL_SERVER_ERROR"),  # BadValue: no client mistake
]
DATABASE_FAILURE_IDS = ["shutting down", "server time limit", "command refused"]


@pytest.fixture
async def fail_point(mongo_uri: str) -> AsyncIterator[Callable[..., Awaitable[None]]]:
    """Arms SecantusDB's (or mongod's) ``failCommand`` for the app's ``find`` commands:
    its driver names itself "dossier", the test's own client does not. Off at the end."""
    admin: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(mongo_uri)

    async def arm(**data: Any) -> None:
        command = {"configureFailPoint": "failCommand", "mode": "alwaysOn"}
        try:
            await admin.admin.command(
                {**command, "data": {"appName": "dossier", "failCommands": ["find"], **data}}
            )
        except OperationFailure as error:  # a MongoDB started without test commands
            pytest.skip(f"the database has no failCommand: {error}")

    try:
        yield arm
    finally:
        await admin.admin.command({"configureFailPoint": "failCommand", "mode": "off"})
        await admin.close()

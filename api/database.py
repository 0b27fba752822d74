"""The MongoDB client: on ``MONGODB_URI`` or the embedded server."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Sequence

from pymongo import AsyncMongoClient
from pymongo.monitoring import CommandListener

from api.embedded import EmbeddedMongo
from api.settings import Settings
from model.store import Database, Document

logger = logging.getLogger("dossier")

# Without it SecantusDB answers a commit once its journal record is in WiredTiger's log
# buffer, not yet written out: a SIGKILL right after loses the last writes it
# acknowledged (found killing it under a trickle of createPerson). It ignores a
# transaction's ``j: true``, so every commit is synced, as mongod's ``j: true`` would.
DURABLE_COMMITS = ("--sync-on-commit",)


def create_client(
    uri: str,
    settings: Settings,
    listeners: Sequence[CommandListener] = (),
    appname: str = "dossier",
) -> AsyncMongoClient[Document]:
    return AsyncMongoClient(
        uri,
        event_listeners=list(listeners),
        timeoutMS=settings.database_timeout_ms,
        serverSelectionTimeoutMS=settings.server_selection_timeout_ms,
        tz_aware=True,
        appname=appname,
    )


@contextlib.asynccontextmanager
async def embedded_server(settings: Settings) -> AsyncIterator[EmbeddedMongo]:
    """The embedded SecantusDB on ``settings.data_dir``, started, and stopped on exit."""
    embedded = EmbeddedMongo(
        settings.data_dir / "db",
        start_timeout_s=settings.embedded_start_timeout_s,
        extra_args=DURABLE_COMMITS,
    )
    await asyncio.to_thread(embedded.start)
    logger.info("embedded SecantusDB on port %s, data in %s", embedded.port, embedded.storage)
    try:
        yield embedded
    finally:
        await asyncio.to_thread(embedded.stop)


@contextlib.asynccontextmanager
async def connect(
    uri: str,
    settings: Settings,
    listeners: Sequence[CommandListener] = (),
    appname: str = "dossier",
) -> AsyncIterator[Database]:
    """The configured database on ``uri``, its client closed on exit."""
    client = create_client(uri, settings, listeners, appname)
    try:
        yield client[settings.mongodb_database]
    finally:
        await client.close()


@contextlib.asynccontextmanager
async def open_database(
    settings: Settings, listeners: Sequence[CommandListener] = ()
) -> AsyncIterator[Database]:
    """The configured database, on ``MONGODB_URI`` or the embedded server, closed (and the
    embedded server stopped) on exit. Connecting is lazy: a server that is down now is
    simply not answering yet."""
    async with contextlib.AsyncExitStack() as stack:
        uri = settings.mongodb_uri
        if uri is None:
            uri = (await stack.enter_async_context(embedded_server(settings))).uri
        yield await stack.enter_async_context(connect(uri, settings, listeners))

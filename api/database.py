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


def create_client(
    uri: str, settings: Settings, listeners: Sequence[CommandListener] = ()
) -> AsyncMongoClient[Document]:
    return AsyncMongoClient(
        uri,
        event_listeners=list(listeners),
        timeoutMS=settings.database_timeout_ms,
        serverSelectionTimeoutMS=settings.server_selection_timeout_ms,
        tz_aware=True,
        appname="dossier",
    )


@contextlib.asynccontextmanager
async def open_database(
    settings: Settings, listeners: Sequence[CommandListener] = ()
) -> AsyncIterator[Database]:
    """The configured database, on ``MONGODB_URI`` or the embedded server, closed (and the
    embedded server stopped) on exit. Connecting is lazy: a server that is down now is
    simply not answering yet."""
    embedded: EmbeddedMongo | None = None
    uri = settings.mongodb_uri
    if uri is None:
        embedded = EmbeddedMongo(
            settings.data_dir / "db", start_timeout_s=settings.embedded_start_timeout_s
        )
        await asyncio.to_thread(embedded.start)
        uri = embedded.uri
        logger.info("embedded SecantusDB on port %s, data in %s", embedded.port, embedded.storage)
    client = create_client(uri, settings, listeners)
    try:
        yield client[settings.mongodb_database]
    finally:
        await client.close()
        if embedded is not None:
            await asyncio.to_thread(embedded.stop)

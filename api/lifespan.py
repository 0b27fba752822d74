"""Start-up and shut-down: the embedded database, the client, indexes and the seed."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager

from pymongo.monitoring import CommandListener
from starlette.applications import Starlette

from api.database import create_client, ensure_indexes
from api.embedded import EmbeddedMongo
from api.settings import Settings
from seed.loader import load_directory

logger = logging.getLogger("dossier")


def make_lifespan(
    settings: Settings, listeners: Sequence[CommandListener] = ()
) -> Callable[[Starlette], AbstractAsyncContextManager[None]]:
    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        embedded: EmbeddedMongo | None = None
        uri = settings.mongodb_uri
        if uri is None:
            embedded = EmbeddedMongo(
                settings.data_dir / "db", start_timeout_s=settings.embedded_start_timeout_s
            )
            await asyncio.to_thread(embedded.start)
            uri = embedded.uri
            logger.info(
                "embedded SecantusDB on port %s, data in %s", embedded.port, embedded.storage
            )
        client = create_client(uri, settings, listeners)
        try:
            db = client[settings.mongodb_database]
            await ensure_indexes(db)
            if settings.seed_on_start:
                await load_directory(db)
            app.state.db = db
            yield
        finally:
            await client.close()
            if embedded is not None:
                await asyncio.to_thread(embedded.stop)

    return lifespan

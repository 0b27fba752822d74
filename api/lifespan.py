"""Start-up and shut-down: the database (embedded or not), its indexes and the seed.

The server starts even when the database does not answer: it reports not ready
(``/readyz`` 503, GraphQL ``SERVICE_UNAVAILABLE``) and keeps trying in the
background, so it recovers without a restart when the database comes up.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager

from pymongo.errors import PyMongoError
from pymongo.monitoring import CommandListener
from starlette.applications import Starlette

from api.database import open_database
from api.settings import Settings
from model.indexes import ensure_indexes
from model.store import Database
from schema.keys.store import ensure_admin_key, warn_of_admin_key
from seed.loader import load_directory

logger = logging.getLogger("dossier")


async def prepare(db: Database, settings: Settings) -> None:
    await ensure_indexes(db)
    if settings.admin_api_key is not None:
        await ensure_admin_key(db, settings.admin_api_key.get_secret_value())
    else:
        await warn_of_admin_key(db)
    if settings.seed_on_start:
        await load_directory(db)


async def prepare_until_done(app: Starlette, db: Database, settings: Settings) -> None:
    while True:
        await asyncio.sleep(settings.startup_retry_s)
        try:
            await prepare(db, settings)
        except Exception:  # keep serving and trying, whatever failed
            logger.exception("database still not ready")
        else:
            app.state.database_ready = True
            logger.info("database ready")
            return


def make_lifespan(
    settings: Settings, listeners: Sequence[CommandListener] = ()
) -> Callable[[Starlette], AbstractAsyncContextManager[None]]:
    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with open_database(settings, listeners) as db:
            app.state.db = db
            app.state.database_ready = False
            preparing: asyncio.Task[None] | None = None
            try:
                await prepare(db, settings)
                app.state.database_ready = True
            except PyMongoError as error:
                logger.warning("database not ready at start (%s); serving anyway", error)
                preparing = asyncio.create_task(prepare_until_done(app, db, settings))
            try:
                yield
            finally:
                if preparing is not None:
                    preparing.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await preparing

    return lifespan

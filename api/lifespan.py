"""Start-up and shut-down: the database (embedded or not), its indexes and the seed.

The server starts even when the database does not answer: it reports not ready
(``/readyz`` 503, GraphQL ``SERVICE_UNAVAILABLE``) and keeps trying in the
background, so it recovers without a restart when the database comes up.

Once it is running, losing the database trips the circuit breaker (``api.breaker``):
requests fail at once until a probe finds it back. The embedded database is also
supervised (``api.supervisor``): restarted on its data directory and port when it dies.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager

import pymongo
from pymongo.errors import PyMongoError
from pymongo.monitoring import CommandListener
from starlette.applications import Starlette

from api.breaker import CircuitBreaker
from api.database import connect, embedded_server
from api.revision_watch import watching
from api.settings import Settings
from api.supervisor import Supervisor
from model.indexes import ensure_indexes
from model.store import Database, uninterrupted
from schema.keys.store import ensure_admin_key, warn_of_admin_key
from schema.revisions.feed import Feed, FeedCounts
from seed.loader import load_directory

logger = logging.getLogger("dossier")

# How long a probe (and /readyz) waits for the database's ping: pymongo's own timeout,
# which bounds server selection too (with timeoutMS set, serverSelectionTimeoutMS is not
# what bounds it).
PING_S = 0.8


async def ping(db: Database) -> None:
    """Raises unless the database answers a ping within ``PING_S``."""
    with pymongo.timeout(PING_S):
        await uninterrupted(db.command("ping"))


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
        async with contextlib.AsyncExitStack() as stack:
            uri = settings.mongodb_uri
            app.state.embedded = None
            if uri is None:
                embedded = await stack.enter_async_context(embedded_server(settings))
                app.state.embedded = embedded
                uri = embedded.uri
            db = await stack.enter_async_context(connect(uri, settings, listeners))
            breaker = CircuitBreaker(
                lambda: ping(db),
                probe_interval_s=settings.probe_interval_s,
                retry_after_s=settings.retry_after_s,
            )
            stack.push_async_callback(breaker.close)
            app.state.db = db
            app.state.breaker = breaker
            app.state.database_ready = False
            await stack.enter_async_context(watching(app, uri, settings))
            if app.state.embedded is not None:
                supervisor = Supervisor(
                    app.state.embedded,
                    poll_s=settings.supervise_poll_s,
                    backoff_s=settings.restart_backoff_s,
                    max_backoff_s=settings.restart_backoff_max_s,
                    on_death=breaker.trip,
                )
                await stack.enter_async_context(supervisor.running())
            # The one change stream of the process, fanned out to its subscriptions.
            feed = Feed(
                db,
                queue_bound=settings.subscriber_queue,
                retry_s=settings.change_stream_retry_s,
                await_ms=max(1, min(1000, settings.database_timeout_ms // 2)),
                ready=lambda: bool(app.state.database_ready),
                counts=FeedCounts(observe=app.state.feed_metrics.observe),
            )
            app.state.feed = await stack.enter_async_context(feed.running())
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

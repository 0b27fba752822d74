"""MongoDB access: the client, collection names and the indexes the API relies on."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Sequence
from typing import Any, TypeVar

from pymongo import ASCENDING, AsyncMongoClient, IndexModel
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.cursor import AsyncCursor
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.monitoring import CommandListener

from api.embedded import EmbeddedMongo
from api.settings import Settings

logger = logging.getLogger("dossier")

Document = dict[str, Any]
Database = AsyncDatabase[Document]

ARTICLES = "articles"
PERSONS = "persons"
ORGANIZATIONS = "organizations"
EVENTS = "events"
STATEMENTS = "statements"
SANCTIONS = "sanctions"

COLLECTIONS = (ARTICLES, PERSONS, ORGANIZATIONS, EVENTS, STATEMENTS, SANCTIONS)

# Order keys end in the document's _id (see seed.loader.with_derived_fields), so one
# field is a total order. ``date.asc``/``date.desc`` put UNKNOWN dates last either way.
# All ascending: a descending order scans them backwards (SecantusDB 0.7's descending
# indexes lose keys that extend one another, e.g. "2009" and "2009-11").
_DATE_ASC = [("date.asc", ASCENDING)]
_DATE_DESC = [("date.desc", ASCENDING)]
_NAME = [("sort.name", ASCENDING)]


def _by_date(*prefix: str) -> list[IndexModel]:
    """One index per date direction, each led by the filter field (if any)."""
    lead = [(field, ASCENDING) for field in prefix]
    return [IndexModel(lead + _DATE_ASC), IndexModel(lead + _DATE_DESC)]


def _search(*keys: str) -> list[IndexModel]:
    """The keys search and the name filters look candidates up by (schema.search.keys)."""
    return [IndexModel([(f"search.{key}", ASCENDING)]) for key in keys or ("names", "keys")]


def _by_name(*prefix: str) -> list[IndexModel]:
    return [IndexModel([(field, ASCENDING) for field in prefix] + _NAME)]


INDEXES: dict[str, list[IndexModel]] = {
    ARTICLES: [*_search()],
    PERSONS: [
        *_search(),
        *_by_name(),
        *_by_name("countries"),
        *_by_name("positions.organization"),
        IndexModel([("citations.article", ASCENDING)]),
    ],
    ORGANIZATIONS: [
        *_search(),
        *_by_name(),
        *_by_name("kind"),
        *_by_name("country"),
        IndexModel([("citations.article", ASCENDING)]),
    ],
    EVENTS: [
        *_search(),
        *_by_date(),
        *_by_date("kind"),
        *_by_date("participants.actor.slug"),
        *_by_date("citations.article"),
    ],
    STATEMENTS: [
        *_search("keys"),  # statements have no names
        *_by_date(),
        *_by_date("speaker.slug"),
        *_by_date("about.slug"),
        *_by_date("kind"),
        *_by_date("citations.article"),
        *_by_date("search.tokens"),  # the statement text filter
    ],
    SANCTIONS: [
        *_search(),
        *_by_date(),
        *_by_date("authority.slug"),
        *_by_date("targets.slug"),
        *_by_date("status"),
        *_by_date("kinds"),
        *_by_date("inResponseTo"),
        *_by_date("citations.article"),
    ],
}


T = TypeVar("T")


async def uninterrupted(operation: Awaitable[T]) -> T:
    """Let a driver call finish even when its caller is cancelled.

    graphql-core cancels a request's other fields once one fails, and a cancellation
    that lands inside pymongo's async server selection leaves its topology lock broken
    ("Lock is not acquired"), failing every later request. So every read runs to
    completion in its own task; a cancelled caller just stops waiting for it.
    """
    task = asyncio.ensure_future(operation)
    task.add_done_callback(_consume_outcome)
    return await asyncio.shield(task)


def _consume_outcome(task: asyncio.Future[Any]) -> None:
    if not task.cancelled():
        task.exception()  # retrieved, so an abandoned failure is not reported twice


async def find_all(cursor: AsyncCursor[Document]) -> list[Document]:
    return await uninterrupted(cursor.to_list())


async def aggregate_all(
    collection: AsyncCollection[Document], pipeline: Sequence[Document]
) -> list[Document]:
    async def run() -> list[Document]:
        return await (await collection.aggregate(list(pipeline))).to_list()

    return await uninterrupted(run())


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


async def ensure_indexes(db: Database) -> None:
    """Create every index the API's filters and orders use (idempotent)."""
    for collection, indexes in INDEXES.items():
        await db[collection].create_indexes(indexes)


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

"""Every write as one transaction that also keeps one revision per object it writes.

A revision records who wrote what, when, and the object as the write left it, so no
earlier version is ever lost. Every write transaction increments one counter document:
that serialises the writers (a second one conflicts and retries), so the sequence the
counter hands out is the commit order, which ``Query.changes`` pages through.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Final, TypeVar

from pymongo import DeleteOne, InsertOne, ReplaceOne, ReturnDocument
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.errors import BulkWriteError, OperationFailure

from model import paths
from model.derived import with_derived_fields
from model.documents import RevisionDoc
from model.names import (
    ARTICLES,
    COUNTERS,
    EVENTS,
    ORGANIZATIONS,
    PERSONS,
    REVISIONS,
    SANCTIONS,
    STATEMENTS,
)
from model.orders import ORDERS
from model.store import Database, Document

logger = logging.getLogger(__name__)

T = TypeVar("T")
Session = AsyncClientSession | None

SEED_AUTHOR: Final = "seed"
_SEQUENCE = "revisions"  # the counter document's _id
_SEQUENCE_DIGITS = 16  # zero-padded, so the string order of revision ids is commit order
_NO_TRANSACTIONS = 20  # IllegalOperation: a standalone server has no transactions
_DUPLICATE_KEY = 11000

TYPE_NAMES: dict[str, str] = {
    ARTICLES: "Article",
    PERSONS: "Person",
    ORGANIZATIONS: "Organization",
    EVENTS: "Event",
    STATEMENTS: "Statement",
    SANCTIONS: "Sanction",
}
COLLECTION_OF_TYPE = {name: collection for collection, name in TYPE_NAMES.items()}
# Stored beside an object's own fields, never compared as a change of it (with the
# order keys, model.orders).
_BOOKKEEPING = frozenset({paths.ID, paths.SEARCH, paths.SORT, paths.REVISION, "slug", "source"})


class Operation(StrEnum):
    CREATE = "CREATE"
    UPDATE = "UPDATE"
    DELETE = "DELETE"
    MERGE = "MERGE"


class Conflict(Exception):
    """The stored object is not at the revision the write was made against."""

    def __init__(self, collection: str, slug: str, expected: int | None, found: int | None):
        super().__init__(f"{collection}/{slug}: expected revision {expected}, found {found}")
        self.collection = collection
        self.slug = slug
        self.expected = expected
        self.found = found


@dataclass(frozen=True)
class Write:
    """One object written by a commit. ``doc`` is the whole object as it is to be stored
    (derived fields are added here); None removes it (a DELETE, or the MERGE of a
    duplicate, which names the object it went into). ``expected``: the revision the stored
    object must be at (None: it must not exist). ``before``: the stored object as the
    caller read it in this transaction, so that the commit need not read it again."""

    collection: str
    slug: str
    operation: Operation
    doc: Document | None = None
    expected: int | None = None
    reason: str | None = None
    merged_into: str | None = None
    before: Document | None = None


def node_key(collection: str, slug: str) -> str:
    return f"{TYPE_NAMES[collection]}:{slug}"


def revision_id(sequence: int) -> str:
    return str(sequence).zfill(_SEQUENCE_DIGITS)


def content(collection: str, doc: Mapping[str, object]) -> Document:
    """An object's own fields: what a write changes and a revision keeps (no order or
    search keys, no revision number)."""
    kept: Document = {key: value for key, value in doc.items() if key not in _BOOKKEEPING}
    for order in ORDERS[collection]:
        for path in {order.ascending, order.descending}:
            head, _, rest = path.partition(".")
            nested = kept.get(head)
            if rest and isinstance(nested, dict):
                kept[head] = {key: value for key, value in nested.items() if key != rest}
    return kept


def changed_fields(
    collection: str, before: Mapping[str, object] | None, after: Mapping[str, object] | None
) -> list[str]:
    old, new = content(collection, before or {}), content(collection, after or {})
    return [key for key in dict.fromkeys([*new, *old]) if old.get(key) != new.get(key)]


async def edited_since_seed(
    db: Database, session: Session, collection: str, slugs: Sequence[str]
) -> set[str]:
    """The slugs among ``slugs`` whose objects someone other than the seed has written."""
    keys = [node_key(collection, slug) for slug in slugs]
    cursor = db[REVISIONS].find(
        {paths.REVISION_NODE: {"$in": keys}, paths.REVISION_AUTHOR: {"$ne": SEED_AUTHOR}},
        {paths.REVISION_NODE: 1},
        session=session,
    )
    return {doc[paths.REVISION_NODE].partition(":")[2] async for doc in cursor}


async def current_sequence(db: Database) -> int:
    """The last sequence number handed out: it moves with every committed write, so an
    unchanged value means nothing a revision keeps has changed."""
    found = await (
        await db[COUNTERS].aggregate([{"$match": {paths.ID: _SEQUENCE}}, {"$project": {"seq": 1}}])
    ).to_list()
    return int(found[0]["seq"]) if found else 0


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


async def commit(
    db: Database, session: Session, author: str, writes: Sequence[Write]
) -> list[RevisionDoc]:
    """Write the objects and their revisions; to be called inside ``in_transaction``.

    Raises ``Conflict`` when a stored object is not at its expected revision (or exists
    when it is created), which aborts the transaction: nothing is written.
    """
    if not writes:
        return []
    counter = await db[COUNTERS].find_one_and_update(
        {paths.ID: _SEQUENCE},
        {"$inc": {"seq": len(writes)}},
        upsert=True,
        return_document=ReturnDocument.AFTER,
        session=session,
    )
    assert counter is not None  # upserted
    first = counter["seq"] - len(writes) + 1
    stored = await _stored(db, session, writes)
    at = now()
    revisions: list[RevisionDoc] = []
    operations: dict[str, list[InsertOne[Document] | ReplaceOne[Document] | DeleteOne]] = {}
    for offset, write in enumerate(writes):
        before = (
            stored.get((write.collection, write.slug)) if write.before is None else write.before
        )
        # 0: stored before there were revisions.
        found = None if before is None else before.get(paths.REVISION, 0)
        if found != write.expected:
            raise Conflict(write.collection, write.slug, write.expected, found)
        number = (found or 0) + 1
        state = None
        selector: Document = {paths.ID: write.slug, paths.REVISION: found or {"$exists": False}}
        if write.doc is None:
            operation: InsertOne[Document] | ReplaceOne[Document] | DeleteOne = DeleteOne(selector)
        else:
            state = content(write.collection, write.doc)
            document = with_derived_fields(write.collection, {**write.doc, paths.REVISION: number})
            operation = InsertOne(document) if before is None else ReplaceOne(selector, document)
        operations.setdefault(write.collection, []).append(operation)
        revision = RevisionDoc(
            _id=revision_id(first + offset),
            type=TYPE_NAMES[write.collection],
            node=node_key(write.collection, write.slug),
            number=number,
            operation=write.operation.value,
            author=author,
            at=at,
            changedFields=changed_fields(write.collection, before, write.doc),
            reason=write.reason,
            state=state,
        )
        if write.merged_into is not None:
            revision["mergedInto"] = write.merged_into
        revisions.append(revision)
    for collection, batch in operations.items():
        try:
            result = await db[collection].bulk_write(batch, ordered=True, session=session)
        except BulkWriteError as error:
            if any(e.get("code") == _DUPLICATE_KEY for e in error.details.get("writeErrors", [])):
                raise Conflict(collection, "?", None, None) from None  # created meanwhile
            raise
        if result.matched_count + result.deleted_count + result.inserted_count != len(batch):
            raise Conflict(collection, "?", None, None)  # changed between read and write
    await db[REVISIONS].insert_many([dict(revision) for revision in revisions], session=session)
    return revisions


async def _stored(
    db: Database, session: Session, writes: Sequence[Write]
) -> dict[tuple[str, str], Document]:
    """The stored objects the writes replace that their callers have not read, their
    revision and content only. A creation reads nothing: the unique ``_id`` refuses it if
    the object exists after all."""
    slugs: dict[str, list[str]] = {}
    for write in writes:
        if write.expected is not None and write.before is None:
            slugs.setdefault(write.collection, []).append(write.slug)
    found: dict[tuple[str, str], Document] = {}
    for collection, wanted in slugs.items():
        cursor = db[collection].find(
            {paths.ID: {"$in": wanted}}, {paths.SEARCH: 0, paths.SORT: 0}, session=session
        )
        async for doc in cursor:
            found[(collection, doc[paths.ID])] = doc
    return found


async def in_transaction(db: Database, work: Callable[[Session], Awaitable[T]]) -> T:
    """Run ``work`` in one transaction, retried on transient errors as the driver advises.

    Every write transaction increments the one counter, so two at once conflict and one
    starts again: within a process they queue instead (others, elsewhere, still retry).

    A standalone server has no transactions: there ``work`` runs without one (and a
    warning says so), which is why docker-compose runs MongoDB as a replica set.
    """
    async with _writers():
        async with db.client.start_session() as session:
            try:
                return await session.with_transaction(work)
            except OperationFailure as error:
                if error.code != _NO_TRANSACTIONS:
                    raise
        logger.warning("the database has no transactions: writing without one")
        return await work(None)


_WRITERS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
    weakref.WeakKeyDictionary()
)


def _writers() -> asyncio.Lock:
    """This event loop's queue of write transactions (a lock belongs to one loop)."""
    loop = asyncio.get_running_loop()
    lock = _WRITERS.get(loop)
    if lock is None:
        lock = _WRITERS[loop] = asyncio.Lock()
    return lock

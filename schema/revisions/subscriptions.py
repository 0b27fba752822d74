"""``Subscription.changes``: the revisions as they commit, over WebSocket.

With ``after`` (a cursor of a ``changes`` page or of an earlier event) a subscriber first
gets every revision committed since, read from the collection, then the live ones. The
handover has no gap and no duplicate: the subscriber's queue is on the process's feed
before the replay reads anything, so whatever commits after the replay's last read is
queued, and what the replay already gave (revision ids are the commit order) is skipped.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator
from typing import Annotated, Protocol

import strawberry
from pymongo.errors import PyMongoError

from model import paths
from model.documents import RevisionDoc
from model.names import REVISIONS
from model.store import Document, find_all
from schema.admission import out_of_reach
from schema.common.errors import SERVICE_UNAVAILABLE, CodedError
from schema.common.projection import Reads
from schema.context import Context, Info
from schema.execution import share_results
from schema.keys.authentication import authenticate
from schema.loaders import Loaders
from schema.revisions.feed import Ended, Feed, Subscriber
from schema.revisions.fields import COMMIT_ORDER
from schema.revisions.queries import TYPES
from schema.revisions.types import Revision
from schema.search.types import SearchType

logger = logging.getLogger("dossier")

REPLAY_PAGE = 100
# How long a new subscriber waits for the process's change stream to be open (it opens
# at start, and again after the database comes back) before it is told to come back.
LIVE_WAIT_S = 5.0

AFTER = strawberry.argument(
    description=(
        "The cursor of the last revision the client saw (of a `changes` page, or "
        "`cursor` of an event): first every revision committed since, then the live ones."
    )
)


class Unavailable(CodedError):
    code = SERVICE_UNAVAILABLE


class SubscriptionEnded(CodedError):
    """The feed stopped for this subscriber; it resumes with ``after``."""


class Feeds(Protocol):
    """Where the application keeps the process's feed (``app.state.feed``)."""

    feed: Feed


def feed_of(context: Context) -> Feed:
    state: Feeds = context.request.app.state
    return state.feed


def _ended(why: Ended) -> CodedError:
    error = SubscriptionEnded(f"{why} Resume with `after`.")
    if error.extensions is not None:
        error.extensions["code"] = why.code
    return error


@strawberry.type
class RevisionSubscriptions:
    @strawberry.subscription(
        description=(
            "Every committed write, as it commits, in commit order. `after` first "
            "replays what was committed since that cursor. See the README for the "
            "close codes and how to resume."
        )
    )
    async def changes(
        self,
        info: Info,
        types: Annotated[list[SearchType] | None, TYPES] = None,
        after: Annotated[str | None, AFTER] = None,
    ) -> AsyncGenerator[Revision, None]:
        last = None if after is None else COMMIT_ORDER.decode(after, "after")
        names = frozenset(kind.value.capitalize() for kind in types or ())
        context = info.context
        if out_of_reach(context):
            raise Unavailable("The database is not available; try again shortly.")
        await authenticate(context)  # checked at connection_init unless it was out of reach
        if context.refusal is not None:
            raise context.refusal
        feed = feed_of(context)
        subscriber = feed.subscribe()
        try:
            await _wait_live(feed)
            if last is None:
                subscriber.caught_up()
            while subscriber.catching_up:
                page = await _replay_page(context, last, names)
                for doc in page:
                    last = doc[paths.ID]
                    yield _revision(context, doc, feed, live=False)
                if len(page) < REPLAY_PAGE:
                    subscriber.caught_up()
            while True:
                doc = await _next(subscriber)
                if last is not None and doc[paths.ID] <= last:
                    continue  # the replay gave it
                last = doc[paths.ID]
                if not names or doc["type"] in names:
                    yield _revision(context, doc, feed, live=True)
        finally:
            feed.unsubscribe(subscriber)


async def _wait_live(feed: Feed) -> None:
    try:
        await asyncio.wait_for(feed.live.wait(), LIVE_WAIT_S)
    except TimeoutError:
        raise Unavailable("The change stream is not open; try again shortly.") from None


async def _next(subscriber: Subscriber) -> RevisionDoc:
    try:
        return await subscriber.next()
    except Ended as why:
        raise _ended(why) from None


async def _replay_page(
    context: Context, last: str | None, names: frozenset[str]
) -> list[RevisionDoc]:
    query: Document = {}
    if names:
        query[paths.REVISION_TYPE] = {"$in": sorted(names)}
    if last is not None:
        query[paths.ID] = {"$gt": last}
    cursor = context.db[REVISIONS].find(query, sort=[(paths.ID, 1)], limit=REPLAY_PAGE)
    try:
        docs = await find_all(cursor)
    except PyMongoError as error:
        logger.warning("subscription replay failed: %s", error)
        raise Unavailable("The database is unavailable; resume with `after` shortly.") from None
    return docs  # type: ignore[return-value]


def _revision(context: Context, doc: RevisionDoc, feed: Feed, *, live: bool) -> Revision:
    """The event, resolved with fresh loaders: a loader's cache is per request, and a
    subscription is as many requests as it has events. The reads are not narrowed to the
    operation (another operation on the connection may narrow them otherwise). A live
    event is the process's object for the revision: subscribers asking alike share its
    execution. A replayed one is this subscriber's own read."""
    context.reads = Reads()
    context.loaders = Loaders(context.db, context.reads)
    feed.counts.count("delivered")
    return feed.event(doc, _shared_revision) if live else Revision.from_doc(doc)


def _shared_revision(doc: RevisionDoc) -> Revision:
    return share_results(Revision.from_doc(doc))

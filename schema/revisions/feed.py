"""The process's one change stream on the revisions, fanned out to its subscribers.

Every subscriber gets a bounded queue the stream fills without ever waiting: one that
does not keep up is dropped (``TooSlow``) and the others go on. A subscriber leaving
only removes its queue; the stream is the process's, opened at start and closed at
shutdown, whatever the subscribers do.

The durable position is the revision ``_id`` (the zero-padded commit sequence), not the
stream's resume token. A subscriber's own position is the cursor of the last revision it
saw, which survives anything on the server: it replays ``_id > cursor`` from the
collection and then takes the stream. The feed keeps the ``_id`` of the last revision it
fanned out, and whenever it (re)opens the stream it fills in ``_id > last`` from the
collection, so a stream re-opened without its history (token unknown, database restored)
still skips nothing it owes a subscriber that is waiting on it (a new subscriber waits for
the stream to be open before it replays, so nothing falls between the two). The resume token is only
kept in memory, to re-open the stream where it stopped: a restarted process has no
subscribers until they come back with their cursors, so a stored token would serve no
one.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pymongo.errors import OperationFailure, PyMongoError

from model import paths
from model.documents import RevisionDoc
from model.names import REVISIONS
from model.store import Database, Document, uninterrupted

logger = logging.getLogger("dossier")

# The change stream cannot start where its resume token says (``ChangeStreamHistoryLost``,
# ``InvalidResumeToken``, ``ChangeStreamFatalError``; SecantusDB answers ``FailedToParse``
# for a token it does not know).
HISTORY_LOST_CODES = frozenset({9, 260, 280, 286})
SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
HISTORY_LOST = "HISTORY_LOST"
READY_POLL_S = 0.05
SUBSCRIBER_TOO_SLOW = "SUBSCRIBER_TOO_SLOW"  # the socket is closed with 4499 (``api.live``)
_INSERTS = [{"$match": {"operationType": "insert"}}]
# Revisions whose event objects are kept for subscribers to share (``Feed.event``): the
# newest, which live subscribers take within moments of each other.
SHARED_EVENTS = 32
EventT = TypeVar("EventT")


class StreamEnded(PyMongoError):
    """The change stream stopped without an error (invalidated)."""


class Ended(Exception):
    """Why a subscriber's feed stopped; it may come back with ``after``."""

    code = SERVICE_UNAVAILABLE


class TooSlow(Ended):
    """It fell behind by more than its queue holds."""

    code = SUBSCRIBER_TOO_SLOW


class Interrupted(Ended):
    """The change stream failed: the database went away, or lost the stream's history."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(eq=False)
class Subscriber:
    """One subscription's queue. While ``catching_up`` (replaying from the collection) an
    overflow only sets ``lagging``: what it dropped is in the collection, which the
    replay reads again. Once live, an overflow ends it (``TooSlow``)."""

    bound: int
    queue: asyncio.Queue[RevisionDoc | None] = field(init=False)
    catching_up: bool = True
    lagging: bool = False
    ended: Ended | None = None

    def __post_init__(self) -> None:
        self.queue = asyncio.Queue()  # bounded by ``offer``: the stream must never wait

    def offer(self, doc: RevisionDoc) -> bool:
        """Queue ``doc``; False when the subscriber fell too far behind and was ended."""
        if self.ended is not None:
            return True
        if self.queue.qsize() < self.bound:
            self.queue.put_nowait(doc)
            return True
        if self.catching_up:
            self.lagging = True
            self._clear()
            return True
        self.end(TooSlow(f"Fell more than {self.bound} revisions behind."))
        return False

    def caught_up(self) -> bool:
        """Called once the replay has read the collection to its end: whether the queue
        holds everything since (else the replay must read again from where it is)."""
        if self.lagging:
            self.lagging = False
            self._clear()
            return False
        self.catching_up = False
        return True

    def end(self, why: Ended) -> None:
        if self.ended is None:
            self.ended = why
            self._clear()
            self.queue.put_nowait(None)  # wakes the subscriber

    async def next(self) -> RevisionDoc:
        doc = await self.queue.get()
        if doc is None:
            assert self.ended is not None
            raise self.ended
        return doc

    def _clear(self) -> None:
        while not self.queue.empty():
            self.queue.get_nowait()


def _unobserved(what: str, by: int) -> None:
    pass


@dataclass
class FeedCounts:
    """What the feed has done; ``observe`` hears of each change (the app's metrics, which
    must add up over worker processes, so they are kept as they change)."""

    delivered: int = 0  # revisions sent to subscribers
    dropped: int = 0  # subscribers ended for falling behind
    interrupted: int = 0  # subscribers ended because the stream failed
    opened: int = 0  # change streams opened (more than one: re-opened after failures)
    subscribed: int = 0  # subscribers being served
    observe: Callable[[str, int], None] = _unobserved

    def count(self, what: str, by: int = 1) -> None:
        setattr(self, what, getattr(self, what) + by)
        self.observe(what, by)


class Feed:
    """Follows the revisions collection for the process. ``retry_s``: the wait before
    re-opening a stream that failed; ``await_ms``: how long the server holds a wait for
    the next change on a quiet record (less than the client's ``timeoutMS``)."""

    def __init__(
        self,
        db: Database,
        *,
        queue_bound: int,
        retry_s: float,
        await_ms: int = 1000,
        ready: Callable[[], bool] = lambda: True,
        counts: FeedCounts | None = None,
    ) -> None:
        self.db = db
        self.ready = ready  # the database is prepared: nothing is followed before
        self.queue_bound = queue_bound
        self.retry_s = retry_s
        self.await_ms = await_ms
        self.subscribers: set[Subscriber] = set()
        self.counts = counts or FeedCounts()
        self.last_id: str | None = None
        self.token: Mapping[str, Any] | None = None
        self.live = asyncio.Event()  # the stream is open and filled in
        self._events: OrderedDict[int, tuple[RevisionDoc, Any]] = OrderedDict()

    def subscribe(self) -> Subscriber:
        subscriber = Subscriber(self.queue_bound)
        self.subscribers.add(subscriber)
        self.counts.count("subscribed")
        return subscriber

    def unsubscribe(self, subscriber: Subscriber) -> None:
        self._remove(subscriber)

    def _remove(self, subscriber: Subscriber) -> None:
        if subscriber in self.subscribers:
            self.subscribers.discard(subscriber)
            self.counts.count("subscribed", -1)

    def event(self, doc: RevisionDoc, make: Callable[[RevisionDoc], EventT]) -> EventT:
        """The one object every subscriber receives for the revision ``doc`` that the feed
        published (``make`` runs once for it while it is among the newest), so that they
        can share its execution. Kept by the document itself, not its id: a revision a
        subscriber read for itself (a replay), or one of a database that came back
        without it, is never taken for another."""
        made = self._events.get(id(doc))  # the entry holds ``doc``: its id is not reused
        if made is None:
            made = self._events[id(doc)] = (doc, make(doc))
            if len(self._events) > SHARED_EVENTS:
                self._events.popitem(last=False)
        return made[1]

    def publish(self, doc: RevisionDoc) -> None:
        """Fan ``doc`` out, once: revisions arrive in commit order, and one already
        published (the fill and the stream can both bring it) is skipped."""
        if self.last_id is not None and doc[paths.ID] <= self.last_id:
            return
        self.last_id = doc[paths.ID]
        for subscriber in list(self.subscribers):
            if not subscriber.offer(doc):
                self._remove(subscriber)
                self.counts.count("dropped")

    def interrupt(self, why: Interrupted) -> None:
        for subscriber in list(self.subscribers):
            subscriber.end(why)
            self._remove(subscriber)
            self.counts.count("interrupted")

    async def run(self) -> None:
        while True:
            while not self.ready():  # an unprepared database is asked nothing  # noqa: ASYNC110
                await asyncio.sleep(READY_POLL_S)
            try:
                await self._follow()
            except PyMongoError as error:
                self.live.clear()
                lost = isinstance(error, OperationFailure) and error.code in HISTORY_LOST_CODES
                if isinstance(error, OperationFailure | StreamEnded):
                    # Refused or invalidated, not unreachable: maybe the token (a database
                    # restored, restarted without its history, or dropped). The fill from
                    # the last id published makes a fresh stream safe.
                    self.token = None
                if lost:
                    logger.warning("change stream history lost (%s); re-opening it", error)
                    why = Interrupted("The change stream lost its history.", HISTORY_LOST)
                else:
                    logger.warning("change stream failed (%s); re-opening it", error)
                    why = Interrupted("The database is unavailable.", SERVICE_UNAVAILABLE)
                self.interrupt(why)
                await asyncio.sleep(self.retry_s)
            except Exception:  # a bug, not the database: keep the process's feed going
                logger.exception("change stream failed unexpectedly; re-opening it")
                self.live.clear()
                self.interrupt(Interrupted("The change stream failed.", SERVICE_UNAVAILABLE))
                await asyncio.sleep(self.retry_s)

    async def _follow(self) -> None:
        collection = self.db[REVISIONS]
        # Every driver call runs to completion (``uninterrupted``): the feed is cancelled at
        # shutdown, and a cancellation inside pymongo's server selection breaks its client.
        opening = collection.watch(
            _INSERTS, resume_after=self.token, max_await_time_ms=self.await_ms
        )
        async with await uninterrupted(opening) as stream:
            self.counts.count("opened")
            if self.last_id is not None:  # re-opened: what it has not published yet
                await self._fill()
            self.live.set()
            while stream.alive:
                # One wait at a time, each within the client's timeoutMS: ``next()`` would
                # hold them all under one deadline and time out on a quiet record.
                event = await uninterrupted(stream.try_next())
                if stream.resume_token is not None:
                    self.token = stream.resume_token
                if event is not None:
                    self.publish(event["fullDocument"])
        # Invalidated (its collection or database dropped): a dead stream's try_next
        # returns at once without waiting, so it is re-opened, from the last id it published.
        raise StreamEnded("the change stream was invalidated")

    async def _fill(self) -> None:
        query: Document = {paths.ID: {"$gt": self.last_id}}
        async for doc in self.db[REVISIONS].find(query, sort=[(paths.ID, 1)]):
            self.publish(doc)  # type: ignore[arg-type]

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[Feed]:
        """Follow for the block; on exit, stop and end every subscriber."""
        task = asyncio.create_task(self.run())
        try:
            yield self
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            self.interrupt(Interrupted("The server is shutting down.", SERVICE_UNAVAILABLE))

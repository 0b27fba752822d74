"""The record's revision as this process last read it, and how long ago that was.

Every committed write moves the revision counter (``model.revisions``), in whichever
process it was made, so cached answers (``api.response_cache``) and ETags are valid while
it has not moved. A background task starts a read of it every ``poll_s``, without waiting
for the last one to end (a busy database answers late, not never). A value counts only
while the read that found it started no more than ``bound_s`` ago (the staleness bound):
after that, or while nothing could be read, ``current`` is None and nothing is answered
from cache. A write made in this process calls ``invalidate``: nothing counts until a
read started after it has answered, so a client reads its own writes at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections.abc import AsyncIterator, Awaitable, Callable

import pymongo
from starlette.applications import Starlette

from api.database import connect
from api.settings import Settings
from model.revisions import current_sequence
from model.store import uninterrupted

logger = logging.getLogger("dossier")

# Its reads are not the requests' (tests arm fail points for the app's "dossier").
WATCH_APPNAME = "dossier-revisions"


class RevisionWatch:
    def __init__(
        self,
        read: Callable[[], Awaitable[int]],
        *,
        poll_s: float,
        bound_s: float,
        on_change: Callable[[], None] = lambda: None,
    ) -> None:
        self._read = read
        self.poll_s = poll_s
        self.bound_s = bound_s
        self._on_change = on_change
        self._value: int | None = None
        self._read_started = 0.0
        self._generation = 0
        self._reading: set[asyncio.Task[None]] = set()
        self.reads = 0

    @property
    def current(self) -> int | None:
        """The revision, if it was read within the staleness bound."""
        if self._value is None or time.monotonic() - self._read_started > self.bound_s:
            return None
        return self._value

    def invalidate(self) -> None:
        """This process wrote (or may have): forget the revision until it is read again."""
        self._generation += 1
        self._value = None
        self._on_change()

    async def poll_once(self) -> None:
        started, generation = time.monotonic(), self._generation
        try:
            with pymongo.timeout(self.bound_s):  # later than that, it would not count
                value = await self._read()
        except Exception as error:  # down or slow: the value goes stale by itself
            logger.debug("revision not read: %s", error)
            return
        self.reads += 1
        if generation != self._generation or started < self._read_started:
            return  # a write of this process came after it began, or a later read answered
        if value != self._value:
            self._on_change()
        self._value, self._read_started = value, started

    async def _poll(self) -> None:
        most = max(1, math.ceil(self.bound_s / self.poll_s))  # more could not count
        while True:
            if len(self._reading) < most:
                task = asyncio.create_task(self.poll_once())
                self._reading.add(task)
                task.add_done_callback(self._reading.discard)
            await asyncio.sleep(self.poll_s)

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[RevisionWatch]:
        task = asyncio.create_task(self._poll())
        try:
            yield self
        finally:
            for running in (task, *self._reading):
                running.cancel()
            for running in (task, *self._reading):
                with contextlib.suppress(asyncio.CancelledError):
                    await running


@contextlib.asynccontextmanager
async def watching(app: Starlette, uri: str, settings: Settings) -> AsyncIterator[None]:
    """``app.state.revisions`` watched while the block runs, when anything caches. It
    reads on a client of its own: its reads are no request's work (nor in its metrics),
    and are aggregates, which the server counts as commands, not as queries."""
    cache = app.state.response_cache
    if not settings.http_caching and not cache.enabled:
        yield
        return
    async with connect(uri, settings, appname=WATCH_APPNAME) as db:
        watch = RevisionWatch(
            lambda: uninterrupted(current_sequence(db)),
            poll_s=settings.cache_revision_poll_ms / 1000,
            bound_s=settings.cache_max_staleness_ms / 1000,
            on_change=cache.clear,
        )
        async with watch.running():
            app.state.revisions = watch
            try:
                yield
            finally:
                app.state.revisions = None

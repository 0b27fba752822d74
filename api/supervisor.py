"""The embedded database's supervisor: when the child dies, start it again.

Same data directory and same port, so the client's URI stays valid and the driver
reconnects by itself; acknowledged writes are on disk and come back with it. Restarts
that fail are retried with exponential back-off, capped. Stopped at shutdown before the
child is, so nothing is restarted while the server goes down.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections.abc import AsyncIterator, Callable

from api.embedded import EmbeddedMongo, EmbeddedServerError

logger = logging.getLogger("dossier")


class Supervisor:
    """Polls ``server`` every ``poll_s``; on its death calls ``on_death`` (the breaker's
    trip: requests fail at once from then on) and restarts it, waiting ``backoff_s``,
    doubled after each failed start up to ``max_backoff_s``, between attempts.

    A child that dies again soon (within ``max_backoff_s``) after a restart is restarted
    after the back-off reached so far, not at once: a crash loop backs off too."""

    def __init__(
        self,
        server: EmbeddedMongo,
        *,
        poll_s: float,
        backoff_s: float,
        max_backoff_s: float,
        on_death: Callable[[str], None] = lambda reason: None,
    ) -> None:
        self.server = server
        self.poll_s = poll_s
        self.backoff_s = backoff_s
        self.max_backoff_s = max_backoff_s
        self.on_death = on_death
        self.restarts = 0
        self._stopping = asyncio.Event()
        self._delay = 0.0  # before the next attempt
        self._restarted_at = -math.inf

    async def run(self) -> None:
        while not await self.stopping_within(self.poll_s):
            if self.server.running:
                continue
            code = self.server.returncode
            logger.error(
                "embedded SecantusDB (pid %s) died with code %s; restarting it on port %s",
                self.server.pid,
                code,
                self.server.port,
            )
            self.on_death(f"embedded SecantusDB exited with code {code}")
            await self._restart()

    async def _restart(self) -> None:
        if time.monotonic() - self._restarted_at > self.max_backoff_s:
            self._delay = 0.0  # it ran well for a while: restart at once
        attempt = 1
        while not self._stopping.is_set():
            if self._delay and await self.stopping_within(self._delay):
                return
            self._delay = min(max(self._delay * 2, self.backoff_s), self.max_backoff_s)
            try:
                # Not cancelled at shutdown (``_stopping`` is checked around it instead):
                # a start cut short would leave a child nobody stops.
                await asyncio.to_thread(self.server.restart)
            except EmbeddedServerError as error:
                logger.error("restart %d of embedded SecantusDB failed: %s", attempt, error)
            else:
                self.restarts += 1
                self._restarted_at = time.monotonic()
                logger.warning(
                    "embedded SecantusDB restarted (pid %s, attempt %d)", self.server.pid, attempt
                )
                return
            attempt += 1

    async def stopping_within(self, seconds: float) -> bool:
        """Wait ``seconds``, or less if told to stop; whether told to stop."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)
        return self._stopping.is_set()

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[Supervisor]:
        """Supervise for the block; on exit, stop (after any start under way ends)."""
        task = asyncio.create_task(self.run())
        try:
            yield self
        finally:
            self._stopping.set()
            await task

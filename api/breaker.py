"""The circuit breaker: once the database is found unreachable, fail at once.

Without it every request waits out the operation timeout for a database that is not
there. Open, the breaker has requests answered ``SERVICE_UNAVAILABLE`` (with an HTTP
``Retry-After``) before they ask the database anything (``schema.admission``), while a
background probe pings the database with a short timeout; the first answer closes it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

logger = logging.getLogger("dossier")


class CircuitBreaker:
    """Closed until ``trip``; open until ``probe`` (which raises when the database does
    not answer) succeeds, tried every ``probe_interval_s``."""

    def __init__(
        self,
        probe: Callable[[], Awaitable[object]],
        *,
        probe_interval_s: float,
        retry_after_s: int,
    ) -> None:
        self._probe = probe
        self.probe_interval_s = probe_interval_s
        self.retry_after_s = retry_after_s
        self._probing: asyncio.Task[None] | None = None
        self._closed_for_good = False

    @property
    def open(self) -> bool:
        return self._probing is not None and not self._probing.done()

    def trip(self, reason: str) -> None:
        """Open the breaker (if it is not already) and start probing for the database."""
        if self.open or self._closed_for_good:
            return
        logger.warning(
            "database unreachable (%s): failing requests at once until it answers", reason
        )
        self._probing = asyncio.get_running_loop().create_task(self._probe_until_it_answers())

    async def _probe_until_it_answers(self) -> None:
        while True:
            await asyncio.sleep(self.probe_interval_s)
            try:
                await self._probe()
            except Exception as error:
                logger.debug("database probe failed: %s", error)
                continue
            logger.info("database answers again: breaker closed")
            return

    async def close(self) -> None:
        """At shutdown: stop probing, and trip no more."""
        self._closed_for_good = True
        probing, self._probing = self._probing, None
        if probing is not None:
            probing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await probing

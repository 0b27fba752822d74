"""Admission control: a bounded amount of database-bound work at once, weighed by cost.

Without it every request is let in, and under a burst of heavy reads they all share the
database at once and all time out together. Here each operation takes from a capacity
counted in cost units (``schema.limits``: the objects it could resolve) for as long as it
runs; one that does not fit waits, at most ``wait_s``, and is then refused
(``OVERLOADED``, HTTP 503, ``Retry-After``), so the excess is told at once to come back
instead of queueing past its time limit.

A cheap operation (cost at most ``cheap_cost``, a ``node(id)``) may use the whole
capacity; a costlier one only what is left of it less ``reserve``. Heavy pages therefore
never fill the last ``reserve`` units, and a cheap request finds room beside them
instead of queueing behind them. Whoever fits is let in, in the order they came: a cheap
request passes a heavy one waiting for more room than there is. One gate per process:
with several workers, each has its own.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass


@dataclass
class GateCounts:
    """What the gate has done, for tests and benchmarks."""

    admitted: int = 0
    waited: int = 0
    refused: int = 0


class AdmissionGate:
    def __init__(
        self, *, capacity: int, reserve: int, cheap_cost: int, wait_s: float, retry_after_s: int
    ) -> None:
        if not 0 <= reserve < capacity:
            raise ValueError("the reserve must be smaller than the capacity")
        self.retry_after_s = retry_after_s  # what a refused client is told
        self.capacity = capacity
        self.reserve = reserve
        self.cheap_cost = cheap_cost
        self.wait_s = wait_s
        self.in_use = 0
        self.counts = GateCounts()
        self._waiting: collections.deque[tuple[int, asyncio.Future[None]]] = collections.deque()

    def weight(self, cost: int) -> int:
        """The units an operation takes: its cost, at least one, and never more than a
        heavy operation may use, so that the costliest still runs (alone)."""
        return max(1, min(cost, self.capacity - self.reserve))

    def _fits(self, weight: int) -> bool:
        limit = self.capacity if weight <= self.cheap_cost else self.capacity - self.reserve
        return self.in_use + weight <= limit

    async def acquire(self, weight: int) -> bool:
        """Take ``weight`` units, waiting at most ``wait_s`` for them; False if refused."""
        if self._fits(weight):
            self.in_use += weight
            self.counts.admitted += 1
            return True
        if self.wait_s <= 0:
            self.counts.refused += 1
            return False
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        entry = (weight, future)
        self._waiting.append(entry)
        self.counts.waited += 1
        try:
            await asyncio.wait_for(asyncio.shield(future), self.wait_s)
        except TimeoutError:
            pass
        except BaseException:  # cancelled: give back what was granted meanwhile
            self._give_up(entry)
            raise
        if future.done():  # granted (perhaps just as the wait ran out)
            self.counts.admitted += 1
            return True
        self._give_up(entry)
        self.counts.refused += 1
        return False

    def _give_up(self, entry: tuple[int, asyncio.Future[None]]) -> None:
        weight, future = entry
        if future.done():
            self.release(weight)
        else:
            future.cancel()
            with contextlib.suppress(ValueError):
                self._waiting.remove(entry)

    def release(self, weight: int) -> None:
        self.in_use -= weight
        self._admit_waiting()

    def _admit_waiting(self) -> None:
        """Let in, in order, every waiting operation that fits now."""
        for entry in list(self._waiting):
            weight, future = entry
            if future.done():
                self._waiting.remove(entry)
            elif self._fits(weight):
                self._waiting.remove(entry)
                self.in_use += weight
                future.set_result(None)

    @contextlib.asynccontextmanager
    async def admitted(self, cost: int) -> AsyncIterator[bool]:
        """Whether the operation of ``cost`` was let in; its units held for the block."""
        weight = self.weight(cost)
        if not await self.acquire(weight):
            yield False
            return
        try:
            yield True
        finally:
            self.release(weight)

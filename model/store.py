"""The database as the readers and writers see it, and reads that run to completion."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Sequence
from typing import Any, TypeVar

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.cursor import AsyncCursor
from pymongo.asynchronous.database import AsyncDatabase

Document = dict[str, Any]
Database = AsyncDatabase[Document]

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

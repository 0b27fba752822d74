"""Relay-style connections; each domain subclasses ``Connection[ItsType]`` once."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Generic, Self, TypeVar

import strawberry

from model.store import Document, uninterrupted
from schema.common.pagination import Order, Page, Window, fetch_page
from schema.common.types import PageInfo
from schema.limits import PAGE, bound

if TYPE_CHECKING:
    from schema.context import Info

NodeT = TypeVar("NodeT")


@strawberry.type(description="An item of a connection with the cursor that points at it.")
class Edge(Generic[NodeT]):
    doc: strawberry.Private[Document]
    order: strawberry.Private[Order]

    @strawberry.field(description="Opaque cursor: pass it as after or before.")
    def cursor(self) -> str:
        return self.order.cursor(self.doc)

    node: NodeT = strawberry.field(description="The item.")


@strawberry.type(description="A page of a list.")
class Connection(Generic[NodeT]):
    edges: list[Edge[NodeT]] = strawberry.field(
        description="The items with their cursors.", metadata=bound(PAGE)
    )
    nodes: list[NodeT] = strawberry.field(
        description="The items, without cursors.", metadata=bound(PAGE)
    )
    page_info: PageInfo = strawberry.field(description="Where this page sits in the list.")
    count: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="How many items the whole list holds, across all pages.")
    async def total_count(self) -> int:
        return await self.count()

    @classmethod
    def from_page(
        cls,
        page: Page,
        convert: Callable[[Document], NodeT],
        count: Callable[[], Awaitable[int]],
    ) -> Self:
        nodes = [convert(doc) for doc in page.docs]
        docs, order = page.docs, page.order
        return cls(
            edges=[
                Edge(doc=doc, order=order, node=node) for doc, node in zip(docs, nodes, strict=True)
            ],
            nodes=nodes,
            page_info=PageInfo(
                has_next_page=page.has_next,
                has_previous_page=page.has_previous,
                start_cursor=order.cursor(docs[0]) if docs else None,
                end_cursor=order.cursor(docs[-1]) if docs else None,
            ),
            count=count,
        )

    @classmethod
    async def find(
        cls,
        info: Info,
        collection: str,
        base: Document,
        window: Window,
        convert: Callable[[Document], NodeT],
    ) -> Self:
        """A top-level connection: one page query now, the count only if asked for."""
        db = info.context.db
        page = await fetch_page(db, collection, base, window, info.context.reads.fields(collection))

        async def count() -> int:
            return await uninterrupted(db[collection].count_documents(base))

        return cls.from_page(page, convert, count)

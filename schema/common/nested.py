"""A connection nested under an object (a person's statements, an organization's sanctions):
declared once here, used by every parent type."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Annotated, Any

import strawberry

from model.store import Document
from schema.common.arguments import After, Before, First, Last
from schema.common.pagination import Order, Window


def nested_connection(
    module: str,
    connection: str,
    *,
    node: str,
    pages: str,
    counts: str,
    order: Order,
    description: str,
) -> Any:
    """A field listing what points at its parent (by the parent's ``slug``).

    ``connection`` and ``node`` are the connection and node types in ``module``, named
    so that domains can refer to each other without import cycles; ``pages`` and
    ``counts`` name the request's loaders (``schema.loaders``) that batch the pages and
    the counts of all parents in one command each.
    """

    async def resolve(
        root: Any,
        info: strawberry.Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Any:
        window = Window.parse(order, first, after, last, before)
        loaders, slug = info.context.loaders, root.slug
        page = await getattr(loaders, pages).load((slug, window))
        found = importlib.import_module(module)
        convert: Callable[[Document], Any] = getattr(found, node).from_doc
        return getattr(found, connection).from_page(
            page, convert, lambda: getattr(loaders, counts).load(slug)
        )

    resolve.__annotations__["return"] = Annotated[connection, strawberry.lazy(module)]
    return strawberry.field(resolver=resolve, description=description)

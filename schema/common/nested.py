"""A connection nested under an object (a person's statements, an organization's sanctions):
declared once here, used by every parent type."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Annotated, Any

import strawberry

from model.store import Document
from schema.common.arguments import After, Before, First, Last
from schema.common.pagination import Window, date_order


def nested_connection(collection: str, *, by: str, description: str) -> Any:
    """A field listing the documents of ``collection`` whose ``by`` names the parent (by the
    parent's ``slug``), oldest first.

    Everything else follows from the names, as the domains name things: the types
    ``Statement`` and ``StatementConnection`` in ``schema.statements.types`` (named, so that
    domains refer to each other without import cycles), and the request's loaders
    ``statements_by_speaker`` and ``statement_count_by_speaker`` (``schema.loaders``), which
    batch the pages and the counts of all parents in one command each.
    """
    module = f"schema.{collection}.types"
    node = collection.removesuffix("s").capitalize()
    pages = f"{collection}_by_{by}"
    counts = f"{collection.removesuffix('s')}_count_by_{by}"
    order = date_order(collection)
    connection = f"{node}Connection"

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

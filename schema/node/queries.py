"""``node`` and ``nodes``: any object by its global id."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Annotated

import strawberry
from strawberry.dataloader import DataLoader

from model.store import Document
from schema.articles.types import Article
from schema.common.errors import UserInputError
from schema.common.ids import from_global_id
from schema.common.types import Node
from schema.context import Info
from schema.events.types import Event
from schema.limits import bound, length_argument
from schema.loaders import Loaders
from schema.organizations.types import Organization
from schema.persons.types import Person
from schema.sanctions.types import Sanction
from schema.statements.types import Statement

MAX_NODES = 100

_NODE_TYPES: dict[
    str, tuple[Callable[[Loaders], DataLoader[str, Document | None]], Callable[[Document], Node]]
] = {
    "Article": (lambda loaders: loaders.article_by_slug, Article.from_doc),
    "Person": (lambda loaders: loaders.person_by_slug, Person.from_doc),
    "Organization": (lambda loaders: loaders.organization_by_slug, Organization.from_doc),
    "Event": (lambda loaders: loaders.event_by_slug, Event.from_doc),
    "Statement": (lambda loaders: loaders.statement_by_slug, Statement.from_doc),
    "Sanction": (lambda loaders: loaders.sanction_by_slug, Sanction.from_doc),
}


async def load_node(info: Info, global_id: str) -> Node | None:
    type_name, slug = from_global_id(global_id)
    if type_name not in _NODE_TYPES:
        raise UserInputError(f"Not a valid node id: {global_id[:100]!r}")
    loader_of, convert = _NODE_TYPES[type_name]
    doc = await loader_of(info.context.loaders).load(slug)
    return convert(doc) if doc else None


@strawberry.type
class NodeQueries:
    @strawberry.field(description="Any object by its global id; null when there is none.")
    async def node(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="A global id.")],
    ) -> Node | None:
        return await load_node(info, id)

    @strawberry.field(
        description=f"Objects by global ids, in order (null where none); at most {MAX_NODES}.",
        metadata=bound(length_argument("ids", maximum=MAX_NODES)),
    )
    async def nodes(
        self,
        info: Info,
        ids: Annotated[list[strawberry.ID], strawberry.argument(description="Global ids.")],
    ) -> list[Node | None]:
        if len(ids) > MAX_NODES:
            raise UserInputError(f"`ids` may hold at most {MAX_NODES} ids, got {len(ids)}.")
        return list(await asyncio.gather(*(load_node(info, global_id) for global_id in ids)))

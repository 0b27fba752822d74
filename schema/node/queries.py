"""``node`` and ``nodes``: any object by its global id."""

from __future__ import annotations

import asyncio
from typing import Annotated, TypeAlias

import strawberry

from schema.articles.types import Article
from schema.common.errors import UserInputError
from schema.common.fields import load_one
from schema.common.ids import from_global_id
from schema.common.types import Node
from schema.context import Info
from schema.events.types import Event
from schema.limits import bound, length_argument
from schema.organizations.types import Organization
from schema.persons.types import Person
from schema.revisions.types import Revision
from schema.sanctions.types import Sanction
from schema.statements.types import Statement

MAX_NODES = 100

NodeType: TypeAlias = Article | Person | Organization | Event | Statement | Sanction | Revision
_NODE_TYPES: dict[str, type[NodeType]] = {
    node.__name__: node
    for node in (Article, Person, Organization, Event, Statement, Sanction, Revision)
}


async def load_node(info: Info, global_id: str) -> Node | None:
    type_name, slug = from_global_id(global_id)
    if type_name not in _NODE_TYPES:
        raise UserInputError(f"Not a valid node id: {global_id[:100]!r}")
    return await load_one(info, _NODE_TYPES[type_name], slug)


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

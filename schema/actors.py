"""Actors (persons and organizations) and the references documents hold to them."""

from __future__ import annotations

import asyncio
from typing import Annotated, TypeAlias

import strawberry

from model.documents import RefDoc
from schema.common.fields import by_slug_loader, load_one, loader_of
from schema.context import Info
from schema.organizations.types import Organization
from schema.persons.types import Person

Actor: TypeAlias = Annotated[
    Person | Organization,
    strawberry.union(
        "Actor",
        description=(
            "A person or an organization. States (Russia, the United States) are "
            "organizations of kind STATE."
        ),
    ),
]


async def load_actor(info: Info, ref: RefDoc | None) -> Person | Organization | None:
    if ref is None:
        return None
    actor: type[Person | Organization] = Person if ref["type"] == "Person" else Organization
    slug, whole = ref["slug"], by_slug_loader(actor)
    # Without citations when none are shown here, unless the whole document is at hand.
    cited = loader_of(info, whole).cache_map.get(slug) is not None or (
        info.context.reads.selects_under(info.path, lambda: info.selected_fields, "citations")
    )
    return await load_one(info, actor, slug, whole if cited else f"uncited_{whole}")


async def load_actors(info: Info, refs: list[RefDoc]) -> list[Person | Organization]:
    actors = await asyncio.gather(*(load_actor(info, ref) for ref in refs))
    return [actor for actor in actors if actor is not None]

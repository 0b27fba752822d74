"""Actors (persons and organizations) and the references documents hold to them."""

from __future__ import annotations

import asyncio
from typing import Annotated, TypeAlias

import strawberry

from api.database import Document
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


async def load_actor(info: Info, ref: Document | None) -> Person | Organization | None:
    """``ref`` is ``{"type": "Person" | "Organization", "slug": ...}`` as stored."""
    if ref is None:
        return None
    loaders = info.context.loaders
    if ref["type"] == "Person":
        doc = await loaders.person_by_slug.load(ref["slug"])
        return Person.from_doc(doc) if doc else None
    doc = await loaders.organization_by_slug.load(ref["slug"])
    return Organization.from_doc(doc) if doc else None


async def load_actors(info: Info, refs: list[Document]) -> list[Person | Organization]:
    actors = await asyncio.gather(*(load_actor(info, ref) for ref in refs))
    return [actor for actor in actors if actor is not None]

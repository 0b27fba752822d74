"""Actors (persons and organizations) and the references documents hold to them."""

from __future__ import annotations

import asyncio
from typing import Annotated, TypeAlias

import strawberry
from strawberry.dataloader import DataLoader

from model.store import Document
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
    loaders, slug = info.context.loaders, ref["slug"]
    # Without citations when none are shown here, unless the whole document is at hand.
    if ref["type"] == "Person":
        person: DataLoader[str, Document | None] = loaders.person_by_slug
        if not _shows_citations(info, person, slug):
            person = loaders.uncited_person_by_slug
        doc = await person.load(slug)
        return Person.from_doc(doc) if doc else None
    organization: DataLoader[str, Document | None] = loaders.organization_by_slug
    if not _shows_citations(info, organization, slug):
        organization = loaders.uncited_organization_by_slug
    doc = await organization.load(slug)
    return Organization.from_doc(doc) if doc else None


def _shows_citations(info: Info, whole: DataLoader[str, Document | None], slug: str) -> bool:
    if whole.cache_map.get(slug) is not None:
        return True
    return info.context.reads.selects_under(info.path, lambda: info.selected_fields, "citations")


async def load_actors(info: Info, refs: list[Document]) -> list[Person | Organization]:
    actors = await asyncio.gather(*(load_actor(info, ref) for ref in refs))
    return [actor for actor in actors if actor is not None]

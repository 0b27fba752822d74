from __future__ import annotations

import asyncio
from enum import Enum
from typing import Annotated, TypeAlias

import strawberry

from model import paths
from model.store import Document
from schema.actors import Actor, load_actor
from schema.articles.citations import Citation
from schema.common.connection import Connection
from schema.common.ids import to_global_id
from schema.common.types import FuzzyDate, Node
from schema.context import Info
from schema.events.types import Event
from schema.limits import bound
from schema.organizations.types import Organization
from schema.persons.types import Person
from schema.sanctions.types import Sanction


@strawberry.enum(description="Whether a statement is the speaker's words or the source's report.")
class StatementKind(Enum):
    QUOTE = strawberry.enum_value("QUOTE", description="The speaker's own words, verbatim.")
    PARAPHRASE = strawberry.enum_value(
        "PARAPHRASE", description="The source's report of what the speaker said."
    )


Subject: TypeAlias = Annotated[
    Person | Organization | Event | Sanction,
    strawberry.union("Subject", description="What a statement is about."),
]


async def load_subject(
    info: Info, ref: Document
) -> Person | Organization | Event | Sanction | None:
    loaders = info.context.loaders
    if ref["type"] == "Event":
        doc = await loaders.event_by_slug.load(ref["slug"])
        return Event.from_doc(doc) if doc else None
    if ref["type"] == "Sanction":
        doc = await loaders.sanction_by_slug.load(ref["slug"])
        return Sanction.from_doc(doc) if doc else None
    return await load_actor(info, ref)


@strawberry.type(description="Something someone said: a direct quote or reported speech.")
class Statement(Node):
    slug: str = strawberry.field(description="Stable, human-readable key.")
    text: str = strawberry.field(
        description="The words: verbatim for a QUOTE, the source's rendering for a PARAPHRASE."
    )
    kind: StatementKind = strawberry.field(description="Quote or paraphrase.")
    speaker_description: str | None = strawberry.field(
        description=(
            "How the source describes the speaker when unnamed: "
            "'the lawyer for Magnitsky's mother'."
        )
    )
    date: FuzzyDate = strawberry.field(description="When it was said.")
    medium: str | None = strawberry.field(description="Where it was said: 'Voice of Russia radio'.")
    cited: strawberry.Private[list[Document] | None]  # made into Citations only when asked
    speaker_ref: strawberry.Private[Document | None]
    reported_by_slug: strawberry.Private[str | None]
    about_refs: strawberry.Private[list[Document]]

    @classmethod
    def from_doc(cls, doc: Document) -> Statement:
        return cls(
            id=strawberry.ID(to_global_id("Statement", doc["_id"])),
            slug=doc["_id"],
            text=doc["text"],
            kind=StatementKind(doc["kind"]),
            speaker_description=doc["speakerDescription"],
            date=FuzzyDate.from_doc(doc["date"]),
            medium=doc["medium"],
            cited=doc.get(paths.CITATIONS),
            speaker_ref=doc["speaker"],
            reported_by_slug=doc["reportedBy"],
            about_refs=doc["about"],
        )

    @strawberry.field(description="The passages that report it.", metadata=bound(10))
    def citations(self) -> list[Citation]:
        return Citation.list_from(self.cited)

    @strawberry.field(description="Null when the source does not name the speaker.")
    async def speaker(self, info: Info) -> Actor | None:
        return await load_actor(info, self.speaker_ref)

    @strawberry.field(description="The outlet the source credits: Interfax.")
    async def reported_by(self, info: Info) -> Organization | None:
        if self.reported_by_slug is None:
            return None
        doc = await info.context.loaders.organization_by_slug.load(self.reported_by_slug)
        return Organization.from_doc(doc) if doc else None

    @strawberry.field(description="What the statement is about.", metadata=bound(5))
    async def about(self, info: Info) -> list[Subject]:
        subjects = await asyncio.gather(*(load_subject(info, ref) for ref in self.about_refs))
        return [subject for subject in subjects if subject is not None]


@strawberry.type(description="A page of statements.")
class StatementConnection(Connection[Statement]):
    pass


async def statements_about(info: Info, type_name: str, slug: str) -> list[Statement]:
    docs = await info.context.loaders.statements_by_subject.load(slug)
    return [
        Statement.from_doc(doc)
        for doc in docs
        if any(ref["type"] == type_name and ref["slug"] == slug for ref in doc["about"])
    ]

from __future__ import annotations

import asyncio
from enum import Enum
from typing import Annotated, TypeAlias

import strawberry

from model import paths
from model.documents import CitationDoc, RefDoc, StatementDoc
from schema.actors import Actor, load_actor
from schema.articles.citations import cited_passages
from schema.common.connection import Connection
from schema.common.fields import load_listed, load_one, reference
from schema.common.ids import to_global_id
from schema.common.mutations import UserError, user_errors, written
from schema.common.types import FuzzyDate, Node
from schema.context import Info
from schema.events.types import Event
from schema.limits import bound
from schema.organizations.types import Organization
from schema.persons.types import Person
from schema.revisions.fields import revision_history, revision_number
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


async def load_subject(info: Info, ref: RefDoc) -> Person | Organization | Event | Sanction | None:
    if ref["type"] == "Event":
        return await load_one(info, Event, ref["slug"])
    if ref["type"] == "Sanction":
        return await load_one(info, Sanction, ref["slug"])
    return await load_actor(info, ref)


@strawberry.type(description="Something someone said: a direct quote or reported speech.")
class Statement(Node):
    slug: str = strawberry.field(description="Stable, human-readable key.")
    revision: int = revision_number()
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
    cited: strawberry.Private[list[CitationDoc] | None]  # made into Citations only when asked
    speaker_ref: strawberry.Private[RefDoc | None]
    reported_by_slug: strawberry.Private[str | None]
    about_refs: strawberry.Private[list[RefDoc]]

    @classmethod
    def from_doc(cls, doc: StatementDoc) -> Statement:
        return cls(
            id=strawberry.ID(to_global_id("Statement", doc["_id"])),
            slug=doc["_id"],
            revision=doc["revision"],
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

    citations = cited_passages(description="The passages that report it.", most=10)

    @strawberry.field(description="Null when the source does not name the speaker.")
    async def speaker(self, info: Info) -> Actor | None:
        return await load_actor(info, self.speaker_ref)

    reported_by = reference(
        Organization,
        held_in="reported_by_slug",
        description="The outlet the source credits: Interfax.",
    )

    @strawberry.field(description="What the statement is about.", metadata=bound(5))
    async def about(self, info: Info) -> list[Subject]:
        subjects = await asyncio.gather(*(load_subject(info, ref) for ref in self.about_refs))
        return [subject for subject in subjects if subject is not None]

    revisions = revision_history()


@strawberry.type(description="A page of statements.")
class StatementConnection(Connection[Statement]):
    pass


async def statements_about(info: Info, type_name: str, slug: str) -> list[Statement]:
    found = await load_listed(info, Statement, "statements_by_subject", slug)
    return [
        statement
        for statement in found
        if any(ref["type"] == type_name and ref["slug"] == slug for ref in statement.about_refs)
    ]


@strawberry.type(description="The statement written, or why nothing was.")
class StatementPayload:
    statement: Statement | None = written("statement")
    user_errors: list[UserError] = user_errors()

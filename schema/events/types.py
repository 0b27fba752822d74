from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from model import paths
from model.documents import CitationDoc, EventDoc, RefDoc
from model.kinds import EventKind
from schema.actors import Actor, load_actor
from schema.articles.citations import cited_passages
from schema.common.connection import Connection
from schema.common.fields import load_each
from schema.common.ids import to_global_id
from schema.common.mutations import UserError, user_errors, written
from schema.common.types import FuzzyDate, Node
from schema.context import Info
from schema.limits import UNCUT, bound
from schema.revisions.fields import revision_history, revision_number
from schema.sanctions.types import Sanction

if TYPE_CHECKING:
    from schema.statements.types import Statement


strawberry.enum(EventKind, description="What sort of thing happened.")


@strawberry.type(description="Someone's part in an event, named or as the source describes them.")
class Participant:
    description: str | None = strawberry.field(
        description="How the source describes the participant: 'prison guards', 'two jail doctors'."
    )
    role: str = strawberry.field(
        description="The participant's part in the event: 'detainee', 'arresting authority'."
    )
    actor_ref: strawberry.Private[RefDoc | None]

    @strawberry.field(description="Null when the source does not name the participant.")
    async def actor(self, info: Info) -> Actor | None:
        return await load_actor(info, self.actor_ref)


@strawberry.type(description="Something that happened, as the articles report it.")
class Event(Node):
    slug: str = strawberry.field(description="Stable, human-readable key: 'magnitsky-death'.")
    revision: int = revision_number()
    title: str = strawberry.field(description="What happened, in a line.")
    description: str | None = strawberry.field(description="What happened, in more words.")
    kind: EventKind = strawberry.field(description="What sort of thing happened.")
    date: FuzzyDate = strawberry.field(description="When, as precisely as the source says.")
    location: str | None = strawberry.field(description="Where, when the source says.")
    participants: list[Participant] = strawberry.field(
        description="Who took part, and in what role.", metadata=bound(5)
    )
    cited: strawberry.Private[list[CitationDoc] | None]  # made into Citations only when asked
    sanction_slugs: strawberry.Private[list[str]]

    @classmethod
    def from_doc(cls, doc: EventDoc) -> Event:
        return cls(
            id=strawberry.ID(to_global_id("Event", doc["_id"])),
            slug=doc["_id"],
            revision=doc["revision"],
            title=doc["title"],
            description=doc["description"],
            kind=EventKind(doc["kind"]),
            date=FuzzyDate.from_doc(doc["date"]),
            location=doc["location"],
            participants=[
                Participant(description=p["description"], role=p["role"], actor_ref=p["actor"])
                for p in doc["participants"]
            ],
            cited=doc.get(paths.CITATIONS),
            sanction_slugs=doc["sanctions"],
        )

    citations = cited_passages(description="The passages the event is from.", most=10)

    @strawberry.field(
        description="Sanctions this event proposes, imposes or concerns.", metadata=bound(5)
    )
    async def sanctions(self, info: Info) -> list[Sanction]:
        return await load_each(info, Sanction, self.sanction_slugs)

    @strawberry.field(
        description="Statements about this event, oldest first.", metadata=bound(UNCUT)
    )
    async def statements(
        self, info: Info
    ) -> list[Annotated[Statement, strawberry.lazy("schema.statements.types")]]:
        from schema.statements.types import statements_about

        return await statements_about(info, "Event", self.slug)

    revisions = revision_history()


@strawberry.type(description="A page of events.")
class EventConnection(Connection[Event]):
    pass


@strawberry.type(description="The event written, or why nothing was.")
class EventPayload:
    event: Event | None = written("event")
    user_errors: list[UserError] = user_errors()

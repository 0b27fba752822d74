from __future__ import annotations

import strawberry

from model import paths
from model.documents import CitationDoc, PersonDoc, PositionDoc
from model.names import EVENTS, SANCTIONS, STATEMENTS
from schema.articles.citations import cited_passages
from schema.common.connection import Connection
from schema.common.fields import nested_connection, reference
from schema.common.ids import to_global_id
from schema.common.mutations import UserError, user_errors, written
from schema.common.types import FuzzyDate, Node
from schema.limits import UNCUT, bound
from schema.organizations.types import Organization
from schema.revisions.fields import revision_history, revision_number


@strawberry.type(description="A post a person holds or held, as the source words it.")
class Position:
    title: str = strawberry.field(
        description="As the source words it: 'Ambassador to the United States', 'Foreign Minister'."
    )
    since: FuzzyDate | None = strawberry.field(description="When the person took the post.")
    until: FuzzyDate | None = strawberry.field(description="When the person left the post.")
    organization_slug: strawberry.Private[str | None]

    organization = reference(
        Organization,
        held_in="organization_slug",
        description="The organization the post belongs to, when the source says.",
    )

    @classmethod
    def from_doc(cls, doc: PositionDoc) -> Position:
        return cls(
            title=doc["title"],
            since=FuzzyDate.maybe(doc["since"]),
            until=FuzzyDate.maybe(doc["until"]),
            organization_slug=doc["organization"],
        )


@strawberry.type(description="A person named by the articles.")
class Person(Node):
    slug: str = strawberry.field(description="Stable, human-readable key: 'sergei-magnitsky'.")
    revision: int = revision_number()
    name: str = strawberry.field(description="The name as the source writes it.")
    aliases: list[str] = strawberry.field(
        description="Other spellings and transliterations.", metadata=bound(10)
    )
    description: str | None = strawberry.field(description="Who the person is, in a sentence.")
    countries: list[str] = strawberry.field(
        description="ISO 3166-1 alpha-2 codes, upper case: 'RU', 'US', 'GB'.", metadata=bound(5)
    )
    positions: list[Position] = strawberry.field(
        description="Posts the person holds or held, as the sources word them.",
        metadata=bound(5),
    )
    cited: strawberry.Private[list[CitationDoc] | None]  # made into Citations only when asked

    @classmethod
    def from_doc(cls, doc: PersonDoc) -> Person:
        return cls(
            id=strawberry.ID(to_global_id("Person", doc["_id"])),
            slug=doc["_id"],
            revision=doc["revision"],
            name=doc["name"],
            aliases=doc["aliases"],
            description=doc["description"],
            countries=doc["countries"],
            positions=[Position.from_doc(p) for p in doc["positions"]],
            cited=doc.get(paths.CITATIONS),
        )

    citations = cited_passages(
        description="The passages that name or describe the person.", most=UNCUT
    )

    statements = nested_connection(
        STATEMENTS, by="speaker", description="Statements this person made, oldest first."
    )
    events = nested_connection(
        EVENTS, by="participant", description="Events this person took part in, oldest first."
    )
    sanctions = nested_connection(
        SANCTIONS,
        by="target",
        description="Sanctions that name this person as a target, oldest first.",
    )

    revisions = revision_history()


@strawberry.type(description="A page of persons.")
class PersonConnection(Connection[Person]):
    pass


@strawberry.type(description="The person written, or why nothing was.")
class PersonPayload:
    person: Person | None = written("person")
    user_errors: list[UserError] = user_errors()

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from api.database import EVENTS, SANCTIONS, STATEMENTS, Document
from schema.common.arguments import After, Before, First, Last
from schema.common.connection import Connection
from schema.common.ids import to_global_id
from schema.common.pagination import Window, date_order
from schema.common.types import Citation, FuzzyDate, Node
from schema.context import Info
from schema.organizations.types import Organization

if TYPE_CHECKING:
    from schema.events.types import EventConnection
    from schema.sanctions.types import SanctionConnection
    from schema.statements.types import StatementConnection


@strawberry.type(description="A post a person holds or held, as the source words it.")
class Position:
    title: str = strawberry.field(
        description="As the source words it: 'Ambassador to the United States', 'Foreign Minister'."
    )
    since: FuzzyDate | None = strawberry.field(description="When the person took the post.")
    until: FuzzyDate | None = strawberry.field(description="When the person left the post.")
    organization_slug: strawberry.Private[str | None]

    @strawberry.field(description="The organization the post belongs to, when the source says.")
    async def organization(self, info: Info) -> Organization | None:
        if self.organization_slug is None:
            return None
        doc = await info.context.loaders.organization_by_slug.load(self.organization_slug)
        return Organization.from_doc(doc) if doc else None

    @classmethod
    def from_doc(cls, doc: Document) -> Position:
        return cls(
            title=doc["title"],
            since=FuzzyDate.maybe(doc.get("since")),
            until=FuzzyDate.maybe(doc.get("until")),
            organization_slug=doc.get("organization"),
        )


@strawberry.type(description="A person named by the articles.")
class Person(Node):
    slug: str = strawberry.field(description="Stable, human-readable key: 'sergei-magnitsky'.")
    name: str = strawberry.field(description="The name as the source writes it.")
    aliases: list[str] = strawberry.field(description="Other spellings and transliterations.")
    description: str | None = strawberry.field(description="Who the person is, in a sentence.")
    countries: list[str] = strawberry.field(
        description="ISO 3166-1 alpha-2 codes, upper case: 'RU', 'US', 'GB'."
    )
    positions: list[Position] = strawberry.field(
        description="Posts the person holds or held, as the sources word them."
    )
    cited: strawberry.Private[list[Document]]  # made into Citations only when asked

    @classmethod
    def from_doc(cls, doc: Document) -> Person:
        return cls(
            id=strawberry.ID(to_global_id("Person", doc["_id"])),
            slug=doc["_id"],
            name=doc["name"],
            aliases=doc.get("aliases", []),
            description=doc.get("description"),
            countries=doc.get("countries", []),
            positions=[Position.from_doc(p) for p in doc.get("positions", [])],
            cited=doc.get("citations", []),
        )

    @strawberry.field(description="The passages that name or describe the person.")
    def citations(self) -> list[Citation]:
        return Citation.list_from(self.cited)

    @strawberry.field(description="Statements this person made, oldest first.")
    async def statements(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Annotated[StatementConnection, strawberry.lazy("schema.statements.types")]:
        from schema.statements.types import StatementConnection

        window = Window.parse(date_order(STATEMENTS), first, after, last, before)
        return await StatementConnection.by_speaker(info, self.slug, window)

    @strawberry.field(description="Events this person took part in, oldest first.")
    async def events(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Annotated[EventConnection, strawberry.lazy("schema.events.types")]:
        from schema.events.types import EventConnection

        window = Window.parse(date_order(EVENTS), first, after, last, before)
        return await EventConnection.by_participant(info, self.slug, window)

    @strawberry.field(description="Sanctions that name this person as a target, oldest first.")
    async def sanctions(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Annotated[SanctionConnection, strawberry.lazy("schema.sanctions.types")]:
        from schema.sanctions.types import SanctionConnection

        window = Window.parse(date_order(SANCTIONS), first, after, last, before)
        return await SanctionConnection.by_target(info, self.slug, window)


@strawberry.type(description="A page of persons.")
class PersonConnection(Connection[Person]):
    pass

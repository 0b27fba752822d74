from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry

from api.database import SANCTIONS, STATEMENTS, Document
from schema.common.arguments import After, Before, First, Last
from schema.common.connection import Connection
from schema.common.ids import to_global_id
from schema.common.pagination import Window, date_order
from schema.common.types import Citation, Node
from schema.context import Info

if TYPE_CHECKING:
    from schema.sanctions.types import SanctionConnection
    from schema.statements.types import StatementConnection


@strawberry.enum(description="What sort of body an organization is.")
class OrganizationKind(Enum):
    STATE = "STATE"
    GOVERNMENT_BODY = "GOVERNMENT_BODY"
    LEGISLATURE = "LEGISLATURE"
    LAW_ENFORCEMENT = "LAW_ENFORCEMENT"
    DETENTION_FACILITY = "DETENTION_FACILITY"
    MEDIA = "MEDIA"
    OTHER = "OTHER"


@strawberry.type(description="An organization, a state body or a state named by the articles.")
class Organization(Node):
    slug: str = strawberry.field(description="Stable, human-readable key: 'us-state-department'.")
    name: str = strawberry.field(
        description="The name in its usual English form; other names are in aliases."
    )
    aliases: list[str] = strawberry.field(description="Other names, short forms and spellings.")
    kind: OrganizationKind = strawberry.field(description="What sort of body it is.")
    country: str | None = strawberry.field(description="ISO 3166-1 alpha-2, upper case.")
    description: str | None = strawberry.field(description="What the organization is.")
    cited: strawberry.Private[list[Document]]  # made into Citations only when asked

    @classmethod
    def from_doc(cls, doc: Document) -> Organization:
        return cls(
            id=strawberry.ID(to_global_id("Organization", doc["_id"])),
            slug=doc["_id"],
            name=doc["name"],
            aliases=doc.get("aliases", []),
            kind=OrganizationKind(doc["kind"]),
            country=doc.get("country"),
            description=doc.get("description"),
            cited=doc.get("citations", []),
        )

    @strawberry.field(description="The passages that name or describe the organization.")
    def citations(self) -> list[Citation]:
        return Citation.list_from(self.cited)

    @strawberry.field(description="Statements the organization made, oldest first.")
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

    @strawberry.field(description="Sanctions this organization imposed or proposed, oldest first.")
    async def sanctions_imposed(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Annotated[SanctionConnection, strawberry.lazy("schema.sanctions.types")]:
        from schema.sanctions.types import SanctionConnection

        window = Window.parse(date_order(SANCTIONS), first, after, last, before)
        return await SanctionConnection.by_authority(info, self.slug, window)


@strawberry.type(description="A page of organizations.")
class OrganizationConnection(Connection[Organization]):
    pass

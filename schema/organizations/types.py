from __future__ import annotations

import strawberry

from model import paths
from model.documents import CitationDoc, OrganizationDoc
from model.kinds import OrganizationKind
from model.names import SANCTIONS, STATEMENTS
from schema.articles.citations import cited_passages
from schema.common.connection import Connection
from schema.common.fields import nested_connection
from schema.common.ids import to_global_id
from schema.common.mutations import UserError, user_errors, written
from schema.common.types import Node
from schema.limits import UNCUT, bound
from schema.revisions.fields import revision_history, revision_number

strawberry.enum(OrganizationKind, description="What sort of body an organization is.")


@strawberry.type(description="An organization, a state body or a state named by the articles.")
class Organization(Node):
    slug: str = strawberry.field(description="Stable, human-readable key: 'us-state-department'.")
    revision: int = revision_number()
    name: str = strawberry.field(
        description="The name in its usual English form; other names are in aliases."
    )
    aliases: list[str] = strawberry.field(
        description="Other names, short forms and spellings.", metadata=bound(10)
    )
    kind: OrganizationKind = strawberry.field(description="What sort of body it is.")
    country: str | None = strawberry.field(description="ISO 3166-1 alpha-2, upper case.")
    description: str | None = strawberry.field(description="What the organization is.")
    cited: strawberry.Private[list[CitationDoc] | None]  # made into Citations only when asked

    @classmethod
    def from_doc(cls, doc: OrganizationDoc) -> Organization:
        return cls(
            id=strawberry.ID(to_global_id("Organization", doc["_id"])),
            slug=doc["_id"],
            revision=doc["revision"],
            name=doc["name"],
            aliases=doc["aliases"],
            kind=OrganizationKind(doc["kind"]),
            country=doc["country"],
            description=doc["description"],
            cited=doc.get(paths.CITATIONS),
        )

    citations = cited_passages(
        description="The passages that name or describe the organization.", most=UNCUT
    )

    statements = nested_connection(
        STATEMENTS, by="speaker", description="Statements the organization made, oldest first."
    )
    sanctions_imposed = nested_connection(
        SANCTIONS,
        by="authority",
        description="Sanctions this organization imposed or proposed, oldest first.",
    )

    revisions = revision_history()


@strawberry.type(description="A page of organizations.")
class OrganizationConnection(Connection[Organization]):
    pass


@strawberry.type(description="The organization written, or why nothing was.")
class OrganizationPayload:
    organization: Organization | None = written("organization")
    user_errors: list[UserError] = user_errors()

"""Revisions: every committed write of every object, never changed or removed."""

from __future__ import annotations

import strawberry

from model.documents import RevisionDoc
from model.revisions import Operation
from schema.common.connection import Connection
from schema.common.ids import to_global_id
from schema.common.types import Node
from schema.context import Info
from schema.limits import bound
from schema.revisions.fields import COMMIT_ORDER

strawberry.enum(Operation, name="RevisionOperation", description="What a write did to its object.")


@strawberry.type(
    description="One committed write of one object. Revisions are never changed or removed."
)
class Revision(Node):
    node_id: strawberry.ID = strawberry.field(description="Global id of the object written.")
    number: int = strawberry.field(
        description="1 for the creation, then one more for each later write of the object."
    )
    operation: Operation = strawberry.field(description="What the write did.")
    author: str = strawberry.field(
        description="Name of the API key that wrote it; 'seed' for the bundled articles."
    )
    at: str = strawberry.field(description="ISO 8601 UTC commit time.")
    changed_fields: list[str] = strawberry.field(
        description="Names of the fields this write changed.", metadata=bound(30)
    )
    reason: str | None = strawberry.field(description="For DELETE, the reason given.")
    cursor: str = strawberry.field(
        description=(
            "Where this revision is in the commit order: what `after` takes, in the "
            "`changes` query and subscription."
        )
    )

    @classmethod
    def from_doc(cls, doc: RevisionDoc) -> Revision:
        type_name, _, slug = doc["node"].partition(":")
        return cls(
            id=strawberry.ID(to_global_id("Revision", doc["_id"])),
            node_id=strawberry.ID(to_global_id(type_name, slug)),
            number=doc["number"],
            operation=Operation(doc["operation"]),
            author=doc["author"],
            at=doc["at"],
            changed_fields=doc["changedFields"],
            reason=doc["reason"],
            cursor=COMMIT_ORDER.cursor(dict(doc)),
        )

    @strawberry.field(
        description=(
            "The object now; null once deleted. A merged object resolves to the one it was "
            "merged into."
        )
    )
    async def node(self, info: Info) -> Node | None:
        from schema.node.queries import load_node  # the node types import this module

        return await load_node(info, self.node_id)


@strawberry.type(description="A page of revisions.")
class RevisionConnection(Connection[Revision]):
    pass

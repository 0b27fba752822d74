from __future__ import annotations

import strawberry

from model import paths
from model.documents import CitationDoc, RefDoc, SanctionDoc
from model.kinds import SanctionKind, SanctionStatus
from schema.actors import Actor, load_actor, load_actors
from schema.articles.citations import cited_passages
from schema.common.connection import Connection
from schema.common.fields import load_listed, load_one
from schema.common.ids import to_global_id
from schema.common.mutations import UserError, user_errors, written
from schema.common.types import FuzzyDate, Node
from schema.context import Info
from schema.limits import bound
from schema.revisions.fields import revision_history, revision_number

strawberry.enum(SanctionKind, description="What a sanction does.")


strawberry.enum(SanctionStatus, description="Where a sanction stands.")


@strawberry.type(description="A sanction, proposed or imposed, with who imposes it on whom.")
class Sanction(Node):
    slug: str = strawberry.field(description="Stable, human-readable key: 'magnitsky-act'.")
    revision: int = revision_number()
    title: str = strawberry.field(description="The sanction's name or a short title.")
    description: str | None = strawberry.field(description="What the sanction does.")
    kinds: list[SanctionKind] = strawberry.field(
        description="What the sanction does, by kind.", metadata=bound(len(SanctionKind))
    )
    status: SanctionStatus = strawberry.field(description="Where the sanction stands.")
    target_description: str | None = strawberry.field(
        description="Targets as the source describes them: '60 Russian officials'."
    )
    target_count: int | None = strawberry.field(
        description="How many targets the source counts, when it does."
    )
    reason: str | None = strawberry.field(description="Why, as the source gives it.")
    date: FuzzyDate = strawberry.field(description="When it was proposed or imposed.")
    cited: strawberry.Private[list[CitationDoc] | None]  # made into Citations only when asked
    authority_ref: strawberry.Private[RefDoc]
    target_refs: strawberry.Private[list[RefDoc]]
    in_response_to_slug: strawberry.Private[str | None]

    @classmethod
    def from_doc(cls, doc: SanctionDoc) -> Sanction:
        return cls(
            id=strawberry.ID(to_global_id("Sanction", doc["_id"])),
            slug=doc["_id"],
            revision=doc["revision"],
            title=doc["title"],
            description=doc["description"],
            kinds=[SanctionKind(kind) for kind in doc["kinds"]],
            status=SanctionStatus(doc["status"]),
            target_description=doc["targetDescription"],
            target_count=doc["targetCount"],
            reason=doc["reason"],
            date=FuzzyDate.from_doc(doc["date"]),
            cited=doc.get(paths.CITATIONS),
            authority_ref=doc["authority"],
            target_refs=doc["targets"],
            in_response_to_slug=doc["inResponseTo"],
        )

    citations = cited_passages(description="The passages the sanction is from.", most=10)

    @strawberry.field(description="Who imposes (or proposes) it.")
    async def authority(self, info: Info) -> Actor:
        actor = await load_actor(info, self.authority_ref)
        if actor is None:
            raise LookupError(f"sanction {self.slug!r} names a missing authority")
        return actor

    @strawberry.field(description="Named targets.", metadata=bound(10))
    async def targets(self, info: Info) -> list[Actor]:
        return await load_actors(info, self.target_refs)

    @strawberry.field(description="The sanction this one answers, if any.")
    async def in_response_to(self, info: Info) -> Sanction | None:
        return await load_one(info, Sanction, self.in_response_to_slug)

    @strawberry.field(description="Sanctions imposed in response to this one.", metadata=bound(5))
    async def responses(self, info: Info) -> list[Sanction]:
        return await load_listed(info, Sanction, "sanctions_by_in_response_to", self.slug)

    revisions = revision_history()


@strawberry.type(description="A page of sanctions.")
class SanctionConnection(Connection[Sanction]):
    pass


@strawberry.type(description="The sanction written, or why nothing was.")
class SanctionPayload:
    sanction: Sanction | None = written("sanction")
    user_errors: list[UserError] = user_errors()

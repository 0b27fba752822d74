from __future__ import annotations

import strawberry

from model import paths
from model.kinds import SanctionKind, SanctionStatus
from model.names import SANCTIONS
from model.store import Database, Document
from schema.common.fields import BY_DATE, Orders
from schema.common.filters import all_of, condition, equals, one_of
from schema.common.pagination import Order
from schema.editing.inputs import (
    EvidenceInput,
    FuzzyDateInput,
    added_evidence,
    expected_revision,
    optional,
    unchanged,
)


@strawberry.input(description="Narrows a list of sanctions; all given conditions must hold.")
class SanctionFilter:
    authority: str | None = condition("Slug of the imposing person or organization.")
    target: str | None = condition("Slug of a named target.")
    status: SanctionStatus | None = condition("Only sanctions with this status.")
    kinds: list[SanctionKind] | None = condition("Only sanctions of at least one of these kinds.")

    async def to_query(self, db: Database, order: Order) -> Document:
        return all_of(
            equals(paths.AUTHORITY, self.authority),
            equals(paths.TARGET, self.target),
            equals(paths.STATUS, self.status.value if self.status else None),
            one_of(paths.KINDS, self.kinds),
        )


SANCTION_ORDERS = Orders("Sanction", "sanctions", SANCTIONS, BY_DATE)


@strawberry.input(description="A sanction new to the record, with the passages that state it.")
class CreateSanctionInput:
    slug: str | None = optional("Derived from the title when omitted.")
    title: str = strawberry.field(description="What the sanction is, in a few words.")
    description: str | None = optional("What it does, in a sentence or two.")
    kinds: list[SanctionKind] = strawberry.field(description="What it does; at least one.")
    status: SanctionStatus = strawberry.field(description="Where it stands.")
    authority: str = strawberry.field(description="Slug of the imposing person or organization.")
    targets: list[str] | None = optional("Slugs of the persons and organizations it names.")
    target_description: str | None = optional(
        "How the source describes targets it does not name: '60 Russian officials'."
    )
    target_count: int | None = optional("How many targets the source says there are.")
    reason: str | None = optional("Why it was imposed, as the source says.")
    date: FuzzyDateInput = strawberry.field(description="When it was imposed or announced.")
    in_response_to: str | None = optional("Slug of the sanction this one answers.")
    evidence: list[EvidenceInput] = strawberry.field(
        description="At least one passage that states the sanction."
    )


@strawberry.input(description="Fields left out stay as they are; a field given as null is cleared.")
class UpdateSanctionInput:
    id: strawberry.ID = strawberry.field(description="The sanction's global id.")
    expected_revision: int = expected_revision()
    title: str | None = unchanged("What the sanction is, in a few words.")
    description: str | None = unchanged("What it does, in a sentence or two.")
    kinds: list[SanctionKind] | None = unchanged("What it does; at least one.")
    status: SanctionStatus | None = unchanged("Where it stands.")
    authority: str | None = unchanged("Slug of the imposing person or organization.")
    targets: list[str] | None = unchanged("Replaces the targets.")
    target_description: str | None = unchanged("How the source describes the targets.")
    target_count: int | None = unchanged("How many targets the source says there are.")
    reason: str | None = unchanged("Why it was imposed.")
    date: FuzzyDateInput | None = unchanged("When it was imposed or announced.")
    in_response_to: str | None = unchanged("Slug of the sanction this one answers.")
    add_evidence: list[EvidenceInput] | None = added_evidence()

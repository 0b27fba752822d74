from __future__ import annotations

import strawberry

from model import paths
from model.kinds import OrganizationKind
from model.names import ORGANIZATIONS
from model.store import Database, Document
from schema.common.filters import all_of, condition, country_is, equals
from schema.common.pagination import Order
from schema.editing.inputs import (
    EvidenceInput,
    added_evidence,
    expected_revision,
    optional,
    unchanged,
)
from schema.search.filters import name_condition, name_matches


@strawberry.input(description="Narrows a list of organizations; all given conditions must hold.")
class OrganizationFilter:
    name: str | None = name_condition()
    kind: OrganizationKind | None = condition("Only organizations of this kind.")
    country: str | None = condition("ISO 3166-1 alpha-2 code, any case: 'US'.")

    async def to_query(self, db: Database, order: Order) -> Document:
        return all_of(
            await name_matches(db, ORGANIZATIONS, self.name),
            equals(paths.KIND, self.kind.value if self.kind else None),
            country_is(paths.COUNTRY, self.country),
        )


@strawberry.input(description="An organization new to the record, with the passages that name it.")
class CreateOrganizationInput:
    slug: str | None = optional("Derived from the name when omitted.")
    name: str = strawberry.field(description="The name as the source writes it.")
    aliases: list[str] | None = optional("Other names, spellings and abbreviations.")
    kind: OrganizationKind = strawberry.field(description="What sort of body it is.")
    country: str | None = optional("ISO 3166-1 alpha-2 code: 'US'.")
    description: str | None = optional("What the organization is, in a sentence.")
    evidence: list[EvidenceInput] = strawberry.field(
        description="At least one passage that names the organization."
    )


@strawberry.input(description="Fields left out stay as they are; a field given as null is cleared.")
class UpdateOrganizationInput:
    id: strawberry.ID = strawberry.field(description="The organization's global id.")
    expected_revision: int = expected_revision()
    name: str | None = unchanged("The name as the source writes it.")
    aliases: list[str] | None = unchanged("Replaces the aliases.")
    kind: OrganizationKind | None = unchanged("What sort of body it is.")
    country: str | None = unchanged("ISO 3166-1 alpha-2 code.")
    description: str | None = unchanged("What the organization is, in a sentence.")
    add_evidence: list[EvidenceInput] | None = added_evidence()

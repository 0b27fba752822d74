from __future__ import annotations

from typing import Annotated

import strawberry

from model.names import ORGANIZATIONS
from schema.common.mutations import INPUT
from schema.context import Info
from schema.editing.cleaners import COUNTRY, MAX_TEXT, choice, code, listed, text
from schema.editing.writing import Fact, create, update
from schema.keys.permissions import IsEditor
from schema.organizations.inputs import CreateOrganizationInput, UpdateOrganizationInput
from schema.organizations.types import Organization, OrganizationPayload

ORGANIZATION = Fact(
    ORGANIZATIONS,
    {
        "name": text(required=True),
        "aliases": listed(text(required=True)),
        "kind": choice(required=True),
        "country": code(COUNTRY, "US", str.upper),
        "description": text(MAX_TEXT),
    },
    slug_source=lambda doc: doc["name"] or "",
)


@strawberry.type
class OrganizationMutations:
    @strawberry.mutation(
        description="Add an organization, citing at least one passage that names it. EDITOR.",
        permission_classes=[IsEditor],
    )
    async def create_organization(
        self, info: Info, input: Annotated[CreateOrganizationInput, INPUT]
    ) -> OrganizationPayload:
        outcome = await create(info, ORGANIZATION, input)
        return OrganizationPayload(
            organization=outcome.made(Organization), user_errors=outcome.user_errors
        )

    @strawberry.mutation(
        description="Correct an organization or cite more passages for it. EDITOR.",
        permission_classes=[IsEditor],
    )
    async def update_organization(
        self, info: Info, input: Annotated[UpdateOrganizationInput, INPUT]
    ) -> OrganizationPayload:
        outcome = await update(info, ORGANIZATION, input)
        return OrganizationPayload(
            organization=outcome.made(Organization), user_errors=outcome.user_errors
        )

from __future__ import annotations

import strawberry

from model.names import ORGANIZATIONS
from schema.editing.cleaners import COUNTRY, MAX_TEXT, choice, code, listed, text
from schema.editing.fields import correction, creation
from schema.editing.writing import Fact
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
    create_organization = creation(
        ORGANIZATION,
        CreateOrganizationInput,
        OrganizationPayload,
        Organization,
        description="Add an organization, citing at least one passage that names it.",
    )
    update_organization = correction(
        ORGANIZATION,
        UpdateOrganizationInput,
        OrganizationPayload,
        Organization,
        description="Correct an organization or cite more passages for it.",
    )

from __future__ import annotations

import strawberry

from model.names import ORGANIZATIONS
from schema.common.fields import by_slug, listing
from schema.common.pagination import name_order
from schema.organizations.inputs import OrganizationFilter
from schema.organizations.types import Organization, OrganizationConnection


@strawberry.type
class OrganizationQueries:
    organization = by_slug(
        Organization, description="An organization by slug; null when there is none."
    )
    organizations = listing(
        OrganizationConnection,
        Organization,
        ORGANIZATIONS,
        description="Organizations, by name.",
        order=name_order(ORGANIZATIONS),
        filter_input=OrganizationFilter,
    )

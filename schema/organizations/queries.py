from __future__ import annotations

from typing import Annotated

import strawberry

from model.names import ORGANIZATIONS
from schema.common.arguments import After, Before, First, Last
from schema.common.pagination import Window, name_order
from schema.context import Info
from schema.organizations.inputs import OrganizationFilter
from schema.organizations.types import Organization, OrganizationConnection


@strawberry.type
class OrganizationQueries:
    @strawberry.field(description="An organization by slug; null when there is none.")
    async def organization(
        self, info: Info, slug: Annotated[str, strawberry.argument(description="The slug.")]
    ) -> Organization | None:
        doc = await info.context.loaders.organization_by_slug.load(slug)
        return Organization.from_doc(doc) if doc else None

    @strawberry.field(description="Organizations, by name.")
    async def organizations(
        self,
        info: Info,
        filter: Annotated[
            OrganizationFilter | None, strawberry.argument(description="Conditions to match.")
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> OrganizationConnection:
        window = Window.parse(name_order(ORGANIZATIONS), first, after, last, before)
        base = await filter.to_query(info.context.db) if filter else {}
        return await OrganizationConnection.find(
            info, ORGANIZATIONS, base, window, Organization.from_doc
        )

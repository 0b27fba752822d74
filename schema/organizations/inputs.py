from __future__ import annotations

import strawberry

from model import paths
from model.kinds import OrganizationKind
from model.names import ORGANIZATIONS
from model.store import Database, Document
from schema.common.filters import all_of, condition, country_is, equals
from schema.common.pagination import Order
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

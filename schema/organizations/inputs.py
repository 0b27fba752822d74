from __future__ import annotations

import strawberry

from model import paths
from model.names import ORGANIZATIONS
from model.store import Database, Document
from schema.common.filters import all_of, country_is, equals
from schema.organizations.types import OrganizationKind
from schema.search.filters import name_matches


@strawberry.input(description="Narrows a list of organizations; all given conditions must hold.")
class OrganizationFilter:
    name: str | None = strawberry.field(
        default=None,
        description=(
            "Matches name and aliases, ignoring case, accents and script (Latin or Cyrillic)."
        ),
    )
    kind: OrganizationKind | None = strawberry.field(
        default=None, description="Only organizations of this kind."
    )
    country: str | None = strawberry.field(
        default=None, description="ISO 3166-1 alpha-2 code, any case: 'US'."
    )

    async def to_query(self, db: Database) -> Document:
        return all_of(
            await name_matches(db, ORGANIZATIONS, self.name),
            equals(paths.KIND, self.kind.value if self.kind else None),
            country_is(paths.COUNTRY, self.country),
        )

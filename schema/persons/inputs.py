from __future__ import annotations

from enum import Enum

import strawberry

from model import paths
from model.names import PERSONS
from model.store import Database, Document
from schema.common.filters import all_of, country_is, equals
from schema.common.pagination import Order, name_order
from schema.common.types import OrderDirection
from schema.search.filters import name_matches


@strawberry.input(description="Narrows a list of persons; all given conditions must hold.")
class PersonFilter:
    name: str | None = strawberry.field(
        default=None,
        description=(
            "Matches name and aliases, ignoring case, accents and script (Latin or Cyrillic)."
        ),
    )
    country: str | None = strawberry.field(
        default=None, description="ISO 3166-1 alpha-2 code, any case: 'RU'."
    )
    organization: str | None = strawberry.field(
        default=None,
        description="Slug of an organization the person holds or held a position in.",
    )

    async def to_query(self, db: Database) -> Document:
        return all_of(
            await name_matches(db, PERSONS, self.name),
            country_is(paths.COUNTRIES, self.country),
            equals(paths.POSITION_ORGANIZATION, self.organization),
        )


@strawberry.enum(description="Fields persons can be ordered by.")
class PersonOrderField(Enum):
    NAME = strawberry.enum_value("NAME", description="By name, ignoring case and accents.")


@strawberry.input(description="Order for a list of persons.")
class PersonOrder:
    field: PersonOrderField = strawberry.field(description="The field to order by.")
    direction: OrderDirection = strawberry.field(description="The direction to order in.")

    @staticmethod
    def resolve(order: PersonOrder | None) -> Order:
        descending = order is not None and order.direction is OrderDirection.DESC
        return name_order(PERSONS, descending=descending)

from __future__ import annotations

import strawberry

from model import paths
from model.names import PERSONS
from model.store import Database, Document
from schema.common.fields import BY_NAME, Orders
from schema.common.filters import all_of, condition, country_is, equals
from schema.common.pagination import Order
from schema.search.filters import name_condition, name_matches


@strawberry.input(description="Narrows a list of persons; all given conditions must hold.")
class PersonFilter:
    name: str | None = name_condition()
    country: str | None = condition("ISO 3166-1 alpha-2 code, any case: 'RU'.")
    organization: str | None = condition(
        "Slug of an organization the person holds or held a position in."
    )

    async def to_query(self, db: Database, order: Order) -> Document:
        return all_of(
            await name_matches(db, PERSONS, self.name),
            country_is(paths.COUNTRIES, self.country),
            equals(paths.POSITION_ORGANIZATION, self.organization),
        )


PERSON_ORDERS = Orders("Person", "persons", PERSONS, BY_NAME)

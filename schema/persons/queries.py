from __future__ import annotations

from typing import Annotated

import strawberry

from model.names import PERSONS
from schema.common.arguments import After, Before, First, Last
from schema.common.pagination import Window
from schema.context import Info
from schema.persons.inputs import PersonFilter, PersonOrder
from schema.persons.types import Person, PersonConnection


@strawberry.type
class PersonQueries:
    @strawberry.field(description="A person by slug; null when there is none.")
    async def person(
        self, info: Info, slug: Annotated[str, strawberry.argument(description="The slug.")]
    ) -> Person | None:
        doc = await info.context.loaders.person_by_slug.load(slug)
        return Person.from_doc(doc) if doc else None

    @strawberry.field(description="Persons, by name unless ordered otherwise.")
    async def persons(
        self,
        info: Info,
        filter: Annotated[
            PersonFilter | None, strawberry.argument(description="Conditions to match.")
        ] = None,
        order_by: Annotated[
            PersonOrder | None, strawberry.argument(description="Order; by name ascending.")
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> PersonConnection:
        window = Window.parse(PersonOrder.resolve(order_by), first, after, last, before)
        base = await filter.to_query(info.context.db) if filter else {}
        return await PersonConnection.find(info, PERSONS, base, window, Person.from_doc)

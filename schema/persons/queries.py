from __future__ import annotations

import strawberry

from model.names import PERSONS
from schema.common.fields import by_slug, listing
from schema.persons.inputs import PERSON_ORDERS, PersonFilter
from schema.persons.types import Person, PersonConnection


@strawberry.type
class PersonQueries:
    person = by_slug(Person, description="A person by slug; null when there is none.")
    persons = listing(
        PersonConnection,
        Person,
        PERSONS,
        description="Persons, by name unless ordered otherwise.",
        order=PERSON_ORDERS,
        filter_input=PersonFilter,
    )

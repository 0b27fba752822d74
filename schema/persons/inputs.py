from __future__ import annotations

import strawberry

from model import paths
from model.names import PERSONS
from model.store import Database, Document
from schema.common.fields import BY_NAME, Orders
from schema.common.filters import all_of, condition, country_is, equals
from schema.common.pagination import Order
from schema.editing.inputs import (
    EvidenceInput,
    FuzzyDateInput,
    added_evidence,
    expected_revision,
    optional,
    unchanged,
)
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


@strawberry.input(description="A post a person holds or held, as the source words it.")
class PositionInput:
    title: str = strawberry.field(description="As the source words it: 'Foreign Minister'.")
    organization: str | None = optional("Slug of an organization.")
    since: FuzzyDateInput | None = optional("When the person took the post.")
    until: FuzzyDateInput | None = optional("When the person left the post.")


@strawberry.input(description="A person new to the record, with the passages that name them.")
class CreatePersonInput:
    slug: str | None = optional("Derived from the name when omitted.")
    name: str = strawberry.field(description="The name as the source writes it.")
    aliases: list[str] | None = optional("Other spellings and transliterations; names, not claims.")
    description: str | None = optional("Who the person is, in a sentence.")
    countries: list[str] | None = optional("ISO 3166-1 alpha-2 codes: 'RU', 'US'.")
    positions: list[PositionInput] | None = optional("Posts the person holds or held.")
    evidence: list[EvidenceInput] = strawberry.field(
        description="At least one passage that names the person."
    )


@strawberry.input(description="Fields left out stay as they are; a field given as null is cleared.")
class UpdatePersonInput:
    id: strawberry.ID = strawberry.field(description="The person's global id.")
    expected_revision: int = expected_revision()
    name: str | None = unchanged("The name as the source writes it.")
    aliases: list[str] | None = unchanged("Replaces the aliases.")
    description: str | None = unchanged("Who the person is, in a sentence.")
    countries: list[str] | None = unchanged("Replaces the countries.")
    positions: list[PositionInput] | None = unchanged("Replaces the positions.")
    add_evidence: list[EvidenceInput] | None = added_evidence()

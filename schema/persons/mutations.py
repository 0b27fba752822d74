from __future__ import annotations

import strawberry

from model.documents import PositionDoc
from model.names import ORGANIZATIONS, PERSONS
from schema.editing.cleaners import (
    COUNTRY,
    MAX_TEXT,
    code,
    fuzzy_date,
    listed,
    slug_in,
    text,
)
from schema.editing.draft import Draft
from schema.editing.fields import correction, creation
from schema.editing.writing import Fact
from schema.persons.inputs import CreatePersonInput, PositionInput, UpdatePersonInput
from schema.persons.types import Person, PersonPayload

_title = text(required=True)
_organization = slug_in((ORGANIZATIONS,), "organization")
_date = fuzzy_date(required=False)


async def _position(draft: Draft, position: PositionInput, path: str) -> PositionDoc:
    return PositionDoc(
        title=await _title(draft, position.title, f"{path}.title"),
        organization=await _organization(draft, position.organization, f"{path}.organization"),
        since=await _date(draft, position.since, f"{path}.since"),
        until=await _date(draft, position.until, f"{path}.until"),
    )


PERSON = Fact(
    PERSONS,
    {
        "name": text(required=True),
        "aliases": listed(text(required=True)),
        "description": text(MAX_TEXT),
        "countries": listed(code(COUNTRY, "RU", str.upper), items=10),
        "positions": listed(_position, items=20),
    },
    slug_source=lambda doc: doc["name"] or "",
)


@strawberry.type
class PersonMutations:
    create_person = creation(
        PERSON,
        CreatePersonInput,
        PersonPayload,
        Person,
        description="Add a person, citing at least one passage that names them.",
    )
    update_person = correction(
        PERSON,
        UpdatePersonInput,
        PersonPayload,
        Person,
        description="Correct a person or cite more passages for them.",
    )

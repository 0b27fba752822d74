from __future__ import annotations

import strawberry

from model.names import SANCTIONS
from model.references import ACTORS
from schema.editing.cleaners import (
    MAX_TEXT,
    choice,
    count,
    fuzzy_date,
    listed,
    ref_in,
    slug_in,
    text,
)
from schema.editing.fields import correction, creation
from schema.editing.writing import Fact
from schema.sanctions.inputs import CreateSanctionInput, UpdateSanctionInput
from schema.sanctions.types import Sanction, SanctionPayload

_ACTOR = "person or organization"
SANCTION = Fact(
    SANCTIONS,
    {
        "title": text(required=True),
        "description": text(MAX_TEXT),
        "kinds": listed(choice(required=True), items=10, at_least=1),
        "status": choice(required=True),
        "authority": ref_in(ACTORS, _ACTOR, required=True),
        "targets": listed(ref_in(ACTORS, _ACTOR, required=True)),
        "targetDescription": text(),
        "targetCount": count(),
        "reason": text(MAX_TEXT),
        "date": fuzzy_date(),
        "inResponseTo": slug_in((SANCTIONS,), "sanction"),
    },
    slug_source=lambda doc: doc["title"] or "",
)


@strawberry.type
class SanctionMutations:
    create_sanction = creation(
        SANCTION,
        CreateSanctionInput,
        SanctionPayload,
        Sanction,
        description="Add a sanction, citing at least one passage that states it.",
    )
    update_sanction = correction(
        SANCTION,
        UpdateSanctionInput,
        SanctionPayload,
        Sanction,
        description="Correct a sanction or cite more passages for it.",
    )

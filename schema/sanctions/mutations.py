from __future__ import annotations

from typing import Annotated

import strawberry

from model.names import SANCTIONS
from model.references import ACTORS
from schema.common.mutations import INPUT
from schema.context import Info
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
from schema.editing.writing import Fact, create, update
from schema.keys.permissions import IsEditor
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
    @strawberry.mutation(
        description="Add a sanction, citing at least one passage that states it. EDITOR.",
        permission_classes=[IsEditor],
    )
    async def create_sanction(
        self, info: Info, input: Annotated[CreateSanctionInput, INPUT]
    ) -> SanctionPayload:
        outcome = await create(info, SANCTION, input)
        return SanctionPayload(sanction=outcome.made(Sanction), user_errors=outcome.user_errors)

    @strawberry.mutation(
        description="Correct a sanction or cite more passages for it. EDITOR.",
        permission_classes=[IsEditor],
    )
    async def update_sanction(
        self, info: Info, input: Annotated[UpdateSanctionInput, INPUT]
    ) -> SanctionPayload:
        outcome = await update(info, SANCTION, input)
        return SanctionPayload(sanction=outcome.made(Sanction), user_errors=outcome.user_errors)

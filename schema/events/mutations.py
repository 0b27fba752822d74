from __future__ import annotations

from typing import Annotated

import strawberry

from model.documents import ParticipantDoc
from model.names import EVENTS
from model.references import ACTORS
from schema.common.mutations import INPUT
from schema.context import Info
from schema.editing.cleaners import MAX_TEXT, choice, fuzzy_date, listed, ref_in, text
from schema.editing.draft import Draft
from schema.editing.writing import Fact, create, update
from schema.events.inputs import CreateEventInput, ParticipantInput, UpdateEventInput
from schema.events.types import Event, EventPayload
from schema.keys.permissions import IsEditor

_actor = ref_in(ACTORS, "person or organization")
_description = text()
_role = text(required=True)


async def _participant(draft: Draft, participant: ParticipantInput, path: str) -> ParticipantDoc:
    return ParticipantDoc(
        actor=await _actor(draft, participant.actor, f"{path}.actor"),
        description=await _description(draft, participant.description, f"{path}.description"),
        role=await _role(draft, participant.role, f"{path}.role"),
    )


EVENT = Fact(
    EVENTS,
    {
        "title": text(required=True),
        "kind": choice(required=True),
        "description": text(MAX_TEXT),
        "date": fuzzy_date(),
        "location": text(),
        "participants": listed(_participant),
    },
    slug_source=lambda doc: doc["title"] or "",
    defaults={"sanctions": []},
)


@strawberry.type
class EventMutations:
    @strawberry.mutation(
        description="Add an event, citing at least one passage that states it. EDITOR.",
        permission_classes=[IsEditor],
    )
    async def create_event(
        self, info: Info, input: Annotated[CreateEventInput, INPUT]
    ) -> EventPayload:
        outcome = await create(info, EVENT, input)
        return EventPayload(event=outcome.made(Event), user_errors=outcome.user_errors)

    @strawberry.mutation(
        description="Correct an event or cite more passages for it. EDITOR.",
        permission_classes=[IsEditor],
    )
    async def update_event(
        self, info: Info, input: Annotated[UpdateEventInput, INPUT]
    ) -> EventPayload:
        outcome = await update(info, EVENT, input)
        return EventPayload(event=outcome.made(Event), user_errors=outcome.user_errors)

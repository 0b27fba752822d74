from __future__ import annotations

import strawberry

from model.documents import ParticipantDoc
from model.names import EVENTS
from model.references import ACTORS
from schema.editing.cleaners import MAX_TEXT, choice, fuzzy_date, listed, ref_in, text
from schema.editing.draft import Draft
from schema.editing.fields import correction, creation
from schema.editing.writing import Fact
from schema.events.inputs import CreateEventInput, ParticipantInput, UpdateEventInput
from schema.events.types import Event, EventPayload

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
    create_event = creation(
        EVENT,
        CreateEventInput,
        EventPayload,
        Event,
        description="Add an event, citing at least one passage that states it.",
    )
    update_event = correction(
        EVENT,
        UpdateEventInput,
        EventPayload,
        Event,
        description="Correct an event or cite more passages for it.",
    )

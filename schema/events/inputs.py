from __future__ import annotations

import strawberry

from model import paths
from model.kinds import EventKind
from model.names import EVENTS
from model.store import Database, Document
from schema.common.fields import BY_DATE, Orders
from schema.common.filters import all_of, condition, date_range, equals, one_of
from schema.common.pagination import Order
from schema.editing.inputs import (
    EvidenceInput,
    FuzzyDateInput,
    added_evidence,
    expected_revision,
    optional,
    unchanged,
)


@strawberry.input(description="Narrows a list of events; all given conditions must hold.")
class EventFilter:
    kinds: list[EventKind] | None = condition("Only events of one of these kinds.")
    from_: str | None = condition(
        "Inclusive ISO prefix bound: '2009' or '2009-11'. Excludes UNKNOWN dates.", name="from"
    )
    to: str | None = condition("Inclusive ISO prefix bound: '2009-12' includes '2009-12-31'.")
    participant: str | None = condition("Slug of a person or organization taking part.")
    article: str | None = condition("Slug of the article the event is cited from.")

    async def to_query(self, db: Database, order: Order) -> Document:
        return all_of(
            one_of(paths.KIND, self.kinds),
            date_range(order, self.from_, self.to),
            equals(paths.PARTICIPANT, self.participant),
            equals(paths.CITED_ARTICLE, self.article),
        )


EVENT_ORDERS = Orders("Event", "events", EVENTS, BY_DATE)


@strawberry.input(description="Who took part in an event, and how.")
class ParticipantInput:
    actor: str | None = optional(
        "Slug of a person or organization; omit when the source does not name the participant."
    )
    description: str | None = optional("How the source describes the participant.")
    role: str = strawberry.field(description="The part played: 'arrested', 'investigator'.")


@strawberry.input(description="An event new to the record, with the passages that state it.")
class CreateEventInput:
    slug: str | None = optional("Derived from the title when omitted.")
    title: str = strawberry.field(description="What happened, in a few words.")
    description: str | None = optional("What happened, in a sentence or two.")
    kind: EventKind = strawberry.field(description="What sort of thing happened.")
    date: FuzzyDateInput = strawberry.field(description="When it happened, as the source says.")
    location: str | None = optional("Where it happened.")
    participants: list[ParticipantInput] | None = optional("Who took part, and how.")
    evidence: list[EvidenceInput] = strawberry.field(
        description="At least one passage that states the event."
    )


@strawberry.input(description="Fields left out stay as they are; a field given as null is cleared.")
class UpdateEventInput:
    id: strawberry.ID = strawberry.field(description="The event's global id.")
    expected_revision: int = expected_revision()
    title: str | None = unchanged("What happened, in a few words.")
    description: str | None = unchanged("What happened, in a sentence or two.")
    kind: EventKind | None = unchanged("What sort of thing happened.")
    date: FuzzyDateInput | None = unchanged("When it happened.")
    location: str | None = unchanged("Where it happened.")
    participants: list[ParticipantInput] | None = unchanged("Replaces the participants.")
    add_evidence: list[EvidenceInput] | None = added_evidence()

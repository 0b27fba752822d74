from __future__ import annotations

from api.database import EVENTS
from schema.common.loaders import (
    BY_DATE,
    CountByParentLoader,
    DocumentBySlugLoader,
    DocumentsByFieldLoader,
    PageByParentLoader,
)

PARTICIPANT = "participants.actor.slug"


class EventBySlugLoader(DocumentBySlugLoader):
    collection = EVENTS
    fields = (
        "title",
        "description",
        "kind",
        "date",
        "location",
        "participants",
        "citations",
        "sanctions",
    )


class EventsByArticleLoader(DocumentsByFieldLoader):
    collection = EVENTS
    field = "citations.article"
    sort = BY_DATE


class EventsByParticipantLoader(PageByParentLoader):
    collection = EVENTS
    field = PARTICIPANT


class EventCountByParticipantLoader(CountByParentLoader):
    collection = EVENTS
    field = PARTICIPANT

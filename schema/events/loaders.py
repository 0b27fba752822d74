from __future__ import annotations

from model import paths
from model.names import EVENTS
from schema.common.loaders import (
    BY_DATE,
    CountByParentLoader,
    DocumentBySlugLoader,
    DocumentsByFieldLoader,
    PageByParentLoader,
)

PARTICIPANT = paths.PARTICIPANT


class EventBySlugLoader(DocumentBySlugLoader):
    collection = EVENTS


class EventsByArticleLoader(DocumentsByFieldLoader):
    collection = EVENTS
    field = paths.CITED_ARTICLE
    sort = BY_DATE


class EventsByParticipantLoader(PageByParentLoader):
    collection = EVENTS
    field = PARTICIPANT


class EventCountByParticipantLoader(CountByParentLoader):
    collection = EVENTS
    field = PARTICIPANT

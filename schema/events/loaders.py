from __future__ import annotations

from model import paths
from model.names import EVENTS
from schema.common.loaders import BY_DATE, DocumentBySlugLoader, DocumentsByFieldLoader, by_parent

EventBySlugLoader = DocumentBySlugLoader.of(EVENTS)
EventsByArticleLoader = DocumentsByFieldLoader.of(EVENTS, paths.CITED_ARTICLE, sort=BY_DATE)
EventsByParticipantLoader, EventCountByParticipantLoader = by_parent(EVENTS, paths.PARTICIPANT)

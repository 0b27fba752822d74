from __future__ import annotations

from api.database import STATEMENTS
from schema.common.loaders import (
    BY_DATE,
    CountByParentLoader,
    DocumentBySlugLoader,
    DocumentsByFieldLoader,
    PageByParentLoader,
)

SPEAKER = "speaker.slug"


class StatementBySlugLoader(DocumentBySlugLoader):
    collection = STATEMENTS
    fields = (
        "text",
        "kind",
        "speakerDescription",
        "date",
        "medium",
        "citations",
        "speaker",
        "reportedBy",
        "about",
    )


class StatementsByArticleLoader(DocumentsByFieldLoader):
    collection = STATEMENTS
    field = "citations.article"
    sort = BY_DATE


class StatementsBySubjectLoader(DocumentsByFieldLoader):
    """Statements about a subject slug; callers keep those whose subject type matches."""

    collection = STATEMENTS
    field = "about.slug"
    sort = BY_DATE


class StatementsBySpeakerLoader(PageByParentLoader):
    collection = STATEMENTS
    field = SPEAKER


class StatementCountBySpeakerLoader(CountByParentLoader):
    collection = STATEMENTS
    field = SPEAKER

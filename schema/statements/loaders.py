from __future__ import annotations

from model import paths
from model.names import STATEMENTS
from schema.common.loaders import (
    BY_DATE,
    CountByParentLoader,
    DocumentBySlugLoader,
    DocumentsByFieldLoader,
    PageByParentLoader,
)

SPEAKER = paths.SPEAKER


class StatementBySlugLoader(DocumentBySlugLoader):
    collection = STATEMENTS


class StatementsByArticleLoader(DocumentsByFieldLoader):
    collection = STATEMENTS
    field = paths.CITED_ARTICLE
    sort = BY_DATE


class StatementsBySubjectLoader(DocumentsByFieldLoader):
    """Statements about a subject slug; callers keep those whose subject type matches."""

    collection = STATEMENTS
    field = paths.SUBJECT
    sort = BY_DATE


class StatementsBySpeakerLoader(PageByParentLoader):
    collection = STATEMENTS
    field = SPEAKER


class StatementCountBySpeakerLoader(CountByParentLoader):
    collection = STATEMENTS
    field = SPEAKER

from __future__ import annotations

from api.database import SANCTIONS
from schema.common.loaders import (
    BY_DATE,
    CountByParentLoader,
    DocumentBySlugLoader,
    DocumentsByFieldLoader,
    PageByParentLoader,
)

AUTHORITY = "authority.slug"
TARGET = "targets.slug"


class SanctionBySlugLoader(DocumentBySlugLoader):
    collection = SANCTIONS
    fields = (
        "title",
        "description",
        "kinds",
        "status",
        "targetDescription",
        "targetCount",
        "reason",
        "date",
        "citations",
        "authority",
        "targets",
        "inResponseTo",
    )


class SanctionsByArticleLoader(DocumentsByFieldLoader):
    collection = SANCTIONS
    field = "citations.article"
    sort = BY_DATE


class SanctionsByInResponseToLoader(DocumentsByFieldLoader):
    collection = SANCTIONS
    field = "inResponseTo"
    sort = BY_DATE


class SanctionsByAuthorityLoader(PageByParentLoader):
    collection = SANCTIONS
    field = AUTHORITY


class SanctionCountByAuthorityLoader(CountByParentLoader):
    collection = SANCTIONS
    field = AUTHORITY


class SanctionsByTargetLoader(PageByParentLoader):
    collection = SANCTIONS
    field = TARGET


class SanctionCountByTargetLoader(CountByParentLoader):
    collection = SANCTIONS
    field = TARGET

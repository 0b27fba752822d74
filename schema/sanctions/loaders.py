from __future__ import annotations

from model import paths
from model.names import SANCTIONS
from schema.common.loaders import (
    BY_DATE,
    CountByParentLoader,
    DocumentBySlugLoader,
    DocumentsByFieldLoader,
    PageByParentLoader,
)

AUTHORITY = paths.AUTHORITY
TARGET = paths.TARGET


class SanctionBySlugLoader(DocumentBySlugLoader):
    collection = SANCTIONS


class SanctionsByArticleLoader(DocumentsByFieldLoader):
    collection = SANCTIONS
    field = paths.CITED_ARTICLE
    sort = BY_DATE


class SanctionsByInResponseToLoader(DocumentsByFieldLoader):
    collection = SANCTIONS
    field = paths.IN_RESPONSE_TO
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

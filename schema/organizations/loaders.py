from __future__ import annotations

from model import paths
from model.names import ORGANIZATIONS
from schema.common.loaders import (
    BY_NAME,
    DocumentBySlugLoader,
    DocumentsByFieldLoader,
)


class OrganizationBySlugLoader(DocumentBySlugLoader):
    collection = ORGANIZATIONS


class OrganizationsByArticleLoader(DocumentsByFieldLoader):
    collection = ORGANIZATIONS
    field = paths.CITED_ARTICLE
    sort = BY_NAME

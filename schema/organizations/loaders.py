from __future__ import annotations

from api.database import ORGANIZATIONS
from schema.common.loaders import BY_NAME, DocumentBySlugLoader, DocumentsByFieldLoader


class OrganizationBySlugLoader(DocumentBySlugLoader):
    collection = ORGANIZATIONS


class OrganizationsByArticleLoader(DocumentsByFieldLoader):
    collection = ORGANIZATIONS
    field = "citations.article"
    sort = BY_NAME

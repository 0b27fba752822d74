from __future__ import annotations

from api.database import ORGANIZATIONS
from schema.common.loaders import (
    BY_NAME,
    DocumentBySlugLoader,
    DocumentsByFieldLoader,
    uncited,
)


class OrganizationBySlugLoader(DocumentBySlugLoader):
    collection = ORGANIZATIONS
    fields = ("name", "aliases", "kind", "country", "description", "citations")


class UncitedOrganizationBySlugLoader(DocumentBySlugLoader):
    """For actors whose selection shows no citations: a popular one's thousands stay put."""

    collection = ORGANIZATIONS
    fields = uncited(OrganizationBySlugLoader.fields)


class OrganizationsByArticleLoader(DocumentsByFieldLoader):
    collection = ORGANIZATIONS
    field = "citations.article"
    sort = BY_NAME

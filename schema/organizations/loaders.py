from __future__ import annotations

from api.database import ORGANIZATIONS
from schema.common.loaders import BY_NAME, DocumentBySlugLoader, DocumentsByFieldLoader


class OrganizationBySlugLoader(DocumentBySlugLoader):
    collection = ORGANIZATIONS


class UncitedOrganizationBySlugLoader(OrganizationBySlugLoader):
    """For actors whose selection shows no citations: a popular one's thousands stay put."""

    only = ("name", "aliases", "kind", "country", "description")


class OrganizationsByArticleLoader(DocumentsByFieldLoader):
    collection = ORGANIZATIONS
    field = "citations.article"
    sort = BY_NAME

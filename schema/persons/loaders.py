from __future__ import annotations

from api.database import PERSONS
from schema.common.loaders import BY_NAME, DocumentBySlugLoader, DocumentsByFieldLoader


class PersonBySlugLoader(DocumentBySlugLoader):
    collection = PERSONS


class UncitedPersonBySlugLoader(PersonBySlugLoader):
    """For actors whose selection shows no citations: a popular one's thousands stay put."""

    only = ("name", "aliases", "description", "countries", "positions")


class PersonsByArticleLoader(DocumentsByFieldLoader):
    collection = PERSONS
    field = "citations.article"
    sort = BY_NAME

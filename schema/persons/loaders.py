from __future__ import annotations

from api.database import PERSONS
from schema.common.loaders import (
    BY_NAME,
    DocumentBySlugLoader,
    DocumentsByFieldLoader,
    uncited,
)


class PersonBySlugLoader(DocumentBySlugLoader):
    collection = PERSONS
    fields = ("name", "aliases", "description", "countries", "positions", "citations")


class UncitedPersonBySlugLoader(DocumentBySlugLoader):
    """For actors whose selection shows no citations: a popular one's thousands stay put."""

    collection = PERSONS
    fields = uncited(PersonBySlugLoader.fields)


class PersonsByArticleLoader(DocumentsByFieldLoader):
    collection = PERSONS
    field = "citations.article"
    sort = BY_NAME

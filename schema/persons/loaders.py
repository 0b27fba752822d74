from __future__ import annotations

from model import paths
from model.names import PERSONS
from schema.common.loaders import (
    BY_NAME,
    DocumentBySlugLoader,
    DocumentsByFieldLoader,
)


class PersonBySlugLoader(DocumentBySlugLoader):
    collection = PERSONS


class PersonsByArticleLoader(DocumentsByFieldLoader):
    collection = PERSONS
    field = paths.CITED_ARTICLE
    sort = BY_NAME

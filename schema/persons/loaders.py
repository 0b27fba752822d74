from __future__ import annotations

from api.database import PERSONS
from schema.common.loaders import BY_NAME, DocumentBySlugLoader, DocumentsByFieldLoader


class PersonBySlugLoader(DocumentBySlugLoader):
    collection = PERSONS


class PersonsByArticleLoader(DocumentsByFieldLoader):
    collection = PERSONS
    field = "citations.article"
    sort = BY_NAME

from __future__ import annotations

from api.database import ARTICLES
from schema.common.loaders import DocumentBySlugLoader


class ArticleBySlugLoader(DocumentBySlugLoader):
    collection = ARTICLES
    fields = ("title", "publisher", "url", "publishedOn", "body", "language", "photo")

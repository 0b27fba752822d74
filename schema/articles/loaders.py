from __future__ import annotations

from model.names import ARTICLES
from schema.common.loaders import DocumentBySlugLoader

ArticleBySlugLoader = DocumentBySlugLoader.of(ARTICLES)

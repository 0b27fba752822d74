from __future__ import annotations

from model import paths
from model.names import PERSONS
from schema.common.loaders import BY_NAME, DocumentBySlugLoader, DocumentsByFieldLoader

PersonBySlugLoader = DocumentBySlugLoader.of(PERSONS)
PersonsByArticleLoader = DocumentsByFieldLoader.of(PERSONS, paths.CITED_ARTICLE, sort=BY_NAME)

from __future__ import annotations

from model import paths
from model.names import PERSONS
from schema.common.loaders import BY_NAME, DocumentsByFieldLoader, SurvivorBySlugLoader

PersonBySlugLoader = SurvivorBySlugLoader.of(PERSONS)
PersonsByArticleLoader = DocumentsByFieldLoader.of(PERSONS, paths.CITED_ARTICLE, sort=BY_NAME)

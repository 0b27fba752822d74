from __future__ import annotations

from model import paths
from model.names import ORGANIZATIONS
from schema.common.loaders import BY_NAME, DocumentsByFieldLoader, SurvivorBySlugLoader

OrganizationBySlugLoader = SurvivorBySlugLoader.of(ORGANIZATIONS)
OrganizationsByArticleLoader = DocumentsByFieldLoader.of(
    ORGANIZATIONS, paths.CITED_ARTICLE, sort=BY_NAME
)

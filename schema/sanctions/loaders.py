from __future__ import annotations

from model import paths
from model.names import SANCTIONS
from schema.common.loaders import BY_DATE, DocumentBySlugLoader, DocumentsByFieldLoader, by_parent

SanctionBySlugLoader = DocumentBySlugLoader.of(SANCTIONS)
SanctionsByArticleLoader = DocumentsByFieldLoader.of(SANCTIONS, paths.CITED_ARTICLE, sort=BY_DATE)
SanctionsByInResponseToLoader = DocumentsByFieldLoader.of(
    SANCTIONS, paths.IN_RESPONSE_TO, sort=BY_DATE
)
SanctionsByAuthorityLoader, SanctionCountByAuthorityLoader = by_parent(SANCTIONS, paths.AUTHORITY)
SanctionsByTargetLoader, SanctionCountByTargetLoader = by_parent(SANCTIONS, paths.TARGET)

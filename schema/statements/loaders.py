from __future__ import annotations

from model import paths
from model.names import STATEMENTS
from schema.common.loaders import BY_DATE, DocumentBySlugLoader, DocumentsByFieldLoader, by_parent

StatementBySlugLoader = DocumentBySlugLoader.of(STATEMENTS)
StatementsByArticleLoader = DocumentsByFieldLoader.of(STATEMENTS, paths.CITED_ARTICLE, sort=BY_DATE)
# Statements about a subject slug; callers keep those whose subject type matches.
StatementsBySubjectLoader = DocumentsByFieldLoader.of(STATEMENTS, paths.SUBJECT, sort=BY_DATE)
StatementsBySpeakerLoader, StatementCountBySpeakerLoader = by_parent(STATEMENTS, paths.SPEAKER)

"""Every loader a request may use, built fresh for each request."""

from __future__ import annotations

from api.database import Database
from schema.articles.loaders import ArticleBySlugLoader
from schema.events.loaders import (
    EventBySlugLoader,
    EventCountByParticipantLoader,
    EventsByArticleLoader,
    EventsByParticipantLoader,
)
from schema.organizations.loaders import OrganizationBySlugLoader, OrganizationsByArticleLoader
from schema.persons.loaders import PersonBySlugLoader, PersonsByArticleLoader
from schema.sanctions.loaders import (
    SanctionBySlugLoader,
    SanctionCountByAuthorityLoader,
    SanctionCountByTargetLoader,
    SanctionsByArticleLoader,
    SanctionsByAuthorityLoader,
    SanctionsByInResponseToLoader,
    SanctionsByTargetLoader,
)
from schema.statements.loaders import (
    StatementBySlugLoader,
    StatementCountBySpeakerLoader,
    StatementsByArticleLoader,
    StatementsBySpeakerLoader,
    StatementsBySubjectLoader,
)


class Loaders:
    def __init__(self, db: Database) -> None:
        self.article_by_slug = ArticleBySlugLoader(db)
        self.person_by_slug = PersonBySlugLoader(db)
        self.persons_by_article = PersonsByArticleLoader(db)
        self.organization_by_slug = OrganizationBySlugLoader(db)
        self.organizations_by_article = OrganizationsByArticleLoader(db)
        self.event_by_slug = EventBySlugLoader(db)
        self.events_by_article = EventsByArticleLoader(db)
        self.events_by_participant = EventsByParticipantLoader(db)
        self.event_count_by_participant = EventCountByParticipantLoader(db)
        self.statement_by_slug = StatementBySlugLoader(db)
        self.statements_by_article = StatementsByArticleLoader(db)
        self.statements_by_speaker = StatementsBySpeakerLoader(db)
        self.statement_count_by_speaker = StatementCountBySpeakerLoader(db)
        self.statements_by_subject = StatementsBySubjectLoader(db)
        self.sanction_by_slug = SanctionBySlugLoader(db)
        self.sanctions_by_article = SanctionsByArticleLoader(db)
        self.sanctions_by_authority = SanctionsByAuthorityLoader(db)
        self.sanction_count_by_authority = SanctionCountByAuthorityLoader(db)
        self.sanctions_by_target = SanctionsByTargetLoader(db)
        self.sanction_count_by_target = SanctionCountByTargetLoader(db)
        self.sanctions_by_in_response_to = SanctionsByInResponseToLoader(db)

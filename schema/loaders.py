"""Every loader a request may use, built fresh for each request."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Generic, TypeVar, overload

from model import paths
from model.store import Database
from schema.articles.loaders import ArticleBySlugLoader
from schema.common.projection import Reads
from schema.events.loaders import (
    EventBySlugLoader,
    EventCountByParticipantLoader,
    EventsByArticleLoader,
    EventsByParticipantLoader,
)
from schema.organizations.loaders import (
    OrganizationBySlugLoader,
    OrganizationsByArticleLoader,
)
from schema.persons.loaders import (
    PersonBySlugLoader,
    PersonsByArticleLoader,
)
from schema.revisions.loaders import (
    RevisionBySlugLoader,
    RevisionCountByNodeLoader,
    RevisionsByNodeLoader,
)
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

LoaderT = TypeVar("LoaderT")
# Actors shown without citations are read without them: a popular one's thousands stay put.
CITATIONS = frozenset({paths.CITATIONS})


class _Lazy(Generic[LoaderT]):
    """A loader made on first use: most requests touch two or three of them."""

    def __init__(self, loader: Callable[[Database, Reads], LoaderT]) -> None:
        self.loader = loader

    def __set_name__(self, owner: type[Loaders], name: str) -> None:
        self.name = name

    @overload
    def __get__(self, loaders: None, owner: type[Loaders]) -> _Lazy[LoaderT]: ...
    @overload
    def __get__(self, loaders: Loaders, owner: type[Loaders]) -> LoaderT: ...
    def __get__(self, loaders: Loaders | None, owner: type[Loaders]) -> LoaderT | _Lazy[LoaderT]:
        if loaders is None:
            return self
        made = self.loader(loaders.db, loaders.reads)
        loaders.__dict__[self.name] = made  # later lookups find the instance attribute
        return made


class Loaders:
    def __init__(self, db: Database, reads: Reads) -> None:
        self.db = db
        self.reads = reads

    article_by_slug = _Lazy(ArticleBySlugLoader)
    person_by_slug = _Lazy(PersonBySlugLoader)
    uncited_person_by_slug = _Lazy(partial(PersonBySlugLoader, also_hidden=CITATIONS))
    persons_by_article = _Lazy(PersonsByArticleLoader)
    organization_by_slug = _Lazy(OrganizationBySlugLoader)
    uncited_organization_by_slug = _Lazy(partial(OrganizationBySlugLoader, also_hidden=CITATIONS))
    organizations_by_article = _Lazy(OrganizationsByArticleLoader)
    event_by_slug = _Lazy(EventBySlugLoader)
    events_by_article = _Lazy(EventsByArticleLoader)
    events_by_participant = _Lazy(EventsByParticipantLoader)
    event_count_by_participant = _Lazy(EventCountByParticipantLoader)
    statement_by_slug = _Lazy(StatementBySlugLoader)
    statements_by_article = _Lazy(StatementsByArticleLoader)
    statements_by_speaker = _Lazy(StatementsBySpeakerLoader)
    statement_count_by_speaker = _Lazy(StatementCountBySpeakerLoader)
    statements_by_subject = _Lazy(StatementsBySubjectLoader)
    sanction_by_slug = _Lazy(SanctionBySlugLoader)
    sanctions_by_article = _Lazy(SanctionsByArticleLoader)
    sanctions_by_authority = _Lazy(SanctionsByAuthorityLoader)
    sanction_count_by_authority = _Lazy(SanctionCountByAuthorityLoader)
    sanctions_by_target = _Lazy(SanctionsByTargetLoader)
    sanction_count_by_target = _Lazy(SanctionCountByTargetLoader)
    sanctions_by_in_response_to = _Lazy(SanctionsByInResponseToLoader)
    revision_by_slug = _Lazy(RevisionBySlugLoader)
    revisions_by_node = _Lazy(RevisionsByNodeLoader)
    revision_count_by_node = _Lazy(RevisionCountByNodeLoader)

"""The root Query, composed from the domains, and the schema built from it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import strawberry
from graphql import GraphQLError, NoSchemaIntrospectionCustomRule
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext

from schema.admission import Admission
from schema.admission_control import admission_extension
from schema.articles.mutations import ArticleMutations
from schema.articles.queries import ArticleQueries
from schema.caching import parser_extension, validation_extension
from schema.common.errors import QUERY_TOO_COMPLEX
from schema.common.projection import ProjectSelectedFields
from schema.errors import ErrorCodes, coded_rules
from schema.events.mutations import EventMutations
from schema.events.queries import EventQueries
from schema.execution import Executor, ExtensionsRunner, RefuseSubscriptions
from schema.keys.mutations import KeyMutations
from schema.keys.queries import KeyQueries
from schema.limits import limit_rules
from schema.node.mutations import NodeMutations
from schema.node.queries import NodeQueries
from schema.organizations.mutations import OrganizationMutations
from schema.organizations.queries import OrganizationQueries
from schema.persons.mutations import PersonMutations
from schema.persons.queries import PersonQueries
from schema.revisions.queries import RevisionQueries
from schema.revisions.subscriptions import RevisionSubscriptions
from schema.sanctions.mutations import SanctionMutations
from schema.sanctions.queries import SanctionQueries
from schema.screening.queries import ScreeningQueries
from schema.search.queries import SearchQueries
from schema.statements.mutations import StatementMutations
from schema.statements.queries import StatementQueries


@strawberry.type(
    description="Read access to persons, organizations, events, statements, sanctions."
)
class Query(
    NodeQueries,
    ArticleQueries,
    PersonQueries,
    OrganizationQueries,
    EventQueries,
    StatementQueries,
    SanctionQueries,
    SearchQueries,
    ScreeningQueries,
    KeyQueries,
    RevisionQueries,
):
    pass


@strawberry.type(description="Writes: facts, articles and API keys; each kept as a revision.")
class Mutation(
    ArticleMutations,
    PersonMutations,
    OrganizationMutations,
    EventMutations,
    StatementMutations,
    SanctionMutations,
    NodeMutations,
    KeyMutations,
):
    pass


@strawberry.type(description="Changes to the record as they commit, over WebSocket.")
class Subscription(RevisionSubscriptions):
    pass


class DossierSchema(strawberry.Schema):
    def create_extensions_runner(
        self, execution_context: ExecutionContext, extensions: list[SchemaExtension]
    ) -> ExtensionsRunner:
        return ExtensionsRunner(execution_context, extensions)

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Client mistakes are not server errors: schema.errors logs what is unexpected."""


@dataclass(frozen=True)
class Limits:
    """What one request may ask for; the application passes its settings' values in."""

    max_depth: int
    max_aliases: int
    max_tokens: int
    max_cost: int
    introspection: bool = True


def build_schema(limits: Limits | None = None) -> strawberry.Schema:
    """The served schema; without ``limits`` (the SDL export, schema walks in tests) no
    request limits apply, which changes nothing the SDL shows."""
    if limits is None:
        return DossierSchema(
            query=Query,
            mutation=Mutation,
            subscription=Subscription,
            extensions=[ErrorCodes],
            execution_context_class=Executor,
        )
    # Their errors say QUERY_TOO_COMPLEX; every other validation error is invalid GraphQL.
    rules = coded_rules(
        limit_rules(max_depth=limits.max_depth, max_aliases=limits.max_aliases), QUERY_TOO_COMPLEX
    )
    if not limits.introspection:
        rules.append(NoSchemaIntrospectionCustomRule)
    extensions: list[type[SchemaExtension] | Callable[[], SchemaExtension]] = [
        parser_extension(max_tokens=limits.max_tokens),
        validation_extension(rules),
        ErrorCodes,
        Admission,
        ProjectSelectedFields,
        admission_extension(max_cost=limits.max_cost),  # the cost limit, then the gate
        RefuseSubscriptions,  # last: it sees what those before it refused
    ]
    return DossierSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=extensions,
        execution_context_class=Executor,
    )

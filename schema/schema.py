"""The root Query, composed from the domains, and the schema built from it."""

from __future__ import annotations

from collections.abc import Callable

import strawberry
from graphql import GraphQLError, NoSchemaIntrospectionCustomRule
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext

from api.settings import Settings
from schema.articles.queries import ArticleQueries
from schema.caching import parser_extension, validation_extension
from schema.common.projection import ProjectSelectedFields
from schema.errors import ErrorCodes
from schema.events.queries import EventQueries
from schema.limits import cost_extension, limit_rules
from schema.node.queries import NodeQueries
from schema.organizations.queries import OrganizationQueries
from schema.persons.queries import PersonQueries
from schema.readiness import RequireReadyDatabase
from schema.sanctions.queries import SanctionQueries
from schema.search.queries import SearchQueries
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
):
    pass


class DossierSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Client mistakes are not server errors: schema.errors logs what is unexpected."""


def build_schema(settings: Settings | None = None) -> strawberry.Schema:
    settings = settings or Settings()
    rules = limit_rules(max_depth=settings.max_query_depth, max_aliases=settings.max_aliases)
    if not settings.introspection:
        rules.append(NoSchemaIntrospectionCustomRule)
    extensions: list[type[SchemaExtension] | Callable[[], SchemaExtension]] = [
        parser_extension(max_tokens=settings.max_query_tokens),
        validation_extension(rules),
        ErrorCodes,
        RequireReadyDatabase,
        ProjectSelectedFields,
        cost_extension(max_cost=settings.max_query_cost),
    ]
    return DossierSchema(query=Query, extensions=extensions)

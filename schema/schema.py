"""The root Query, composed from the domains, and the schema built from it."""

from __future__ import annotations

from collections.abc import Callable

import strawberry
from strawberry.extensions import SchemaExtension
from strawberry.extensions.disable_introspection import DisableIntrospection

from schema.articles.queries import ArticleQueries
from schema.errors import ErrorCodes
from schema.events.queries import EventQueries
from schema.node.queries import NodeQueries
from schema.organizations.queries import OrganizationQueries
from schema.persons.queries import PersonQueries
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


def build_schema(*, introspection: bool = True) -> strawberry.Schema:
    extensions: list[type[SchemaExtension] | Callable[[], SchemaExtension]] = [ErrorCodes]
    if not introspection:
        extensions.append(DisableIntrospection)
    return strawberry.Schema(query=Query, extensions=extensions)

"""Fail fast while the database is not ready, instead of waiting on every request."""

from __future__ import annotations

from collections.abc import Iterator

from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from schema.common.errors import SERVICE_UNAVAILABLE


class RequireReadyDatabase(SchemaExtension):
    """Also answers a request its context refused (``schema.keys.authentication``): one
    hook for both, as every hook costs every request."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        request = getattr(context.context, "request", None)
        ready = getattr(request.app.state, "database_ready", True) if request else True
        if context.result is None:
            error = getattr(context.context, "refusal", None)
            if not ready:
                error = GraphQLError(
                    "The database is not available yet; try again shortly.",
                    extensions={"code": SERVICE_UNAVAILABLE},
                )
            if error is not None:
                context.result = GraphQLExecutionResult(data=None, errors=[error])
        yield

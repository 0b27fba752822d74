"""Requests that may not run at all, answered before any field does: one hook for all,
as every hook costs every request."""

from __future__ import annotations

from collections.abc import Iterator

import orjson
from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from schema.common.errors import REQUEST_TOO_LARGE, SERVICE_UNAVAILABLE


class Admission(SchemaExtension):
    """Refuses, in this order: any request while the database is not ready (fail fast
    instead of waiting on it); one its context refused (``schema.keys.authentication``);
    a query or subscription sending the larger variables only mutations may send (room a
    key holder gets for an article's body)."""

    def on_execute(self) -> Iterator[None]:
        execution = self.execution_context
        context = execution.context
        request = getattr(context, "request", None)
        ready = getattr(request.app.state, "database_ready", True) if request else True
        if execution.result is None:
            error = getattr(context, "refusal", None)
            if not ready:
                error = GraphQLError(
                    "The database is not available yet; try again shortly.",
                    extensions={"code": SERVICE_UNAVAILABLE},
                )
            elif error is None and _oversized(
                execution.operation_type, context, execution.variables
            ):
                limit = context.max_variables_bytes
                error = GraphQLError(
                    f"Variables larger than {limit} bytes: only mutations may send more.",
                    extensions={"code": REQUEST_TOO_LARGE},
                )
            if error is not None:
                execution.result = GraphQLExecutionResult(data=None, errors=[error])
        yield


def _oversized(operation: OperationType, context: object, variables: object) -> bool:
    """Only a key holder's request can carry more than the usual variables (``api``)."""
    if operation is OperationType.MUTATION or getattr(context, "authorization", None) is None:
        return False
    limit: int = getattr(context, "max_variables_bytes", 0)
    return bool(variables) and len(orjson.dumps(variables)) > limit

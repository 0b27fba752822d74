"""Requests that may not run at all, answered before any field does: one hook for all,
as every hook costs every request."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

import orjson
from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from schema.common.errors import REQUEST_TOO_LARGE, SERVICE_UNAVAILABLE


class Breaker(Protocol):
    """The application's circuit breaker (``api.breaker``), on ``app.state.breaker``."""

    retry_after_s: int

    @property
    def open(self) -> bool: ...

    def trip(self, reason: str) -> None: ...


def breaker_of(context: object) -> Breaker | None:
    request = getattr(context, "request", None)
    breaker: Breaker | None = getattr(request.app.state, "breaker", None) if request else None
    return breaker


def out_of_reach(context: object) -> bool:
    """Whether the request must not ask the database anything: it is not prepared yet,
    or the breaker is open."""
    request = getattr(context, "request", None)
    ready = getattr(request.app.state, "database_ready", True) if request else True
    breaker = breaker_of(context)
    return not ready or (breaker is not None and breaker.open)


def retry_later(context: object, *, unreachable: bool) -> None:
    """The request was answered ``SERVICE_UNAVAILABLE``: tell the client when to try
    again (HTTP ``Retry-After``). When the database could not be reached (``unreachable``)
    and the request was not refused for that already, trip the breaker: the next
    requests fail at once."""
    breaker = breaker_of(context)
    if breaker is None:
        return
    if unreachable and not out_of_reach(context):
        breaker.trip("a request could not reach it")
    response = getattr(context, "response", None)
    if response is not None:
        response.headers["Retry-After"] = str(breaker.retry_after_s)


class Admission(SchemaExtension):
    """Refuses, in this order: any request while the database is not ready or out of
    reach (the breaker is open: fail fast instead of waiting on it); one its context
    refused (``schema.keys.authentication``); a query or subscription sending the larger
    variables only mutations may send (room a key holder gets for an article's body)."""

    def on_execute(self) -> Iterator[None]:
        execution = self.execution_context
        context = execution.context
        if execution.result is None:
            error = getattr(context, "refusal", None)
            if out_of_reach(context):
                error = GraphQLError(
                    "The database is not available; try again shortly.",
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

"""Refuse a request whose key is not in force, or without a key when reads need one,
before any field runs (mutations check their role per field: ``permissions``)."""

from __future__ import annotations

from collections.abc import AsyncIterator

from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import GraphQLError
from pymongo.errors import PyMongoError
from strawberry.extensions import SchemaExtension

from schema.common.errors import Unauthenticated
from schema.context import Context
from schema.keys.permissions import NEEDS_KEY
from schema.keys.store import UnknownKey


class Authenticate(SchemaExtension):
    async def on_execute(self) -> AsyncIterator[None]:
        execution = self.execution_context
        context = execution.context
        if (
            isinstance(context, Context)
            and execution.result is None
            and (context.authorization is not None or context.reads_require_key)
        ):
            error = await _refusal(context)
            if error is not None:
                execution.result = GraphQLExecutionResult(data=None, errors=[error])
        yield


async def _refusal(context: Context) -> GraphQLError | None:
    try:
        caller = await context.caller()
    except UnknownKey:
        return Unauthenticated("The API key is not valid (unknown or revoked).")
    except PyMongoError as error:  # classified (and logged) as every database error is
        return GraphQLError("The API key could not be checked.", original_error=error)
    if caller.name is None and context.reads_require_key:
        return Unauthenticated(NEEDS_KEY)
    return None

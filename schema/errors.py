"""Every error leaves with an ``extensions.code``; unexpected ones leave masked.

An exception that is not one of ours (a driver error, a bug) is logged in full
under the request id, and the client gets a generic message with that id, never
a stack trace or driver internals.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from graphql import GraphQLError
from pymongo.errors import ConnectionFailure, PyMongoError, ServerSelectionTimeoutError
from strawberry.extensions import SchemaExtension

from schema.common.errors import (
    BAD_USER_INPUT,
    GRAPHQL_PARSE_FAILED,
    GRAPHQL_VALIDATION_FAILED,
    INTERNAL_SERVER_ERROR,
    QUERY_TOO_COMPLEX,
    SERVICE_UNAVAILABLE,
    TIMEOUT,
)

logger = logging.getLogger("dossier.errors")


# graphql-core's words for a variable whose value cannot be used (as opposed to a
# document that misuses a variable, which is a validation error).
_BAD_VARIABLE_VALUE = (" invalid value", " was not provided", " must not be null")


# What Strawberry's depth and alias limiters and graphql-core's token limit say.
_LIMIT_WORDS = (
    "exceeds maximum operation depth",
    "aliases found. Allowed",
    "Document contains more than",
)


def _is_bad_variable_value(error: GraphQLError) -> bool:
    if error.path is not None or not error.message.startswith("Variable '$"):
        return False
    # A coercion error wraps the scalar's own error; validation errors wrap nothing.
    coerced = isinstance(error.original_error, GraphQLError)
    return coerced or any(words in error.message for words in _BAD_VARIABLE_VALUE)


def _request_id(context: object) -> str | None:
    return getattr(context, "request_id", None)


def _with_code(
    error: GraphQLError, code: str, message: str | None = None, **extra: object
) -> GraphQLError:
    return GraphQLError(
        message if message is not None else error.message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=None,
        extensions={**(error.extensions or {}), "code": code, **extra},
    )


def classify(error: GraphQLError, request_id: str | None) -> GraphQLError:
    original = error.original_error
    if error.extensions and "code" in error.extensions:
        return error
    if _is_bad_variable_value(error):
        return _with_code(error, BAD_USER_INPUT)
    if error.path is None and any(words in error.message for words in _LIMIT_WORDS):
        return _with_code(error, QUERY_TOO_COMPLEX)
    if isinstance(original, GraphQLError) and original.extensions and "code" in original.extensions:
        return _with_code(error, str(original.extensions["code"]), original.message)
    if original is None:
        if error.message.startswith("Syntax Error"):
            return _with_code(error, GRAPHQL_PARSE_FAILED)
        return _with_code(error, GRAPHQL_VALIDATION_FAILED)
    unreachable = isinstance(original, ServerSelectionTimeoutError) or (
        isinstance(original, ConnectionFailure) and not original.timeout
    )
    if isinstance(original, PyMongoError) and original.timeout and not unreachable:
        logger.warning("database timeout (request %s) at %s: %s", request_id, error.path, original)
        return _with_code(
            error, TIMEOUT, "The database did not answer in time.", requestId=request_id
        )
    if unreachable:
        logger.warning("database unavailable (request %s): %s", request_id, original)
        return _with_code(
            error,
            SERVICE_UNAVAILABLE,
            "The database is unavailable; try again shortly.",
            requestId=request_id,
        )
    logger.error("unexpected error (request %s) at %s", request_id, error.path, exc_info=original)
    return _with_code(error, INTERNAL_SERVER_ERROR, "Unexpected error.", requestId=request_id)


class ErrorCodes(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        yield
        context = self.execution_context
        result = context.result
        if result is not None and result.errors:
            request_id = _request_id(context.context)
            result.errors = [classify(error, request_id) for error in result.errors]
        # What ran and how it ended, for the access log and the metrics (api.observability).
        request = getattr(context.context, "request", None)
        if request is not None:
            try:
                operation = context.operation_name
            except RuntimeError:  # no operation of that name in the document
                operation = None
            request.state.operation = operation or "anonymous"
            request.state.error_codes = (
                [str((error.extensions or {}).get("code")) for error in (result.errors or [])]
                if result is not None
                else []
            )

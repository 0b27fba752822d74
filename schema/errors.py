"""Every error leaves with an ``extensions.code``; unexpected ones leave masked.

The code is decided by the step that failed and by the exception, or the rule, that
failed it; never by the words of a message, which a library upgrade may change:

- parsing: ``QUERY_TOO_COMPLEX`` when the parser's token limit stopped it (its own token
  count says so), else ``GRAPHQL_PARSE_FAILED``;
- validation: the code the rule gave its error (``coded_rules``: the schema wraps the
  depth and alias limits so that theirs say ``QUERY_TOO_COMPLEX``), else
  ``GRAPHQL_VALIDATION_FAILED``;
- execution: an error that carries a code keeps it (``UserInputError`` and the other
  ``CodedError``, the cost limit, the admission check). Before any field runs, graphql-core
  checks the variables: a value that does not fit its type (the error wraps the type's
  own) is ``BAD_USER_INPUT``, what refuses the request as a whole (too many bad values)
  ``GRAPHQL_VALIDATION_FAILED``. A field's failure goes by the exception it raised: a
  database timeout ``TIMEOUT``, a database out of reach ``SERVICE_UNAVAILABLE``, anything
  else ``INTERNAL_SERVER_ERROR``.

A ``SERVICE_UNAVAILABLE`` answer carries an HTTP ``Retry-After``; when the database could
not be reached at all, it also trips the circuit breaker (``api.breaker``), so that the
next requests fail at once.

An exception that is not one of ours (a driver error, a bug) is logged in full under the
request id, and the client gets a generic message with that id, never a stack trace or
driver internals.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable, Iterable, Iterator
from typing import Any, cast

from graphql import (
    ASTValidationRule,
    GraphQLError,
    GraphQLSyntaxError,
    Lexer,
    Source,
    Token,
    TokenKind,
)
from graphql.language.parser import Parser
from graphql.validation import ASTValidationContext
from pymongo.errors import (
    ConnectionFailure,
    NotPrimaryError,
    PyMongoError,
    ServerSelectionTimeoutError,
)
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext
from strawberry.types.execution import PreExecutionError

from schema.access_log import record_operation
from schema.admission import retry_later
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


class Step(enum.Enum):
    """The step of the operation its errors come from."""

    PARSING = "parsing"
    VALIDATION = "validation"
    EXECUTION = "execution"


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


# -- validation: the rule that reported the error ------------------------------------


class _CodedReports:
    """The validation context as one rule sees it: all of it, except that what the rule
    reports carries ``code``. Rules report through ``context.report_error``, directly or
    through their own ``report_error``; Strawberry's depth and alias limits do so while
    they are constructed."""

    def __init__(self, context: ASTValidationContext, code: str) -> None:
        self._context = context
        self._code = code

    def report_error(self, error: GraphQLError) -> None:
        self._context.report_error(_with_code(error, self._code))

    def on_error(self, error: GraphQLError) -> None:
        self.report_error(error)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._context, name)


def coded_rule(rule: type[ASTValidationRule], code: str) -> type[ASTValidationRule]:
    """``rule``, whose errors carry ``extensions.code`` ``code``.

    A new class: build it once (``coded_rules`` at schema construction), since the
    validation cache's key holds the rule classes.
    """

    def __init__(self: ASTValidationRule, context: ASTValidationContext) -> None:
        rule.__init__(self, cast(Any, _CodedReports(context, code)))

    return cast(
        "type[ASTValidationRule]",
        type(rule.__name__, (rule,), {"__init__": __init__, "__doc__": rule.__doc__}),
    )


def coded_rules(
    rules: Iterable[type[ASTValidationRule]], code: str
) -> list[type[ASTValidationRule]]:
    return [coded_rule(rule, code) for rule in rules]


# -- parsing: the token limit or the grammar ------------------------------------------


def _comment_at(lexer: Lexer, position: int) -> bool:
    token: Token | None = lexer.token
    while token is not None:
        if token.kind is TokenKind.COMMENT and token.start == position:
            return True
        token = token.next
    return False


def stopped_by_token_limit(query: str, max_tokens: int | None, error: GraphQLError) -> bool:
    """Whether ``error``, raised parsing ``query`` with ``max_tokens``, is the token limit
    rather than a syntax error.

    The parse is run again, with a parser and a lexer we can look at once they have
    stopped where ``error`` says they did. The parser counts the tokens it consumes
    (comments included) and stops as soon as it has one too many; the lexer also stops
    in the middle of a run of comments that would exceed the limit, on the comment
    itself, where no syntax error ever points. Only a failed parse is run again, and no
    further than the limit lets it go.
    """
    if max_tokens is None or not error.positions:
        return False
    position = list(error.positions)
    source = Source(query)
    lexer = Lexer(source)
    parser = Parser(source, max_tokens=max_tokens, lexer=lexer)
    try:
        parser.parse_document()
    except GraphQLSyntaxError as again:
        if list(again.positions or ()) != position:  # not the failure the client got
            return False
        return parser.token_count > max_tokens or _comment_at(lexer, position[0])
    except RecursionError:  # graphql-core reports "nested too deeply", a syntax error
        return False
    return False


# -- every error ----------------------------------------------------------------------


def _database_or_internal(
    error: GraphQLError, original: Exception | None, request_id: str | None
) -> GraphQLError:
    """An error no client mistake explains, by the exception that caused it."""
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


def classify(
    error: GraphQLError,
    step: Step,
    request_id: str | None,
    token_limit: Callable[[GraphQLError], bool] | None = None,
) -> GraphQLError:
    """``error`` with its code. ``token_limit`` tells whether a syntax error is the token
    limit (``stopped_by_token_limit`` for the request's query); without it, none is."""
    original = error.original_error
    if error.extensions and "code" in error.extensions:
        return error
    if isinstance(original, GraphQLError) and original.extensions and "code" in original.extensions:
        return _with_code(error, str(original.extensions["code"]), original.message)  # its cause's
    if step is Step.PARSING:
        if not isinstance(error, GraphQLSyntaxError):  # the parser itself broke
            return _database_or_internal(error, original, request_id)
        too_many = token_limit is not None and token_limit(error)
        return _with_code(error, QUERY_TOO_COMPLEX if too_many else GRAPHQL_PARSE_FAILED)
    if step is Step.VALIDATION:
        return _with_code(error, GRAPHQL_VALIDATION_FAILED)
    if error.path is None and original is None:  # graphql-core refusing the request whole
        return _with_code(error, GRAPHQL_VALIDATION_FAILED)
    if error.path is None and isinstance(original, GraphQLError):  # a variable's value
        return _with_code(error, BAD_USER_INPUT)
    return _database_or_internal(error, original, request_id)


class ErrorCodes(SchemaExtension):
    """Gives every error of the operation its code once the operation has ended, and
    leaves the operation's name and codes for the access log (``schema.access_log``).

    One hook: every hook an extension has costs every request a little, whether or not it
    has anything to do. The step the errors come from is read from what the operation
    left: no document, parsing failed; a ``PreExecutionError``, which Strawberry answers
    when it stops before execution, validation refused the document; else execution.
    """

    def on_operation(self) -> Iterator[None]:
        yield
        context = self.execution_context
        result = context.result
        if result is not None and result.errors:
            step = _failed_step(context)
            request_id: str | None = getattr(context.context, "request_id", None)
            query = context.query or ""
            max_tokens = context.parse_options.get("max_tokens")

            def token_limit(error: GraphQLError) -> bool:
                return stopped_by_token_limit(query, max_tokens, error)

            unreachable = any(_unreachable(e.original_error) for e in result.errors)
            result.errors = [classify(e, step, request_id, token_limit) for e in result.errors]
            if any(_code(e) == SERVICE_UNAVAILABLE for e in result.errors):
                retry_later(context.context, unreachable=unreachable)
        record_operation(context)


def _unreachable(error: Exception | None) -> bool:
    """The database could not be reached at all, as opposed to answering that it cannot
    serve (``NotPrimaryError``: shutting down, stepped down), which trips no breaker."""
    return isinstance(error, ServerSelectionTimeoutError) or (
        isinstance(error, ConnectionFailure)
        and not error.timeout
        and not isinstance(error, NotPrimaryError)
    )


def _code(error: GraphQLError) -> object:
    return (error.extensions or {}).get("code")


def _failed_step(context: ExecutionContext) -> Step:
    if context.graphql_document is None:
        return Step.PARSING
    if isinstance(context.result, PreExecutionError):
        return Step.VALIDATION
    return Step.EXECUTION

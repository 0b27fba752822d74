"""Parse and validate each distinct document once: clients send the same few again and again.

Both caches are bounded LRUs shared by every request (a flood of distinct documents only
evicts). Strawberry has extensions for both, but its parser cache raises a syntax error
from inside its hook, past the extensions that give errors their codes, and every
extension costs each request a little: parsing here includes the token limit, and
validation adds the schema's extra rules (depth, aliases, introspection) itself.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator, Sequence

from graphql import ASTValidationRule, DocumentNode, GraphQLError, OperationDefinitionNode, parse
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document
from strawberry.types.graphql import OperationType

DOCUMENT_CACHE_SIZE = 256

_parse: Callable[..., DocumentNode] = functools.lru_cache(maxsize=DOCUMENT_CACHE_SIZE)(parse)
_validate = functools.lru_cache(maxsize=DOCUMENT_CACHE_SIZE)(validate_document)


class CachedParser(SchemaExtension):
    """A document that fails to parse is left to Strawberry, whose own parse then raises
    where its errors are handled like every other error."""

    def __init__(self, max_tokens: int) -> None:
        self.max_tokens = max_tokens

    def on_operation(self) -> Iterator[None]:
        self.execution_context.parse_options["max_tokens"] = self.max_tokens
        yield

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if context.query and context.graphql_document is None:
            with contextlib.suppress(GraphQLError):
                context.graphql_document = _parse(context.query, **context.parse_options)
        yield


class CachedValidation(SchemaExtension):
    """GraphQL's rules and ``rules``, the result cached by document (and rules, which are
    the same objects on every request: built once, in ``validation_extension``)."""

    def __init__(self, rules: tuple[type[ASTValidationRule], ...]) -> None:
        self.rules = rules

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        context.validation_rules = (*context.validation_rules, *self.rules)
        if context.graphql_document is not None:
            context.pre_execution_errors = _validate(
                context.schema._schema, context.graphql_document, context.validation_rules
            )
        yield


def parser_extension(max_tokens: int) -> Callable[[], SchemaExtension]:
    return functools.partial(CachedParser, max_tokens=max_tokens)


def validation_extension(rules: Sequence[type[ASTValidationRule]]) -> Callable[[], SchemaExtension]:
    return functools.partial(CachedValidation, rules=tuple(rules))


def operation_of(
    query: str, operation_name: str | None, max_tokens: int
) -> tuple[OperationType, str | None] | None:
    """The request's operation, its type and name, from the document parsed (once) as
    above; None when it does not parse or holds no such operation."""
    try:
        document = _parse(query, max_tokens=max_tokens)
    except GraphQLError:
        return None
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode) and (
            operation_name is None or (definition.name and definition.name.value == operation_name)
        ):
            name = definition.name.value if definition.name else None
            return OperationType(definition.operation.value), name
    return None

"""Parse and validate each distinct document once: clients send the same few again and again.

Both caches are bounded LRUs shared by every request (a flood of distinct documents only
evicts). Validation is Strawberry's ``ValidationCache``, keyed by the document and the
rules (so the rules must be the same objects on every request: see ``schema.limits``).
Parsing is our own: Strawberry's ``ParserCache`` raises a syntax error from inside its
hook, past the extensions that give errors their codes.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator

from graphql import DocumentNode, GraphQLError, parse
from strawberry.extensions import SchemaExtension, ValidationCache

DOCUMENT_CACHE_SIZE = 256

_parse: Callable[..., DocumentNode] = functools.lru_cache(maxsize=DOCUMENT_CACHE_SIZE)(parse)


class CachedParser(SchemaExtension):
    """A document that fails to parse is left to Strawberry, whose own parse then raises
    where its errors are handled like every other error."""

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if context.query and context.graphql_document is None:
            with contextlib.suppress(GraphQLError):
                context.graphql_document = _parse(context.query, **context.parse_options)
        yield


def cache_extensions() -> list[Callable[[], SchemaExtension]]:
    return [CachedParser, functools.partial(ValidationCache, maxsize=DOCUMENT_CACHE_SIZE)]

"""Error codes clients can branch on, carried in ``extensions.code``."""

from __future__ import annotations

from graphql import GraphQLError

BAD_USER_INPUT = "BAD_USER_INPUT"
GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"
SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
OVERLOADED = "OVERLOADED"  # refused by admission control: too much work in flight
TIMEOUT = "TIMEOUT"
QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX"
UNAUTHENTICATED = "UNAUTHENTICATED"
FORBIDDEN = "FORBIDDEN"
REQUEST_TOO_LARGE = "REQUEST_TOO_LARGE"
# Persisted queries (``schema.persisted``): Apollo's codes, which its clients act on.
PERSISTED_QUERY_NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
PERSISTED_QUERY_NOT_SUPPORTED = "PERSISTED_QUERY_NOT_SUPPORTED"
PERSISTED_QUERY_HASH_MISMATCH = "PERSISTED_QUERY_HASH_MISMATCH"
DOCUMENT_NOT_TRUSTED = "DOCUMENT_NOT_TRUSTED"
# A subscription sent over HTTP: it is served over WebSocket only (``api.live``).
SUBSCRIPTION_NEEDS_WEBSOCKET = "SUBSCRIPTION_NEEDS_WEBSOCKET"


class CodedError(GraphQLError):
    code = INTERNAL_SERVER_ERROR

    def __init__(self, message: str, **extensions: object) -> None:
        super().__init__(message, extensions={"code": self.code, **extensions})


class SubscriptionNeedsWebSocket(CodedError):
    code = SUBSCRIPTION_NEEDS_WEBSOCKET


class UserInputError(CodedError):
    """The request is well-formed GraphQL but an argument value is unusable."""

    code = BAD_USER_INPUT


class Unauthenticated(CodedError):
    """No key, or a key the server does not know (or has revoked), where one is needed."""

    code = UNAUTHENTICATED


class Forbidden(CodedError):
    """A known key whose role is too low for what it asks."""

    code = FORBIDDEN

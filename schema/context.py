"""The per-request context: database handle, settings and fresh loaders."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeAlias

import strawberry
from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket

from model.store import Database
from schema.common.projection import Reads
from schema.keys.store import identify
from schema.keys.types import ANONYMOUS, Caller
from schema.loaders import Loaders


@dataclass
class Context:
    request: Request | WebSocket
    response: Response | WebSocket | None
    db: Database
    request_id: str
    authorization: str | None = field(default=None, repr=False)  # holds the secret
    reads_require_key: bool = False
    max_article_chars: int = 200_000  # Settings.max_article_chars
    max_variables_bytes: int = 20_000  # Settings.max_variables_bytes, for all but mutations
    refusal: GraphQLError | None = None  # why the request may not be answered at all
    # A WebSocket's ``connection_init`` payload (Strawberry sets it): its Authorization.
    connection_params: dict[str, object] | None = field(default=None, repr=False)
    reads: Reads = field(init=False)
    loaders: Loaders = field(init=False)
    _caller: Caller | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        self.reads = Reads()
        # Fresh per request: a loader's cache must never outlive the request it serves.
        self.loaders = Loaders(self.db, self.reads)

    @property
    def known_caller(self) -> Caller | None:
        """The caller, if no database read is needed to know it: anonymous, or a key
        already looked up (``schema.keys.authentication`` does, for every key)."""
        return ANONYMOUS if self.authorization is None else self._caller

    def authorize(self, authorization: str) -> None:
        """Take the key a WebSocket sends in ``connection_init``, checked anew."""
        self.authorization = authorization
        self.refusal = None
        self._caller = None

    async def caller(self) -> Caller:
        """Who sent the request, looked up once; ``UnknownKey`` for a key not in force."""
        if self._caller is None:
            self._caller = await identify(self.db, self.authorization)
        return self._caller


Info: TypeAlias = strawberry.Info[Context, None]

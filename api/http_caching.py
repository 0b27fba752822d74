"""Which answers may be cached, and the HTTP caching headers of GET queries.

Cacheable: a query (never a mutation) from an anonymous caller or a READER key (never an
editor's or an admin's), answered without errors, while the database is in reach and the
record's revision is known within the staleness bound (``api.revision_watch``). Such a
GET answer carries an ``ETag`` derived from the revision, the schema and the question,
so an ``If-None-Match`` that still matches is answered 304 without running the query;
the in-process ``ResponseCache`` answers the same question again without running it.
Every other GET answer says ``Cache-Control: no-store``; every GET answer varies by
``Authorization``.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response
from strawberry.http import GraphQLRequestData
from strawberry.types.graphql import OperationType

from api.response_cache import CacheKey, ResponseCache
from api.revision_watch import RevisionWatch
from schema.admission import out_of_reach
from schema.caching import operation_of
from schema.context import Context
from schema.keys.types import Caller, Role

# A GET answer depends on the key sent, and a browser asking for HTML gets GraphiQL instead.
VARY = "Authorization, Accept"


@dataclass(frozen=True)
class Plan:
    """A cacheable question at the revision current when it came."""

    key: CacheKey
    revision: int
    fingerprint: str
    cache: ResponseCache

    @functools.cached_property
    def etag(self) -> str:
        return self.key.etag(self.revision, self.fingerprint)

    def not_modified(self, if_none_match: str | None) -> bool:
        """Only a tag this server gave a successful answer matches: not ``*``, which
        would 304 a document that fails, never having been answered."""
        if not if_none_match:
            return False
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return self.etag.removeprefix("W/") in tags

    def cached(self, *, count_miss: bool = True) -> bytes | None:
        if not self.cache.enabled:
            return None
        return self.cache.get(self.key, self.revision, count_miss=count_miss)

    def keep(self, data: bytes) -> None:
        """Kept under the revision read before the query ran: its answer is at least
        that recent, and is dropped once the revision moves."""
        if self.cache.enabled:
            self.cache.put(self.key, self.revision, data)


class HttpCaching:
    def __init__(
        self, cache: ResponseCache, *, headers: bool, schema_sdl: str, max_tokens: int
    ) -> None:
        """``schema_sdl``: the schema and whatever else decides answers (the limits),
        so that an ETag from before a change of either no longer matches."""
        self.cache = cache
        self.headers = headers
        self.fingerprint = hashlib.sha256(schema_sdl.encode()).hexdigest()[:16]
        self.max_tokens = max_tokens

    def plan(
        self, request: Request, context: Context, data: GraphQLRequestData, *, get: bool
    ) -> Plan | None:
        caller = context.known_caller
        if caller is None or context.refusal is not None or out_of_reach(context):
            return None
        return self.plan_for(request, caller, data, get=get)

    def plan_for(
        self, request: Request, caller: Caller, data: GraphQLRequestData, *, get: bool
    ) -> Plan | None:
        """For a caller known to be let in, while the database is in reach."""
        if not (self.cache.enabled or (get and self.headers)) or data.query is None:
            return None
        watch: RevisionWatch | None = getattr(request.app.state, "revisions", None)
        if watch is None or caller.role is not Role.READER:
            return None
        revision = watch.current
        if revision is None:
            return None
        key = CacheKey.of(data.query, data.operation_name, data.variables, caller.name, "READER")
        return Plan(key, revision, self.fingerprint, self.cache)

    def operation_of(self, data: GraphQLRequestData) -> tuple[OperationType, str | None] | None:
        if data.query is None:
            return None
        return operation_of(data.query, data.operation_name, self.max_tokens)

    def wrote(self, request: Request) -> None:
        """A mutation ran here: nothing cached counts until the revision is read again."""
        watch: RevisionWatch | None = getattr(request.app.state, "revisions", None)
        if watch is not None:
            watch.invalidate()
        self.cache.clear()

    def mark(self, response: Response, plan: Plan, *, keyed: bool) -> None:
        """The headers of a cacheable GET answer (or its 304)."""
        response.headers["Vary"] = VARY
        if not self.headers:
            response.headers["Cache-Control"] = "no-store"
            return
        response.headers["ETag"] = plan.etag
        scope = "private" if keyed else "public"
        response.headers["Cache-Control"] = f"{scope}, no-cache"  # revalidate every time

    def refuse(self, response: Response, *, get: bool) -> None:
        """The headers of any other GET answer."""
        if get:
            response.headers["Vary"] = VARY
            response.headers["Cache-Control"] = "no-store"

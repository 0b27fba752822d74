"""The Strawberry ASGI view, wired to the app's database and per-request context."""

from __future__ import annotations

import uuid
from typing import Any

import orjson
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.http import GraphQLRequestData
from strawberry.http.types import QueryParams

from api.graphiql import graphiql_html
from api.live import LiveView
from api.observability import request_id_of
from schema.context import Context
from schema.keys.authentication import authenticate


class DossierGraphQL(LiveView):
    def __init__(
        self,
        *args: Any,
        max_variables_bytes: int,
        write_allowance_bytes: int,
        max_ws_connections: int = 0,
        max_ws_message_bytes: int = 0,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.max_variables_bytes = max_variables_bytes
        self.write_allowance_bytes = write_allowance_bytes
        self.max_ws_connections = max_ws_connections
        self.max_ws_message_bytes = max_ws_message_bytes

    def decode_json(self, data: str | bytes) -> object:
        return orjson.loads(data)

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)  # several times faster than json on large answers

    def parse_json(self, data: str | bytes) -> Any:
        """A 400, not a 500, for bodies that are not JSON text of an object or a batch."""
        try:
            parsed = self.decode_json(data)
        except ValueError as exc:  # orjson: also lone surrogates, more than 1024 levels
            if "surrogate" in str(exc):  # "\ud800" escapes: text no database can store
                raise HTTPException(
                    400, "The request body holds text that is not Unicode."
                ) from None
            raise HTTPException(400, "The request body is not valid JSON.") from None
        if not isinstance(parsed, dict | list):
            raise HTTPException(400, "The request body must be a JSON object.")
        return parsed

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        """A key holder may send an article's body in the variables of a mutation
        (``schema.admission`` refuses the room to any other operation); others may not."""
        data = await super().parse_http_body(request)
        limit = self.max_variables_bytes
        if request.headers.get("authorization") is not None:
            limit += self.write_allowance_bytes
        for item in data if isinstance(data, list) else [data]:
            if item.variables and len(orjson.dumps(item.variables)) > limit:
                raise HTTPException(413, f"Variables larger than {limit} bytes.")
        return data

    @property
    def graphql_ide_html(self) -> str:
        return graphiql_html()

    def parse_query_params(self, params: QueryParams) -> dict[str, Any]:
        variables = params.get("variables")
        if isinstance(variables, str) and len(variables.encode()) > self.max_variables_bytes:
            raise HTTPException(413, f"Variables larger than {self.max_variables_bytes} bytes.")
        return super().parse_query_params(params)

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        request_id = request_id_of(request.scope) or uuid.uuid4().hex
        context = Context(
            request=request,
            response=response,
            db=request.app.state.db,
            request_id=request_id,
            authorization=request.headers.get("authorization"),
            reads_require_key=request.app.state.settings.reads_require_key,
            max_article_chars=request.app.state.settings.max_article_chars,
            max_variables_bytes=request.app.state.settings.max_variables_bytes,
        )
        return await authenticate(context)

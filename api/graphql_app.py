"""The Strawberry ASGI view, wired to the app's database and per-request context."""

from __future__ import annotations

import uuid

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from api.graphiql import graphiql_html
from schema.context import Context


class DossierGraphQL(GraphQL[Context, None]):
    @property
    def graphql_ide_html(self) -> str:
        return graphiql_html()

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        request_id = request.headers.get("x-request-id", "")[:64] or uuid.uuid4().hex
        return Context(
            request=request, response=response, db=request.app.state.db, request_id=request_id
        )

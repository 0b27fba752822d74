"""The Strawberry ASGI view, wired to the app's database and per-request context."""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any, cast

import orjson
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.http import GraphQLRequestData
from strawberry.http.base import BaseRequestProtocol
from strawberry.http.types import QueryParams
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType
from strawberry.types.unset import UNSET, UnsetType

from api.cached_answers import cached_answer
from api.graphiql import graphiql_html
from api.http_caching import HttpCaching
from api.live import LiveView
from api.observability import request_id_of
from schema.access_log import record_answer
from schema.common.errors import CodedError, SubscriptionNeedsWebSocket
from schema.context import Context
from schema.keys.authentication import authenticate
from schema.persisted import PersistedQueries


class DossierGraphQL(LiveView):
    def __init__(
        self,
        *args: Any,
        max_variables_bytes: int,
        write_allowance_bytes: int,
        persisted: PersistedQueries,
        caching: HttpCaching,
        max_ws_connections: int = 0,
        max_ws_message_bytes: int = 0,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.max_variables_bytes = max_variables_bytes
        self.write_allowance_bytes = write_allowance_bytes
        self.persisted = persisted
        self.caching = caching
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

    async def run(  # type: ignore[override]
        self,
        request: Request | WebSocket,
        context: Context | UnsetType = UNSET,
        root_value: UnsetType | None = UNSET,
    ) -> Response | WebSocket:
        if (
            isinstance(request, Request)
            and context is UNSET
            and not self.should_render_graphql_ide(request)  # type: ignore[arg-type]
        ):
            answer = await cached_answer(
                request,
                persisted=self.persisted,
                caching=self.caching,
                max_variables_bytes=self.max_variables_bytes,
            )
            if answer is not None:
                return answer
        return await super().run(request, context, root_value)  # type: ignore[arg-type]

    def should_render_graphql_ide(self, request: BaseRequestProtocol) -> bool:
        """GraphiQL for a browser opening ``/graphql``, also with a query for it to hold
        (the pages' "open this query in GraphiQL" links); not for a persisted query sent
        by GET, which has no ``query`` either. Clients asking for JSON get the answer."""
        if request.method != "GET" or "extensions" in request.query_params:
            return False
        if self.graphql_ide and "text/html" in request.headers.get("accept", ""):
            return True
        return super().should_render_graphql_ide(request)

    async def execute_single(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        """The document a persisted query names, then the answer from cache when it may
        be (``api.http_caching``), else run."""
        get = request_adapter.method == "GET"
        try:
            query = self.persisted.resolve(request_data.query, request_data.extensions)
        except CodedError as error:
            self.caching.refuse(sub_response, get=get)
            record_answer(request, request_data.operation_name, [str(error.code)])
            return ExecutionResult(data=None, errors=[error])
        if query is not request_data.query:
            request_data = dataclasses.replace(request_data, query=query)
        found = self.caching.operation_of(request_data)
        if found is not None and found[0] is OperationType.SUBSCRIPTION:
            # graphql-core would run it as a query, and fail on its stream of events.
            self.caching.refuse(sub_response, get=get)
            sub_response.status_code = 400
            refusal = SubscriptionNeedsWebSocket(
                "Subscriptions are served over WebSocket on /graphql (graphql-transport-ws)."
            )
            record_answer(request, found[1], [str(refusal.code)])
            return ExecutionResult(data=None, errors=[refusal])
        plan = self.caching.plan(request, context, request_data, get=get)
        if plan is not None:
            answer: ExecutionResult | None = None
            if (
                get
                and self.caching.headers
                and plan.not_modified(request_adapter.headers.get("if-none-match"))
            ):
                sub_response.status_code = 304
                answer = ExecutionResult(data=None, errors=None)
            elif (cached := plan.cached()) is not None:
                # The encoded answer goes out as it is: orjson writes a Fragment verbatim.
                answer = ExecutionResult(data=cast("Any", orjson.Fragment(cached)), errors=None)
            if answer is not None:
                if get:
                    self.caching.mark(sub_response, plan, keyed=context.authorization is not None)
                record_answer(request, found[1] if found else None, [])
                return answer
        result = await super().execute_single(
            request=request,
            request_adapter=request_adapter,
            sub_response=sub_response,
            context=context,
            root_value=root_value,
            request_data=request_data,
        )
        operation = found[0] if found else None
        if operation is OperationType.MUTATION:
            self.caching.wrote(request)
        kept = (
            plan is not None
            and operation is OperationType.QUERY
            and not result.errors
            and not result.extensions
            and result.data is not None
        )
        if kept and plan is not None:
            encoded = orjson.dumps(result.data)
            plan.keep(encoded)
            result.data = cast("Any", orjson.Fragment(encoded))  # sent as kept: encoded once
            if get:
                self.caching.mark(sub_response, plan, keyed=context.authorization is not None)
        else:
            self.caching.refuse(sub_response, get=get)
        return result

    def create_response(self, response_data: Any, sub_response: Response) -> Response:
        if sub_response.status_code == 304:  # Not Modified: the headers, no body
            return Response(status_code=304, headers=dict(sub_response.headers))
        return super().create_response(response_data, sub_response)

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

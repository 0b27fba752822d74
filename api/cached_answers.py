"""Anonymous reads answered from cache before Strawberry's view handles the request.

An answer from cache costs little next to what the view does for every request (the
context, the body read through its adapters, the result encoded again), so for anonymous
callers, whom most reads come from, the answer is looked for first. Whatever this is not
sure of (a key, a body it cannot read, a document it may not run, a miss) it leaves to the
view, which answers as always: it reports the errors, and looks a miss up again, keeping
the answer once it has run.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response
from strawberry.http import GraphQLRequestData

from api.http_caching import HttpCaching
from schema.access_log import record_answer
from schema.admission import out_of_reach
from schema.common.errors import CodedError
from schema.keys.types import ANONYMOUS
from schema.persisted import PersistedQueries


async def cached_answer(
    request: Request,
    *,
    persisted: PersistedQueries,
    caching: HttpCaching,
    max_variables_bytes: int,
) -> Response | None:
    """The response, if an anonymous request's answer is in cache (or unchanged: 304)."""
    if "authorization" in request.headers or request.app.state.settings.reads_require_key:
        return None
    try:
        data = await _request_data(request, max_variables_bytes)
    except ValueError:  # not JSON: the view says so
        return None
    if data is None:
        return None
    try:
        data.query = persisted.resolve(data.query, data.extensions)
    except CodedError:
        return None
    get = request.method == "GET"
    if out_of_reach(SimpleNamespace(request=request)):
        return None
    plan = caching.plan_for(request, ANONYMOUS, data, get=get)
    if plan is None:
        return None
    if get and caching.headers and plan.not_modified(request.headers.get("if-none-match")):
        response = Response(status_code=304)
    else:
        cached = plan.cached(count_miss=False)  # the view counts it, when it looks again
        if cached is None:
            return None
        response = Response(b'{"data":' + cached + b"}", media_type="application/json")
    if get:
        caching.mark(response, plan, keyed=False)
    found = caching.operation_of(data)
    record_answer(request, found[1] if found else None, [])
    return response


async def _request_data(request: Request, max_variables_bytes: int) -> GraphQLRequestData | None:
    """The request's query, variables, operation name and extensions, if plainly given;
    ``ValueError`` for JSON that is not."""
    fields: dict[str, Any]
    if request.method == "GET":
        params = request.query_params
        fields = {name: params.get(name) for name in ("query", "operationName")}
        for name in ("variables", "extensions"):
            text = params.get(name)
            if text and name == "variables" and len(text.encode()) > max_variables_bytes:
                return None
            fields[name] = orjson.loads(text) if text else None
    elif request.method == "POST" and request.headers.get("content-type", "").startswith(
        "application/json"
    ):
        body = orjson.loads(await request.body())
        if not isinstance(body, dict):
            return None
        fields = body
    else:
        return None
    query, variables = fields.get("query"), fields.get("variables")
    operation_name, extensions = fields.get("operationName"), fields.get("extensions")
    if (
        not isinstance(query, str | None)
        or not isinstance(variables, dict | None)
        or not isinstance(operation_name, str | None)
        or not isinstance(extensions, dict | None)
        or (query is None and extensions is None)
    ):
        return None
    if variables and len(orjson.dumps(variables)) > max_variables_bytes:
        return None
    return GraphQLRequestData(query, variables, operation_name, extensions)

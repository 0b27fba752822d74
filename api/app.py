"""``create_app(settings)``: the ASGI application, built fresh so tests can build their own."""

from __future__ import annotations

from collections.abc import Sequence

from pymongo.errors import PyMongoError
from pymongo.monitoring import CommandListener
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from api.body_limit import BodySizeLimit
from api.graphql_app import DossierGraphQL
from api.lifespan import make_lifespan
from api.observability import DatabaseCommandTimer, Metrics, RequestObserver
from api.settings import Settings
from model.store import uninterrupted
from schema.schema import Limits, build_schema

READY_PING_MS = 1000


async def healthz(request: Request) -> Response:
    """The process is up; says nothing about the database."""
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    """The database is prepared and answers a ping within a bound."""
    if not getattr(request.app.state, "database_ready", False):
        return JSONResponse({"status": "database not ready"}, status_code=503)
    try:
        await uninterrupted(request.app.state.db.command("ping", maxTimeMS=READY_PING_MS))
    except PyMongoError:
        return JSONResponse({"status": "database unavailable"}, status_code=503)
    return JSONResponse({"status": "ok"})


def create_app(settings: Settings, command_listeners: Sequence[CommandListener] = ()) -> Starlette:
    """``command_listeners`` see every database command (tests and benchmarks count them)."""
    metrics = Metrics()
    limits = Limits(
        max_depth=settings.max_query_depth,
        max_aliases=settings.max_aliases,
        max_tokens=settings.max_query_tokens,
        max_cost=settings.max_query_cost,
        introspection=settings.introspection,
    )
    graphql = DossierGraphQL(
        build_schema(limits),
        graphql_ide="graphiql" if settings.graphiql else None,
        allow_queries_via_get=True,
        max_variables_bytes=settings.max_variables_bytes,
        write_allowance_bytes=settings.write_allowance_bytes,
    )
    app = Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            Route("/healthz", healthz, methods=["GET"]),
            Route("/readyz", readyz, methods=["GET"]),
            Route("/metrics", metrics.endpoint, methods=["GET"]),
        ],
        middleware=[
            Middleware(RequestObserver, metrics=metrics),
            Middleware(
                CORSMiddleware,
                allow_origins=settings.cors_origins,
                allow_methods=["GET", "POST"],
                allow_headers=["authorization", "content-type", "x-request-id"],
                expose_headers=["x-request-id"],
            ),
            Middleware(
                BodySizeLimit,
                max_bytes=settings.max_body_bytes,
                keyed_allowance=settings.write_allowance_bytes,
            ),
        ],
        lifespan=make_lifespan(settings, [*command_listeners, DatabaseCommandTimer(metrics)]),
    )
    app.state.settings = settings
    app.state.metrics = metrics
    return app

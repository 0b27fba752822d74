"""``create_app(settings)``: the ASGI application, built fresh so tests can build their own."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from pymongo.errors import PyMongoError
from pymongo.monitoring import CommandListener
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from api.admission_control import AdmissionGate
from api.body_limit import BodySizeLimit
from api.breaker import CircuitBreaker
from api.graphql_app import DossierGraphQL
from api.http_caching import HttpCaching
from api.lifespan import make_lifespan, ping
from api.live import FeedMetrics
from api.observability import DatabaseCommandTimer, Metrics, RequestObserver
from api.pages import ContentSecurityPolicy, desk_routes
from api.response_cache import CacheMetrics, ResponseCache
from api.settings import Settings
from schema.persisted import PersistedQueries, load_manifest
from schema.schema import Limits, build_schema


async def healthz(request: Request) -> Response:
    """The process is up; says nothing about the database."""
    return JSONResponse({"status": "ok"})


def _unavailable(request: Request, status: str) -> Response:
    retry_after = str(request.app.state.settings.retry_after_s)
    return JSONResponse({"status": status}, status_code=503, headers={"Retry-After": retry_after})


async def readyz(request: Request) -> Response:
    """The database is prepared and answers a ping, all within about a second: at once
    while the breaker is open, else within the ping's bound (a failed ping trips it)."""
    state = request.app.state
    if not getattr(state, "database_ready", False):
        return _unavailable(request, "database not ready")
    breaker: CircuitBreaker = state.breaker
    if breaker.open:
        return _unavailable(request, "database unavailable")
    try:
        await ping(state.db)
    except PyMongoError:
        breaker.trip("the readiness ping failed")
        return _unavailable(request, "database unavailable")
    return JSONResponse({"status": "ok"})


def admission_gate(settings: Settings) -> AdmissionGate | None:
    if not settings.admission_capacity:
        return None
    return AdmissionGate(
        capacity=settings.admission_capacity,
        reserve=settings.admission_reserve,
        cheap_cost=settings.admission_cheap_cost,
        wait_s=settings.admission_wait_ms / 1000,
        retry_after_s=settings.retry_after_s,
    )


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
    schema = build_schema(limits)
    trusted = load_manifest(settings.trusted_documents) if settings.trusted_documents else None
    caching = HttpCaching(
        ResponseCache(settings.response_cache_max_bytes, CacheMetrics(metrics.registry)),
        headers=settings.http_caching,
        schema_sdl=f"{schema}\n{limits}\nreads_require_key={settings.reads_require_key}",
        max_tokens=settings.max_query_tokens,
    )
    graphql = DossierGraphQL(
        schema,
        graphql_ide="graphiql" if settings.graphiql else None,
        allow_queries_via_get=True,
        max_variables_bytes=settings.max_variables_bytes,
        write_allowance_bytes=settings.write_allowance_bytes,
        persisted=PersistedQueries(settings.persisted_queries_max_bytes, trusted),
        caching=caching,
        # Subscriptions (api.live): graphql-transport-ws only, not the legacy graphql-ws.
        subscription_protocols=[GRAPHQL_TRANSPORT_WS_PROTOCOL],
        allowed_origins=settings.cors_origins,
        connection_init_wait_timeout=timedelta(seconds=settings.ws_init_timeout_s),
        max_subscriptions_per_connection=settings.max_subscriptions_per_connection,
        max_ws_connections=settings.max_ws_connections,
        max_ws_message_bytes=settings.max_ws_message_bytes,
    )
    app = Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            Route("/healthz", healthz, methods=["GET"]),
            Route("/readyz", readyz, methods=["GET"]),
            Route("/metrics", metrics.endpoint, methods=["GET"]),
            *desk_routes(graphiql=settings.graphiql, pages=settings.pages),
        ],
        middleware=[
            Middleware(RequestObserver, metrics=metrics),
            Middleware(ContentSecurityPolicy),
            Middleware(
                CORSMiddleware,
                allow_origins=settings.cors_origins,
                allow_methods=["GET", "POST"],
                allow_headers=["authorization", "content-type", "x-request-id", "if-none-match"],
                expose_headers=["x-request-id", "etag"],
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
    app.state.response_cache = caching.cache
    app.state.admission = admission_gate(settings)
    app.state.feed_metrics = FeedMetrics(metrics.registry)
    return app

"""``create_app(settings)``: the ASGI application, built fresh so tests can build their own."""

from __future__ import annotations

from collections.abc import Sequence

from pymongo.monitoring import CommandListener
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from api.graphql_app import DossierGraphQL
from api.lifespan import make_lifespan
from api.settings import Settings
from schema.schema import build_schema


async def healthz(request: Request) -> Response:
    """The process is up; says nothing about the database."""
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    """The database answers a ping within a bound."""
    db = getattr(request.app.state, "db", None)
    if db is None:
        return JSONResponse({"status": "starting"}, status_code=503)
    try:
        await db.command("ping", maxTimeMS=1000)
    except Exception:
        return JSONResponse({"status": "database unavailable"}, status_code=503)
    return JSONResponse({"status": "ok"})


def create_app(
    settings: Settings | None = None, command_listeners: Sequence[CommandListener] = ()
) -> Starlette:
    """``command_listeners`` see every database command (tests and benchmarks count them)."""
    settings = settings or Settings()
    graphql = DossierGraphQL(
        build_schema(introspection=settings.introspection),
        graphql_ide="graphiql" if settings.graphiql else None,
        allow_queries_via_get=True,
    )
    app = Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            Route("/healthz", healthz, methods=["GET"]),
            Route("/readyz", readyz, methods=["GET"]),
        ],
        lifespan=make_lifespan(settings, command_listeners),
    )
    app.state.settings = settings
    return app

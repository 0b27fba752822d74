"""The journalist's desk: GraphiQL's assets and the reading pages, all from this server.

The pages are static HTML shells with one script module each; they read the record
through ``/graphql`` like any client. Every HTML answer carries a Content-Security-Policy
that names no origin but the server's own.
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

STATIC = Path(__file__).parent / "static"
PAGES = STATIC / "desk"

# Fonts and icons may be data: URLs (GraphiQL's stylesheet embeds its fonts); nothing may
# come from, or go to, another origin, and every script is a file of this server.
_POLICY = [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
]
CONTENT_SECURITY_POLICY = "; ".join(_POLICY)
# GraphiQL's menus and dialogs (react-remove-scroll) write a <style> element at run time,
# with no way to give it a nonce: inline styles, never inline scripts, on that page only.
GRAPHIQL_POLICY = CONTENT_SECURITY_POLICY.replace(
    "style-src 'self'", "style-src 'self' 'unsafe-inline'"
)


class ContentSecurityPolicy:
    """Adds the policy (and ``nosniff``, no referrer) to every HTML response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        graphiql = scope["path"] == "/graphql"

        async def send_with_policy(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                content_type = next(
                    (value for name, value in headers if name.lower() == b"content-type"), b""
                )
                if content_type.startswith(b"text/html"):
                    policy = GRAPHIQL_POLICY if graphiql else CONTENT_SECURITY_POLICY
                    headers += [
                        (b"content-security-policy", policy.encode()),
                        (b"x-content-type-options", b"nosniff"),
                        (b"referrer-policy", b"no-referrer"),
                    ]
                    message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_policy)


def _page(name: str) -> Route:
    shell = PAGES / f"{name}.html"

    async def endpoint(request: Request) -> Response:
        return FileResponse(shell, media_type="text/html; charset=utf-8")

    return Route(f"/{name}s/{{slug}}", endpoint, methods=["GET"], name=f"{name}-page")


def desk_routes(*, graphiql: bool, pages: bool) -> list[BaseRoute]:
    """The static assets when GraphiQL or the pages are served; the pages when asked."""
    routes: list[BaseRoute] = []
    if graphiql or pages:
        routes.append(Mount("/static", StaticFiles(directory=STATIC), name="static"))
    if pages:
        routes += [_page("article"), _page("person"), _page("organization")]
    return routes

"""Subscriptions over WebSocket: graphql-transport-ws on ``/graphql`` and its limits.

Close codes a client may see (the README lists them with what to do):

- 4400 a message that is not graphql-transport-ws, 4401 a subscribe before
  ``connection_init``, 4403 a key refused in ``connection_init``, 4408 no
  ``connection_init`` within ``WS_INIT_TIMEOUT_S``, 4409 an id already subscribed,
  4429 a second ``connection_init`` (Strawberry's, as the protocol names them);
- 1009 a message larger than ``MAX_WS_MESSAGE_BYTES``;
- 1013 the process already holds ``MAX_WS_CONNECTIONS`` sockets: try again later;
- 4499 a subscriber fell more than ``SUBSCRIBER_QUEUE`` revisions behind: resume with
  ``after``.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Mapping

from graphql import GraphQLError
from prometheus_client import CollectorRegistry, Counter, Gauge
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState
from strawberry.asgi import ASGIWebSocketAdapter, GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http.exceptions import (
    NonJsonMessageReceived,
    NonTextMessageReceived,
    WebSocketDisconnected,
)
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    _OperationStreamClosed as OperationStreamClosed,  # ends an operation that closed the socket
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    Message,
    SubscribeMessage,
)

from schema.context import Context
from schema.keys.authentication import authenticate
from schema.revisions.feed import SUBSCRIBER_TOO_SLOW

TOO_SLOW = 4499
MESSAGE_TOO_BIG = 1009
TRY_AGAIN_LATER = 1013
TOO_MANY_SUBSCRIPTIONS = "TOO_MANY_SUBSCRIPTIONS"


class LimitedAdapter(ASGIWebSocketAdapter):
    """Strawberry's adapter, closing the socket (1009) on a message larger than the view's
    ``max_ws_message_bytes`` (uvicorn's ``ws_max_size`` is the backstop before it), and
    sending every message as a text frame, as graphql-transport-ws has them: the view's
    JSON is bytes, which Strawberry sends as binary frames, and a browser hands a binary
    frame to the ``graphql-ws`` client as a Blob it cannot parse."""

    async def send_json(self, message: Mapping[str, object]) -> None:
        encoded = self.view.encode_json(message)
        text = encoded.decode() if isinstance(encoded, bytes) else encoded
        try:
            await self.ws.send_text(text)
        except WebSocketDisconnect as error:
            raise WebSocketDisconnected from error

    async def iter_json(
        self, *, ignore_parsing_errors: bool = False
    ) -> AsyncGenerator[object, None]:
        limit: int = getattr(self.view, "max_ws_message_bytes", 0)
        try:
            while self.ws.application_state != WebSocketState.DISCONNECTED:
                text = await self.ws.receive_text()
                if len(text.encode()) > limit:
                    await self.ws.close(MESSAGE_TOO_BIG, f"Messages are at most {limit} bytes.")
                    return
                try:
                    yield self.view.decode_json(text)
                except ValueError as error:
                    if not ignore_parsing_errors:
                        raise NonJsonMessageReceived from error
        except KeyError as error:  # a binary frame
            raise NonTextMessageReceived from error
        except WebSocketDisconnect:
            pass


class TransportWSHandler(BaseGraphQLTransportWSHandler[Context, None]):
    """Strawberry's handler, with a coded refusal past the subscriptions a socket may run."""

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        limit = self.max_subscriptions_per_connection
        if (
            self.connection_acknowledged
            and message["id"] not in self.operations
            and limit is not None
            and len(self.operations) >= limit
        ):
            error = GraphQLError(
                f"At most {limit} subscriptions per connection.",
                extensions={"code": TOO_MANY_SUBSCRIPTIONS},
            )
            await self.send_message(
                {"id": message["id"], "type": "error", "payload": [error.formatted]}
            )
            return
        await super().handle_subscribe(message)

    async def send_message(self, message: Message) -> None:
        """A subscriber dropped for falling behind is closed (4499), not sent its error."""
        if message["type"] == "next" and any(
            (error.get("extensions") or {}).get("code") == SUBSCRIBER_TOO_SLOW
            for error in message["payload"].get("errors") or ()
        ):
            await self.websocket.close(TOO_SLOW, "Too slow: resume with `after`.")
            raise OperationStreamClosed
        await super().send_message(message)


class LiveView(GraphQL[Context, None]):
    """The GraphQL view's WebSocket side: graphql-transport-ws only, origins as ``CORS_ORIGINS``,
    the key in ``connection_init``, and the process's limits on sockets and messages."""

    graphql_transport_ws_handler_class = TransportWSHandler
    websocket_adapter_class = LimitedAdapter
    max_ws_connections = 0
    max_ws_message_bytes = 0
    ws_connections = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "websocket":
            await super().__call__(scope, receive, send)
            return
        if self.ws_connections >= self.max_ws_connections:
            websocket = WebSocket(scope, receive, send)
            offered = scope.get("subprotocols", [])
            chosen = (
                GRAPHQL_TRANSPORT_WS_PROTOCOL if GRAPHQL_TRANSPORT_WS_PROTOCOL in offered else None
            )
            await websocket.accept(subprotocol=chosen)
            await websocket.close(TRY_AGAIN_LATER, "Too many connections; try again later.")
            return
        self.ws_connections += 1
        try:
            await super().__call__(scope, receive, send)
        finally:
            self.ws_connections -= 1

    async def on_ws_connect(self, context: Context) -> None:
        """The key is the ``Authorization`` of the ``connection_init`` payload (or of the
        handshake's headers, for clients that can send them); refused as over HTTP."""
        params: Mapping[str, object] = context.connection_params or {}
        sent = params.get("Authorization", params.get("authorization"))
        if isinstance(sent, str):
            context.authorize(sent)
        elif sent is not None:
            raise ConnectionRejectionError({"message": "Authorization must be a string."})
        await authenticate(context)
        if context.refusal is not None:
            raise ConnectionRejectionError({"message": context.refusal.message})


class FeedMetrics:
    """Subscription metrics, kept as the feed counts (``FeedCounts.observe``): in
    Prometheus multiprocess mode only such metrics add up over the workers."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.open = Gauge(
            "dossier_subscriptions_open",
            "Subscriptions being served.",
            registry=registry,
            multiprocess_mode="livesum",
        )
        self.counters = {
            what: Counter(name, text, registry=registry)
            for what, name, text in [
                (
                    "delivered",
                    "dossier_subscription_events_delivered",
                    "Revisions sent to subscribers.",
                ),
                (
                    "dropped",
                    "dossier_subscribers_dropped",
                    "Subscribers dropped for falling behind.",
                ),
                (
                    "interrupted",
                    "dossier_subscribers_interrupted",
                    "Subscribers ended by a change stream failure.",
                ),
                (
                    "opened",
                    "dossier_change_streams_opened",
                    "Change streams opened on the revisions.",
                ),
            ]
        }

    def observe(self, what: str, by: int) -> None:
        if what == "subscribed":
            self.open.inc(by)
        else:
            self.counters[what].inc(by)

"""Request ids, one JSON log line per request, and Prometheus metrics."""

from __future__ import annotations

import json
import logging
import os
import time
import uuid
from typing import Any

import orjson
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.multiprocess import MultiProcessCollector
from pymongo.monitoring import (
    CommandFailedEvent,
    CommandListener,
    CommandStartedEvent,
    CommandSucceededEvent,
)
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

access_log = logging.getLogger("dossier.access")
_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


# Set (by ``api.workers``) when several worker processes serve: each writes its metrics
# there, and /metrics adds up every worker's.
MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"
MAX_OPERATION_LABELS = 200  # clients name operations: bound the label set
OPERATION_LABEL_LENGTH = 64


class Metrics:
    """One registry per app, so apps built side by side (tests) do not collide."""

    def __init__(self) -> None:
        self.operations: set[str] = set()
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "dossier_requests",
            "HTTP requests by GraphQL operation and outcome.",
            ["operation", "outcome"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "dossier_request_duration_seconds",
            "HTTP request latency by GraphQL operation.",
            ["operation"],
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.errors = Counter(
            "dossier_graphql_errors",
            "GraphQL errors by extensions.code.",
            ["code"],
            registry=self.registry,
        )
        self.db_latency = Histogram(
            "dossier_db_command_duration_seconds",
            "Database command latency by command and outcome.",
            ["command", "outcome"],
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )

    def operation_label(self, operation: str) -> str:
        """The first operation names seen, as given; later new ones as "other"."""
        operation = operation[:OPERATION_LABEL_LENGTH]
        if operation in self.operations or len(self.operations) < MAX_OPERATION_LABELS:
            self.operations.add(operation)
            return operation
        return "other"

    async def endpoint(self, request: Request) -> Response:
        registry = self.registry
        if os.environ.get(MULTIPROCESS_DIR):
            registry = CollectorRegistry()
            MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)


class DatabaseCommandTimer(CommandListener):
    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    def started(self, event: CommandStartedEvent) -> None:
        pass

    def succeeded(self, event: CommandSucceededEvent) -> None:
        self.metrics.db_latency.labels(event.command_name, "ok").observe(
            event.duration_micros / 1e6
        )

    def failed(self, event: CommandFailedEvent) -> None:
        self.metrics.db_latency.labels(event.command_name, "error").observe(
            event.duration_micros / 1e6
        )


def request_id_of(scope: Scope) -> str:
    return str(scope.get("state", {}).get("request_id", ""))


class RequestObserver:
    """Gives every request an id (``X-Request-ID``), times it, logs it, counts it."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        given = headers.get(b"x-request-id", b"").decode("latin-1")[:64]
        request_id = given if given.isprintable() and given else uuid.uuid4().hex
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        status = 500
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            self._record(scope, request_id, status, time.perf_counter() - started)

    def _record(self, scope: Scope, request_id: str, status: int, seconds: float) -> None:
        # For /graphql, schema.access_log.record_operation has written the operation and
        # its errors' codes; a request refused before any operation ran has neither.
        state = scope.get("state", {})
        path = scope.get("path", "")
        operation = state.get("operation") or ("-" if path != "/graphql" else "none")
        codes: list[str] = state.get("error_codes", [])
        server_side = {"INTERNAL_SERVER_ERROR", "TIMEOUT", "SERVICE_UNAVAILABLE"}
        if status >= 500 or server_side & set(codes):
            outcome = "fault"
        else:
            outcome = "error" if status >= 400 or codes else "ok"
        if path == "/graphql":
            label = self.metrics.operation_label(operation)
            self.metrics.requests.labels(label, outcome).inc()
            self.metrics.latency.labels(label).observe(seconds)
            for code in codes:
                self.metrics.errors.labels(code).inc()
        client = scope.get("client")
        line: dict[str, Any] = {
            "request_id": request_id,
            "method": scope.get("method"),
            "path": path,
            "status": status,
            "duration_ms": round(seconds * 1000, 2),
            "operation": operation[:OPERATION_LABEL_LENGTH],
            "outcome": outcome,
            "error_codes": codes,
            "client": client[0] if client else None,
        }
        access_log.info("request", extra={"fields": line})


class JsonFormatter(logging.Formatter):
    """One JSON object per line; ``extra={"fields": {...}}`` adds keys."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": self.formatTime(record),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            **getattr(record, "fields", {}),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        try:
            return orjson.dumps(line, default=str, option=orjson.OPT_NON_STR_KEYS).decode()
        except TypeError:  # what orjson refuses (a lone surrogate, an int past 64 bits)
            return json.dumps(line, ensure_ascii=False, default=str)


def configure_logging(level: str) -> None:
    """JSON lines on stderr. A line has no caller, thread or process in it, so the records
    skip finding them (the logging HOWTO's "Optimization"; ``stack_info`` goes with the
    caller): with the access log's line for every request, that was a tenth of what a
    request answered from cache costs."""
    logging._srcfile = None
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    # Our access log replaces uvicorn's (which has no request id or operation).
    logging.getLogger("uvicorn.access").disabled = True

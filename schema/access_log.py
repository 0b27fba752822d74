"""What the access log says of a GraphQL operation: its name and its errors' codes.

``api.observability.RequestObserver`` writes one log line per HTTP request and counts it
in the metrics; for ``/graphql`` it reads ``operation`` and ``error_codes`` from the
request's state, which ``record_operation`` writes once the operation has ended.
``schema.errors.ErrorCodes`` calls it at the end of its ``on_operation`` hook, once it has
given the errors their codes: an extension of its own would cost every request the
overhead of one more extension and hook, for a few lines of bookkeeping.
"""

from __future__ import annotations

from typing import Any

from strawberry.types import ExecutionContext


def record_operation(context: ExecutionContext) -> None:
    """Leaves the operation's name and its errors' codes on the request's state (nothing
    without a request: the schema run outside the app)."""
    request = getattr(context.context, "request", None)
    if request is None:
        return
    try:
        operation = context.operation_name
    except RuntimeError:  # no operation of that name in the document
        operation = None
    errors = (context.result.errors if context.result is not None else None) or []
    record_answer(request, operation, [str((e.extensions or {}).get("code")) for e in errors])


def record_answer(request: Any, operation: str | None, codes: list[str]) -> None:
    """Also for answers given without running the operation (from cache, refusals)."""
    request.state.operation = operation or "anonymous"
    request.state.error_codes = codes

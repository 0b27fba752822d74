"""What the access log says of a GraphQL operation: its name and its errors' codes.

``api.observability.RequestObserver`` writes one log line per HTTP request and counts it
in the metrics; for ``/graphql`` it reads ``operation`` and ``error_codes`` from the
request's state, which this extension writes once the operation has ended. It reads the
codes ``schema.errors.ErrorCodes`` gives, so it is listed before that extension:
Strawberry ends the ``on_operation`` hooks last listed first.
"""

from __future__ import annotations

from collections.abc import Iterator

from strawberry.extensions import SchemaExtension


class AccessLogFields(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        yield
        context = self.execution_context
        request = getattr(context.context, "request", None)
        if request is None:
            return
        try:
            operation = context.operation_name
        except RuntimeError:  # no operation of that name in the document
            operation = None
        request.state.operation = operation or "anonymous"
        errors = (context.result.errors if context.result is not None else None) or []
        request.state.error_codes = [str((e.extensions or {}).get("code")) for e in errors]

"""How operations execute: graphql-core's executor, with its subscription events
forgetting what they collected; and refusals that hold for subscriptions too.

graphql-core 3.3 runs each subscription event on a shallow copy of the subscription's
executor, so every event adds its sub-field collection to one memo the whole subscription
shares (keyed by the id of a list made for that event: never found again). A subscriber held
about 1.3 kB more for every event it was sent (``bench/subscriptions.py``: 170 MB for 200
subscribers and 600 writes). Each event gets a memo of its own, dropped with it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types.graphql import OperationType


class Executor(StrawberryGraphQLCoreExecutionContext):
    def build_per_event_executor(self, payload: Any) -> Any:
        executor = super().build_per_event_executor(payload)
        executor._relevant_sub_fields = {}
        return executor


class RefuseSubscriptions(SchemaExtension):
    """Makes the refusals of the extensions before it hold for subscriptions too.

    ``Admission`` and the cost limit refuse an operation by setting its result before it
    executes, which Strawberry honours for queries and mutations but not for a
    subscription: it subscribes anyway. Last in the list, this raises the refusal instead,
    which Strawberry answers as the subscription's error."""

    def on_execute(self) -> Iterator[None]:
        execution = self.execution_context
        result = execution.result
        if execution.operation_type is OperationType.SUBSCRIPTION and result is not None:
            raise (result.errors or [GraphQLError("The subscription was refused.")])[0]
        yield

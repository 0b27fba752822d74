"""The executor of every operation: graphql-core's, with its subscription events forgetting
what they collected.

graphql-core 3.3 runs each subscription event on a shallow copy of the subscription's
executor, so every event adds its sub-field collection to one memo the whole subscription
shares (keyed by the id of a list made for that event: never found again). A subscriber held
about 1.3 kB more for every event it was sent (``bench/subscriptions.py``: 170 MB for 200
subscribers and 600 writes). Each event gets a memo of its own, dropped with it.
"""

from __future__ import annotations

from typing import Any

from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext


class Executor(StrawberryGraphQLCoreExecutionContext):
    def build_per_event_executor(self, payload: Any) -> Any:
        executor = super().build_per_event_executor(payload)
        executor._relevant_sub_fields = {}
        return executor

"""How operations execute: graphql-core's executor, with its subscription events
forgetting what they collected and shared between subscribers; and refusals that hold for
subscriptions too.

graphql-core 3.3 runs each subscription event on a shallow copy of the subscription's
executor, so every event adds its sub-field collection to one memo the whole subscription
shares (keyed by the id of a list made for that event: never found again). A subscriber held
about 1.3 kB more for every event it was sent (``bench/subscriptions.py``: 170 MB for 200
subscribers and 600 writes). Each event gets a memo of its own, dropped with it.

A process's subscribers all receive the same event object (``share_results``), so those that
asked the same operation with the same variables, as the same caller, get one execution of
it: a thousand subscribers of one query cost one execution per event, not a thousand
(``bench/subscriptions.py``). A result is shared for ``SHARE_WINDOW_S`` after it is made,
so an event executed much later (a replay) shows its objects as they are then.

Strawberry asks every extension for its results, and for its hook on each result, once per
subscription event: an eighth of the server's time per delivery with a thousand
subscribers, for extensions that have neither (``ExtensionsRunner``).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Hashable, Iterator
from types import TracebackType
from typing import Any, TypeVar, cast

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.extensions.context import StreamResultContextManager
from strawberry.extensions.runner import SchemaExtensionsRunner
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types import ExecutionContext, StreamExecutionResult
from strawberry.types.graphql import OperationType
from strawberry.utils.await_maybe import await_maybe

SHARE_WINDOW_S = 1.0
_RESULTS = "_dossier_shared_results"
PayloadT = TypeVar("PayloadT")
Results = dict[Hashable, tuple[float, Any]]  # by sharing key: when made, and the result


def share_results(payload: PayloadT) -> PayloadT:
    """Mark a subscription event that every subscriber receives as this same object: its
    executions are then shared (the object holds them, and goes with them)."""
    object.__setattr__(payload, _RESULTS, {})
    return payload


class Executor(StrawberryGraphQLCoreExecutionContext):
    _sharing: tuple[Results, Hashable] | None = None
    _key: Hashable | None = None  # the subscription's, once known

    def build_per_event_executor(self, payload: Any) -> Any:
        sharing = self._sharing_of(payload)
        if sharing is not None:
            results, key = sharing
            made = results.get(key)
            if made is not None and time.monotonic() - made[0] < SHARE_WINDOW_S:
                return _Made(made[1])
        executor = cast(Executor, super().build_per_event_executor(payload))
        executor._relevant_sub_fields = {}
        executor._sharing = sharing
        return executor

    def execute_operation(self, serially: bool | None = None) -> Any:
        result = super().execute_operation(serially)
        if self._sharing is None:
            return result
        # Made before any other subscriber's executor is built (nothing awaits between).
        if self.is_awaitable(result):
            result = asyncio.ensure_future(result)
        shared, key = self._sharing
        shared[key] = (time.monotonic(), result)
        return _shielded(result)

    def _sharing_of(self, payload: Any) -> tuple[Results, Hashable] | None:
        """Where a shared event keeps its results, and what makes two executions of it the
        same: the document and operation, the variables' values, and the caller (whose role
        decides what may be seen). None for an event that is not shared."""
        results: Results | None = getattr(payload, _RESULTS, None)
        if results is None:
            return None
        if self._key is None:
            caller = getattr(self.context_value, "known_caller", None)
            location = self.operation.loc
            if caller is None or location is None:
                return None
            name = self.operation.name.value if self.operation.name else None
            variables = repr(sorted(self.variable_values.coerced.items()))
            self._key = (location.source.body, name, variables, caller.name, caller.role)
        return results, self._key


class _Made:
    """An event's executor whose result another subscriber's execution made."""

    def __init__(self, result: Any) -> None:
        self.result = result

    def execute_operation(self, serially: bool | None = None) -> Any:
        return _shielded(self.result)


def _shielded(result: Any) -> Any:
    """A subscriber leaving cancels its own wait, never the execution others share."""
    return asyncio.shield(result) if isinstance(result, asyncio.Future) else result


class ExtensionsRunner(SchemaExtensionsRunner):
    """Strawberry's runner, asking for results only the extensions that override
    ``get_results`` (the others give ``{}``), and entering no hook on a result when no
    extension overrides ``on_stream_result``."""

    def __init__(
        self, execution_context: ExecutionContext, extensions: list[SchemaExtension]
    ) -> None:
        super().__init__(execution_context, extensions)
        self.giving_results = [
            extension
            for extension in self.extensions
            if type(extension).get_results is not SchemaExtension.get_results
        ]
        self.watching_results = any(
            type(extension).on_stream_result is not SchemaExtension.on_stream_result
            for extension in self.extensions
        )

    def on_stream_result(self, result: StreamExecutionResult) -> StreamResultContextManager:
        if self.watching_results:
            return super().on_stream_result(result)
        return _NoStreamResultHooks(result)

    async def get_extensions_results(self, ctx: ExecutionContext) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for extension in self.giving_results:
            data.update(await await_maybe(extension.get_results()))
        data.update(ctx.extensions_results)
        return data


class _NoStreamResultHooks(StreamResultContextManager):
    def __init__(self, result: StreamExecutionResult) -> None:
        self.result = result
        self.hooks = []

    async def __aenter__(self) -> None:
        pass

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        pass


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

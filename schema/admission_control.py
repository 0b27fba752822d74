"""The cost limit and admission control in one hook: an operation within ``MAX_QUERY_COST``
waits for room at the application's gate (``api.admission_control``, on
``app.state.admission``) before it runs, and is refused ``OVERLOADED`` when none comes in
time. One extension, not two: the gate is weighed by the cost just computed, and every
hook costs every request."""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Callable
from typing import Protocol

from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from schema.common.errors import OVERLOADED
from schema.limits import QueryCostLimiter


class Gate(Protocol):
    retry_after_s: int

    def weight(self, cost: int) -> int: ...

    async def acquire(self, weight: int) -> bool: ...

    def release(self, weight: int) -> None: ...


def gate_of(context: object) -> Gate | None:
    """The application's gate; none for the schema run outside the application."""
    request = getattr(context, "request", None)
    gate: Gate | None = getattr(request.app.state, "admission", None) if request else None
    return gate


class AdmittedByCost(QueryCostLimiter):
    async def on_execute(self) -> AsyncIterator[None]:  # type: ignore[override]
        cost = self.cost_within_limit()
        execution = self.execution_context
        # A subscription would hold its units for as long as its client listens.
        lasting = execution.operation_type is OperationType.SUBSCRIPTION
        gate = gate_of(execution.context) if cost is not None and not lasting else None
        if gate is None or cost is None:
            yield
            return
        weight = gate.weight(cost)
        if not await gate.acquire(weight):
            self._refuse(gate, cost)
            yield
            return
        try:
            yield
        finally:
            gate.release(weight)

    def _refuse(self, gate: Gate, cost: int) -> None:
        """HTTP 503 with ``Retry-After``; the breaker is left alone: the database answers,
        there is only too much asked of it at once."""
        execution = self.execution_context
        error = GraphQLError(
            "The server is busy; try again shortly.",
            extensions={"code": OVERLOADED, "cost": cost},
        )
        execution.result = GraphQLExecutionResult(data=None, errors=[error])
        response = getattr(execution.context, "response", None)
        if response is not None and hasattr(response, "status_code"):
            response.status_code = 503
            response.headers["Retry-After"] = str(gate.retry_after_s)


def admission_extension(max_cost: int) -> Callable[[], SchemaExtension]:
    """A factory, so that every request gets its own extension instance."""
    return functools.partial(AdmittedByCost, max_cost=max_cost)

"""How operations execute (``schema.execution``): each subscription event runs with a memo
of its own (graphql-core's shared one grew by every event a subscriber was sent), and only
the extensions that give results are asked for them."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Iterator

import pytest
import strawberry
from graphql import parse
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionResult, StreamExecutionResult

from schema.execution import Executor
from schema.schema import DossierSchema, build_schema


def test_an_event_does_not_share_the_subscription_memo() -> None:
    schema = build_schema()
    executor = Executor.build(schema._schema, parse("subscription { changes { id } }"))
    assert isinstance(executor, Executor)
    first = executor.build_per_event_executor({"changes": None})
    second = executor.build_per_event_executor({"changes": None})
    assert first._relevant_sub_fields is not executor._relevant_sub_fields
    assert first._relevant_sub_fields is not second._relevant_sub_fields


async def test_extension_results_come_from_the_extensions_that_give_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked: list[str] = []

    def no_results(self: SchemaExtension) -> dict[str, object]:
        asked.append("silent")
        return {}

    monkeypatch.setattr(SchemaExtension, "get_results", no_results)

    class Giving(SchemaExtension):
        def get_results(self) -> dict[str, object]:
            asked.append("giving")
            return {"giving": 1}

    class GivingLater(SchemaExtension):
        async def get_results(self) -> dict[str, object]:
            asked.append("giving later")
            return {"later": 2}

    class Silent(SchemaExtension):
        pass

    @strawberry.type
    class Query:
        hello: str = "world"

    @strawberry.type
    class Subscription:
        @strawberry.subscription
        async def ticks(self) -> AsyncGenerator[int, None]:
            for tick in range(2):
                yield tick

    schema = DossierSchema(
        query=Query, subscription=Subscription, extensions=[Giving, Silent, GivingLater]
    )
    answer = await schema.execute("{ hello }", root_value=Query())
    assert answer.data == {"hello": "world"}
    assert answer.extensions == {"giving": 1, "later": 2}
    events = await schema.subscribe("subscription { ticks }")
    assert not isinstance(events, ExecutionResult)
    results = [event async for event in events]
    assert [event.data for event in results] == [{"ticks": 0}, {"ticks": 1}]
    assert all(event.extensions == {"giving": 1, "later": 2} for event in results)
    assert asked == ["giving", "giving later"] * 3

    seen: list[object] = []

    class Watching(SchemaExtension):
        def on_stream_result(self, result: StreamExecutionResult) -> Iterator[None]:
            assert isinstance(result, ExecutionResult)
            seen.append(result.data)
            yield

    watched = DossierSchema(query=Query, subscription=Subscription, extensions=[Watching])
    events = await watched.subscribe("subscription { ticks }")
    assert not isinstance(events, ExecutionResult)
    assert [event.data async for event in events] == seen == [{"ticks": 0}, {"ticks": 1}]

"""Each subscription event runs with a memo of its own (``schema.execution``): graphql-core's
shared one grew by every event a subscriber was sent."""

from __future__ import annotations

from graphql import parse

from schema.execution import Executor
from schema.schema import build_schema


def test_an_event_does_not_share_the_subscription_memo() -> None:
    schema = build_schema()
    executor = Executor.build(schema._schema, parse("subscription { changes { id } }"))
    assert isinstance(executor, Executor)
    first = executor.build_per_event_executor({"changes": None})
    second = executor.build_per_event_executor({"changes": None})
    assert first._relevant_sub_fields is not executor._relevant_sub_fields
    assert first._relevant_sub_fields is not second._relevant_sub_fields

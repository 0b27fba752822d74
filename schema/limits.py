"""Limits on what one request may ask for: depth, aliases, tokens and cost.

Strawberry has depth, alias and token limiters; the cost limit is ours. Cost counts
the objects a query could resolve: each field costs one, and everything under a
paginated field is multiplied by its page size (``first``/``last``, or the default),
so nested connections multiply through as they would in the database.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from graphql import (
    ASTValidationRule,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
)
from graphql import ExecutionResult as GraphQLExecutionResult
from strawberry.extensions import MaxAliasesLimiter, QueryDepthLimiter, SchemaExtension

from schema.common.errors import QUERY_TOO_COMPLEX
from schema.common.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from schema.node.queries import MAX_NODES
from schema.search.engine import DEFAULT_RESULTS, MAX_RESULTS


def _int_argument(field: FieldNode, name: str, variables: Mapping[str, Any]) -> int | None:
    for argument in field.arguments or ():
        if argument.name.value != name:
            continue
        value = argument.value
        if isinstance(value, IntValueNode):
            return int(value.value)
        if isinstance(value, VariableNode):
            given = variables.get(value.name.value)
            return given if isinstance(given, int) and not isinstance(given, bool) else None
    return None


def _list_length(field: FieldNode, name: str, variables: Mapping[str, Any]) -> int | None:
    for argument in field.arguments or ():
        if argument.name.value != name:
            continue
        if isinstance(argument.value, ListValueNode):
            return len(argument.value.values)
        if isinstance(argument.value, VariableNode):
            given = variables.get(argument.value.name.value)
            return len(given) if isinstance(given, list) else None
    return None


def _fan_out(field: FieldNode, variables: Mapping[str, Any]) -> int:
    """How many items one evaluation of ``field`` can return (1 for plain fields)."""
    name = field.name.value
    if name == "nodes" and any(a.name.value == "ids" for a in field.arguments or ()):
        return min(_list_length(field, "ids", variables) or MAX_NODES, MAX_NODES)
    if name == "search":
        first = _int_argument(field, "first", variables)
        return max(0, min(first if first is not None else DEFAULT_RESULTS, MAX_RESULTS))
    names = {argument.name.value for argument in field.arguments or ()}
    paginated = {"first", "last"} & names or name in _CONNECTION_FIELDS
    if not paginated:
        return 1
    size = _int_argument(field, "first", variables)
    if size is None:
        size = _int_argument(field, "last", variables)
    return max(0, min(size if size is not None else DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE))


# Connection fields, so an omitted page size counts as the default page.
_CONNECTION_FIELDS = frozenset(
    {
        "articles",
        "persons",
        "organizations",
        "events",
        "statements",
        "sanctions",
        "sanctionsImposed",
    }
)


def query_cost(
    selection_set: SelectionSetNode | None,
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: Mapping[str, Any],
    seen: frozenset[str] = frozenset(),
) -> int:
    if selection_set is None:
        return 0
    total = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            children = query_cost(selection.selection_set, fragments, variables, seen)
            fan_out = _fan_out(selection, variables) if selection.selection_set else 1
            total += 1 + fan_out * children
        elif isinstance(selection, InlineFragmentNode):
            total += query_cost(selection.selection_set, fragments, variables, seen)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name in fragments and name not in seen:
                fragment = fragments[name]
                total += query_cost(fragment.selection_set, fragments, variables, seen | {name})
    return total


def _variables(
    operation: OperationDefinitionNode, given: Mapping[str, Any] | None
) -> dict[str, Any]:
    """The values the operation will run with: those given, else the declared defaults."""
    values: dict[str, Any] = {}
    for definition in operation.variable_definitions or ():
        default = definition.default_value
        if isinstance(default, IntValueNode):
            values[definition.variable.name.value] = int(default.value)
        elif isinstance(default, ListValueNode):
            values[definition.variable.name.value] = list(default.values)
    values.update(given or {})
    return values


class QueryCostLimiter(SchemaExtension):
    """Refuses, before execution, an operation whose cost exceeds ``max_cost``."""

    def __init__(self, max_cost: int) -> None:
        self.max_cost = max_cost

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None and context.result is None:
            fragments = {
                d.name.value: d
                for d in document.definitions
                if isinstance(d, FragmentDefinitionNode)
            }
            operations = [
                d
                for d in document.definitions
                if isinstance(d, OperationDefinitionNode)
                and (
                    context.operation_name is None
                    or (d.name and d.name.value == context.operation_name)
                )
            ]
            cost = max(
                (
                    query_cost(op.selection_set, fragments, _variables(op, context.variables))
                    for op in operations
                ),
                default=0,
            )
            if cost > self.max_cost:
                error = GraphQLError(
                    f"The query could resolve {cost} objects; the limit is {self.max_cost}. "
                    "Ask for smaller pages or fewer nested lists.",
                    extensions={"code": QUERY_TOO_COMPLEX, "cost": cost, "maxCost": self.max_cost},
                )
                context.result = GraphQLExecutionResult(data=None, errors=[error])
        yield


def limit_rules(*, max_depth: int, max_aliases: int) -> list[type[ASTValidationRule]]:
    """Strawberry's depth and alias rules, built once: each limiter makes a new rule class
    when constructed, and fresh classes on every request would defeat the validation cache
    (whose key holds the rules). The token limit is a parse option (``schema.caching``)."""
    return [
        *QueryDepthLimiter(max_depth=max_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=max_aliases).validation_rules,
    ]


def cost_extension(max_cost: int) -> Callable[[], SchemaExtension]:
    """A factory, so that every request gets its own extension instance."""
    return functools.partial(QueryCostLimiter, max_cost=max_cost)

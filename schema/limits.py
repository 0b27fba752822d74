"""Limits on what one request may ask for: depth, aliases, tokens and cost.

Strawberry has depth, alias and token limiters; the cost limit is ours. Cost counts the
objects a query could resolve, read with the schema's types: every field costs one, and
what a field returns many of is multiplied by how many one value of it can hold, so
nested lists multiply through as they would in the database:

- a connection (an object type with ``edges``, ``nodes`` and ``pageInfo``) by its page
  size: ``first``, else ``last``, else the default page, at most the largest page;
- a list by the bound declared on the field, ``metadata=bound(...)``: a number, or a
  function of the field's arguments (``search(first:)``, ``nodes(ids:)``). It lives in
  the field's Strawberry metadata, so the SDL does not show it;
- a connection's ``edges`` and ``nodes`` hold the page its field was priced by, so they
  are declared ``bound(PAGE)`` and do not multiply again;
- a list of scalars costs one, whatever its bound: there is nothing under it to resolve.

Introspection is answered from the schema in memory and is priced per field, its lists
unmultiplied. ``tests/api/test_limits.py`` walks the served schema and fails on any list
or connection this module cannot price.

The walk runs on every request, so what does not depend on the request is worked out once
per schema: each field's price and the type it returns. A request's arguments are read
(coerced by graphql-core) only for the fields whose price depends on them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any, TypeAlias

from graphql import (
    ASTValidationRule,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SchemaMetaFieldDef,
    SelectionSetNode,
    TypeMetaFieldDef,
    TypeNameMetaFieldDef,
    get_argument_values,
    get_named_type,
    get_nullable_type,
    get_variable_values,
    is_introspection_type,
    is_list_type,
)
from graphql import ExecutionResult as GraphQLExecutionResult
from graphql.execution.values import VariableValues
from strawberry.extensions import MaxAliasesLimiter, QueryDepthLimiter, SchemaExtension
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField

from schema.common.errors import QUERY_TOO_COMPLEX
from schema.common.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

Arguments: TypeAlias = Mapping[str, Any]
"""A field's arguments as the resolver gets them: coerced, with defaults applied."""


class Page(Enum):
    """The bound of a connection's ``edges`` and ``nodes``: the page the connection's
    field is priced by, so they cost one each and do not multiply again."""

    ITEMS = "the items of the page"


PAGE = Page.ITEMS
UNCUT = DEFAULT_PAGE_SIZE
"""The bound of a list that grows with the corpus and that nothing cuts (the citations of
a person, the statements about an event): priced as the page a connection gives by
default. A popular person's citations run to thousands; a price that covered them would
refuse that person's own page, so this is where the limit counts less than a query can
resolve. Making such a list a connection would bound it, at the cost of an SDL change."""
Bound: TypeAlias = int | Callable[[Arguments], int] | Page
_BOUND = "dossier.cost.bound"


def bound(items: Bound) -> dict[str, Bound]:
    """A list field's ``metadata``: how many items one value of it is priced at.

    ``items`` is a number, a function of the field's arguments, or ``PAGE`` for a
    connection's ``edges`` and ``nodes``. A bound is exact where the API cuts the list
    (``search(first:)``, ``nodes(ids:)``). Where it does not (a stored array, the
    documents that point at this one), the number is the length the price assumes: a few
    times what one item holds in the seed article and in the bench corpus, or ``UNCUT``
    for a list that grows with the corpus.
    """
    return {_BOUND: items}


def size_argument(name: str, *, default: int, maximum: int) -> Callable[[Arguments], int]:
    """A bound read from an integer argument (``first``), ``default`` when not given."""

    def items(arguments: Arguments) -> int:
        given = arguments.get(name)
        size = given if isinstance(given, int) else default
        return max(0, min(size, maximum))

    return items


def length_argument(name: str, *, maximum: int) -> Callable[[Arguments], int]:
    """A bound read from a list argument's length (``ids``), ``maximum`` when unknown."""

    def items(arguments: Arguments) -> int:
        given = arguments.get(name)
        return min(len(given), maximum) if isinstance(given, list) else maximum

    return items


def page_size(arguments: Arguments) -> int:
    """The size of the page a connection field returns, read as ``Window.parse`` reads it
    (which refuses a size out of range: here it is clamped)."""
    for name in ("first", "last"):
        given = arguments.get(name)
        if isinstance(given, int):
            return max(0, min(given, MAX_PAGE_SIZE))
    return DEFAULT_PAGE_SIZE


def is_connection(type_: Any) -> bool:
    """A Relay connection: an object type with ``edges``, ``nodes`` and ``pageInfo``."""
    return isinstance(type_, GraphQLObjectType) and {"edges", "nodes", "pageInfo"} <= set(
        type_.fields
    )


def _declared(field: GraphQLField) -> Bound | None:
    definition = (field.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if not isinstance(definition, StrawberryField):
        return None
    declared: Bound | None = definition.metadata.get(_BOUND)
    return declared


_Items: TypeAlias = int | Callable[[Arguments], int]


def _items(parent: GraphQLNamedType, field: GraphQLField) -> _Items | None:
    """``price``, a fixed number kept as a number: the walk need not read the arguments."""
    if is_introspection_type(parent):
        return 1
    declared = _declared(field)
    returned = get_nullable_type(field.type)
    if is_list_type(returned):
        if declared is PAGE:
            return 1 if is_connection(parent) else None
        if declared is None or is_connection(get_named_type(returned)):
            return None
        return declared
    if declared is not None:
        return None
    if is_connection(returned):
        return page_size if {"first", "last"} & set(field.args) else None
    return 1


def price(parent: GraphQLNamedType, field: GraphQLField) -> Callable[[Arguments], int] | None:
    """How many items one value of ``field`` (a field of ``parent``) holds, as a function
    of its arguments; ``None`` when the field returns a list or a connection and has no
    price, or has a bound that does not fit what it returns."""
    items = _items(parent, field)
    if isinstance(items, int):
        return functools.partial(_fixed, items)
    return items


def _fixed(items: int, arguments: Arguments) -> int:
    return items


_META_FIELDS: Mapping[str, GraphQLField] = {
    "__typename": TypeNameMetaFieldDef,
    "__schema": SchemaMetaFieldDef,
    "__type": TypeMetaFieldDef,
}


@dataclass(frozen=True, slots=True)
class _Priced:
    """A field as the cost walk reads it."""

    definition: GraphQLField
    returns: GraphQLNamedType
    items: _Items | None  # None: no price (the schema test keeps this from happening)


@functools.lru_cache(maxsize=8)
def _priced_fields(schema: GraphQLSchema) -> Mapping[tuple[str, str], _Priced]:
    """Every field of ``schema`` by (type name, field name), priced once per schema rather
    than on every request: what ``price`` says, and the named type it returns."""
    priced: dict[tuple[str, str], _Priced] = {}
    for parent in schema.type_map.values():
        fields = dict(_META_FIELDS)  # any type answers them; validation says where
        if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            fields.update(parent.fields)
        for name, field in fields.items():
            returns = get_named_type(field.type)
            priced[parent.name, name] = _Priced(field, returns, _items(parent, field))
    return priced


class _Cost:
    """One operation's cost, walked with the schema's types."""

    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: VariableValues,
    ) -> None:
        self.schema = schema
        self.fields = _priced_fields(schema)
        self.fragments = fragments
        self.variables = variables

    def of(
        self,
        parent: GraphQLNamedType | None,
        selection_set: SelectionSetNode | None,
        seen: frozenset[str] = frozenset(),
    ) -> int:
        if selection_set is None:
            return 0
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += 1 + self._under(parent, selection, seen)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                within = self.schema.get_type(condition.name.value) if condition else parent
                total += self.of(within, selection.selection_set, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name in self.fragments and name not in seen:
                    fragment = self.fragments[name]
                    within = self.schema.get_type(fragment.type_condition.name.value)
                    total += self.of(within, fragment.selection_set, seen | {name})
        return total

    def _under(self, parent: GraphQLNamedType | None, node: FieldNode, seen: frozenset[str]) -> int:
        """What resolving the values of ``node`` costs beyond the field itself."""
        if node.selection_set is None:
            return 0
        field = None if parent is None else self.fields.get((parent.name, node.name.value))
        if field is None:  # not in the schema: validation has refused it
            return self.of(None, node.selection_set, seen)
        children = self.of(field.returns, node.selection_set, seen)
        items = field.items
        if items is None:
            # The schema test keeps this from happening; were it to, the largest page.
            return MAX_PAGE_SIZE * children
        if isinstance(items, int):  # the arguments are not read: no need to coerce them
            return items * children
        try:
            arguments = (
                get_argument_values(field.definition, node, self.variables)
                if field.definition.args
                else {}
            )
        except GraphQLError:
            arguments = {}  # execution will refuse the arguments with the error
        return items(arguments) * children


def query_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    variables: Mapping[str, Any] | None = None,
    operation_name: str | None = None,
) -> int:
    """The cost of the operation ``operation_name`` picks (the largest, if it picks several);
    0 for an operation whose variables do not fit it, which execution refuses anyway."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    costs = [0]
    for operation in document.definitions:
        if not isinstance(operation, OperationDefinitionNode) or (
            operation_name is not None
            and (operation.name is None or operation.name.value != operation_name)
        ):
            continue
        given = get_variable_values(
            schema, operation.variable_definitions or (), dict(variables or {}), max_errors=1
        )
        if isinstance(given, list):
            continue
        root = schema.get_root_type(operation.operation)
        costs.append(_Cost(schema, fragments, given).of(root, operation.selection_set))
    return max(costs)


class QueryCostLimiter(SchemaExtension):
    """Refuses, before execution, an operation whose cost exceeds ``max_cost``."""

    def __init__(self, max_cost: int) -> None:
        self.max_cost = max_cost

    def on_execute(self) -> Iterator[None]:
        self.cost_within_limit()
        yield

    def cost_within_limit(self) -> int | None:
        """The operation's cost, or None when it is not to run: refused here for its cost,
        or before (a result is set already)."""
        context = self.execution_context
        document = context.graphql_document
        if document is None or context.result is not None:
            return None
        cost = query_cost(
            context.schema._schema, document, context.variables, context.operation_name
        )
        if cost > self.max_cost:
            error = GraphQLError(
                f"The query could resolve {cost} objects; the limit is {self.max_cost}. "
                "Ask for smaller pages or fewer nested lists.",
                extensions={"code": QUERY_TOO_COMPLEX, "cost": cost, "maxCost": self.max_cost},
            )
            context.result = GraphQLExecutionResult(data=None, errors=[error])
            return None
        return cost


def limit_rules(*, max_depth: int, max_aliases: int) -> list[type[ASTValidationRule]]:
    """Strawberry's depth and alias rules, built once: each limiter makes a new rule class
    when constructed, and fresh classes on every request would defeat the validation cache
    (whose key holds the rules). The token limit is a parse option (``schema.caching``)."""
    return [
        *QueryDepthLimiter(max_depth=max_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=max_aliases).validation_rules,
    ]

"""The plans of the reads the app really sends, for every connection the schema serves.

Each connection field of the served schema (top-level, and nested under the objects of
another connection) is queried with each order, each filter field, cursors both ways and
the default page; the commands the app's driver sends are recorded and explained on the
server. So a new connection, filter or order is covered without a new test, and a filter
field with no sample value below fails here until it has one.

What is checked, per recorded read:
- an index serves it (no collection scan);
- where it is sorted, an index of the server's gives the order: it leads with fields the
  query pins to values, then holds the sort key. On a real MongoDB the winning plan must
  use such an index with no blocking ``SORT`` stage. SecantusDB's planner takes the first
  index on the filter's field whatever the order, and its explain shows a ``SORT`` whenever
  a filter narrows the scan (it sorts what it decoded, as the developers' guide accepts);
- a page asks for the window's size + 1 and no more (a ``find`` limit, or ``$firstN`` per
  parent for nested pages);
- no count runs unless ``totalCount`` is selected, and one does when it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    get_named_type,
    is_list_type,
    is_non_null_type,
)

from model.store import Database, Document
from schema.schema import build_schema
from tests.conftest import CommandRecorder, data
from tests.plans import explain

# A value for every String field of every filter input; enum fields take their first value
# from the schema. Values name seeded objects, so filtered pages are not all empty.
SAMPLES: dict[str, Any] = {
    "PersonFilter.name": "Kislyak",
    "PersonFilter.country": "ru",
    "PersonFilter.organization": "russian-foreign-ministry",
    "OrganizationFilter.name": "Interfax",
    "OrganizationFilter.country": "US",
    "EventFilter.from": "2008",
    "EventFilter.to": "2009-12",
    "EventFilter.participant": "sergei-magnitsky",
    "EventFilter.article": "moscow-times-magnitsky-bill",
    "StatementFilter.speaker": "sergei-kislyak",
    "StatementFilter.about": "magnitsky-act",
    "StatementFilter.article": "moscow-times-magnitsky-bill",
    "StatementFilter.text": "pressure",
    "SanctionFilter.authority": "us-state-department",
    "SanctionFilter.target": "sergei-magnitsky",
}
PAGE = 2  # small enough that the seed gives later pages
PARENTS = 5  # parents of a nested connection, read as one page of their own connection
MAX_PAGE = 100
DEFAULT_PAGE = 20  # the documented page size when neither first nor last is given
INDEX_SCANS = ("IXSCAN", "IDHACK", "EXPRESS_IXSCAN", "COUNT_SCAN", "DISTINCT_SCAN")


def _graphql_schema() -> GraphQLSchema:
    schema: GraphQLSchema = build_schema()._schema
    return schema


def _is_connection(field: GraphQLField) -> bool:
    named = get_named_type(field.type)
    return isinstance(named, GraphQLObjectType) and {"edges", "nodes", "pageInfo"} <= set(
        named.fields
    )


def _node_type(field: GraphQLField) -> GraphQLNamedType:
    connection = get_named_type(field.type)
    assert isinstance(connection, GraphQLObjectType)
    named: GraphQLNamedType = get_named_type(connection.fields["nodes"].type)
    return named


@dataclass(frozen=True)
class Target:
    """A connection field and, when nested, the top-level connection that lists its parents."""

    owner: str
    name: str
    field: GraphQLField
    parents: str | None = None

    @property
    def node(self) -> str:
        return _node_type(self.field).name

    @property
    def label(self) -> str:
        return f"{self.owner}.{self.name}"

    def query(
        self, arguments: str, selection: str, parent: str | None = None, parents: int = PARENTS
    ) -> str:
        """Top-level; nested under a page of parents; or nested under one parent's ``node``."""
        inner = f"{self.name}{arguments} {{ {selection} }}"
        if self.parents is None:
            return f"{{ {inner} }}"
        if parent is not None:
            return f"{{ node(id: {_literal(parent)}) {{ ... on {self.owner} {{ {inner} }} }} }}"
        return f"{{ {self.parents}(first: {parents}) {{ nodes {{ id {inner} }} }} }}"

    def connections(self, result: dict[str, Any]) -> list[tuple[str | None, dict[str, Any]]]:
        """Each connection in a result, with the id of its parent (None at the top)."""
        if self.parents is None:
            return [(None, result[self.name])]
        return [(node["id"], node[self.name]) for node in result[self.parents]["nodes"]]


def connection_targets(schema: GraphQLSchema) -> list[Target]:
    query = schema.query_type
    assert query is not None
    listing = {  # the top-level connection of each node type
        _node_type(field).name: name
        for name, field in query.fields.items()
        if _is_connection(field)
    }
    targets: list[Target] = []
    for type_name, named in sorted(schema.type_map.items()):
        if not isinstance(named, GraphQLObjectType) or type_name.startswith("__"):
            continue
        for name, field in named.fields.items():
            if not _is_connection(field):
                continue
            if named is query:
                targets.append(Target("Query", name, field))
            else:
                assert type_name in listing, f"{type_name}.{name}: no connection lists {type_name}"
                targets.append(Target(type_name, name, field, listing[type_name]))
    return targets


def _literal(value: Any) -> str:
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(_literal(item) for item in value) + "]"
    if isinstance(value, EnumValue):
        return value.name
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {_literal(item)}" for key, item in value.items()) + "}"
    return str(value)


@dataclass(frozen=True)
class EnumValue:
    """An enum value, printed bare."""

    name: str


def _sample(filter_type: GraphQLInputObjectType, name: str) -> Any:
    field_type = filter_type.fields[name].type
    if is_non_null_type(field_type):
        field_type = field_type.of_type
    named = get_named_type(field_type)
    if isinstance(named, GraphQLEnumType):
        value: Any = EnumValue(next(iter(named.values)))
    else:
        key = f"{filter_type.name}.{name}"
        assert key in SAMPLES, f"no sample value for the filter field {key}: add one to SAMPLES"
        value = SAMPLES[key]
    return [value] if is_list_type(field_type) and not isinstance(value, list) else value


def _orders(field: GraphQLField) -> list[dict[str, Any] | None]:
    """None (the default order), then every field and direction of the order input."""
    if "orderBy" not in field.args:
        return [None]
    order_type = get_named_type(field.args["orderBy"].type)
    assert isinstance(order_type, GraphQLInputObjectType)
    fields = get_named_type(order_type.fields["field"].type)
    directions = get_named_type(order_type.fields["direction"].type)
    assert isinstance(fields, GraphQLEnumType)
    assert isinstance(directions, GraphQLEnumType)
    return [None] + [
        {"field": EnumValue(field_name), "direction": EnumValue(direction)}
        for field_name in fields.values
        for direction in directions.values
    ]


def _filters(field: GraphQLField) -> list[dict[str, Any]]:
    """Each filter field alone."""
    if "filter" not in field.args:
        return []
    filter_type = get_named_type(field.args["filter"].type)
    assert isinstance(filter_type, GraphQLInputObjectType)
    return [{name: _sample(filter_type, name)} for name in filter_type.fields]


def _arguments(**given: Any) -> str:
    kept = {name: value for name, value in given.items() if value is not None}
    if not kept:
        return ""
    return "(" + ", ".join(f"{name}: {_literal(value)}" for name, value in kept.items()) + ")"


def pinned(query: Document) -> set[str]:
    """Fields the query holds to given values (equality, ``$in``, ``$all``)."""
    fields: set[str] = set()
    for key, value in query.items():
        if key == "$and":
            for part in value:
                fields |= pinned(part)
        elif not key.startswith("$") and (
            not isinstance(value, dict) or set(value) <= {"$eq", "$in", "$all"}
        ):
            fields.add(key)
    return fields


def gives_order(keys: list[str], sort: Document, query: Document) -> bool:
    """An index on ``keys`` is a range in the sort's order: it leads with fields the query
    pins (one at least, if the query pins any), then holds the sort key."""
    (sort_key,) = sort
    if sort_key not in keys:
        return False
    lead = set(keys[: keys.index(sort_key)])
    held = pinned(query)
    return lead <= held and bool(lead or not held)


def scanned_keys(stages: list[dict[str, Any]]) -> list[list[str]]:
    return [list(stage["keyPattern"]) for stage in stages if "keyPattern" in stage]


async def indexed_keys(db: Database, collection: str) -> list[list[str]]:
    return [list(index["key"]) async for index in await db[collection].list_indexes()]


def is_count(command: Document) -> bool:
    if "count" in command:
        return True
    if "aggregate" not in command:
        return False
    return any(
        accumulator == {"$sum": 1}
        for stage in command["pipeline"]
        for accumulator in stage.get("$group", {}).values()
    )


def _first_n(command: Document) -> list[int]:
    return [
        accumulator["$firstN"]["n"]
        for stage in command.get("pipeline", [])
        for accumulator in stage.get("$group", {}).values()
        if isinstance(accumulator, dict) and "$firstN" in accumulator
    ]


async def secantus(db: Database) -> bool:
    return "secantusVersion" in await db.client.admin.command("buildInfo")


async def check_reads(
    db: Database, commands: list[Document], page_limits: set[int], nested_n: int | None
) -> None:
    """Every read is an index scan, sorted ones in index order, pages bounded as asked."""
    strict = not await secantus(db)
    sorted_limits: set[int] = set()
    first_n: list[int] = []
    for command in commands:
        name = next(iter(command))
        if name not in {"find", "aggregate", "count"}:
            continue
        stages = await explain(db, command)
        kinds = [stage["stage"] for stage in stages]
        what = f"{command}\nplan: {kinds}"
        if is_count(command):
            continue  # counts are checked by test_no_count_unless_total_count_is_selected
        assert "COLLSCAN" not in kinds, what
        assert any(kind in INDEX_SCANS for kind in kinds), what
        if name == "find":
            query, sort = command.get("filter", {}), command.get("sort")
        else:
            pipeline = command["pipeline"]
            query = next(stage["$match"] for stage in pipeline if "$match" in stage)
            sort = next((stage["$sort"] for stage in pipeline if "$sort" in stage), None)
            first_n += _first_n(command)
        if not sort:
            continue
        # The name filters pin _id to a bounded set of slugs: sorting those is a small,
        # bounded sort, not a scan that grows with the collection.
        bounded = isinstance(query.get("_id"), dict) and "$in" in query["_id"]
        if not bounded:
            indexes = await indexed_keys(db, command[name])
            assert any(gives_order(keys, sort, query) for keys in indexes), what
            if strict:
                # SecantusDB takes the first index on the filter's field, whatever the order.
                assert any(gives_order(keys, sort, query) for keys in scanned_keys(stages)), what
                assert "SORT" not in kinds, what
        if name == "find":
            assert "limit" in command, what
            sorted_limits.add(command["limit"])
            for stage in stages:
                if "limitAmount" in stage:
                    assert stage["limitAmount"] == command["limit"], what
    assert sorted_limits == page_limits, (sorted_limits, page_limits)
    assert first_n == ([] if nested_n is None else [nested_n]), first_n


TARGETS = connection_targets(_graphql_schema())


def test_the_schema_has_nested_connections() -> None:
    """The walk finds what the schema serves (guards the walk itself)."""
    labels = {target.label for target in TARGETS}
    assert {"Query.persons", "Query.events", "Person.statements", "Organization.statements"} <= (
        labels
    )


SELECTION = "nodes { id } pageInfo { startCursor endCursor }"


@dataclass(frozen=True)
class Case:
    arguments: str
    size: int
    parent: str | None = None  # a cursor's page is read under the parent it came from

    def page_limits(self, target: Target) -> tuple[set[int], int | None]:
        """The limits of the sorted finds, and ``$firstN`` of the nested page, if any."""
        if target.parents is None:
            return {self.size + 1}, None
        if self.parent is not None:
            return set(), self.size + 1  # ``node(id)`` reads the parent by id, unsorted
        return {PARENTS + 1}, self.size + 1  # the parents' own page, then theirs


async def _cursor(
    client: httpx.AsyncClient, target: Target, order: dict[str, Any] | None, *, end: bool
) -> tuple[str | None, str]:
    """A cursor of the order's first (``end``) or last page, and the parent it came from.

    A nested list that the seed leaves empty under every parent (no person is a sanction's
    target) takes its cursor from the top-level list of the same items, in the same order.
    """
    size = {"first": PAGE} if end else {"last": PAGE}
    arguments = _arguments(orderBy=order, **size)
    result = await data(client, target.query(arguments, SELECTION, parents=MAX_PAGE))
    key = "endCursor" if end else "startCursor"
    found = [
        (parent, str(connection["pageInfo"][key]))
        for parent, connection in target.connections(result)
        if connection["pageInfo"][key]
    ]
    if found or target.parents is None:
        assert found, f"{target.label}: the seed gives no page to take a cursor from"
        return found[0]
    top = next(t for t in TARGETS if t.parents is None and t.node == target.node)
    parent, _ = target.connections(result)[0]
    _, cursor = await _cursor(client, top, order, end=end)
    return parent, cursor


async def _cases(client: httpx.AsyncClient, target: Target) -> list[Case]:
    cases = [Case("", DEFAULT_PAGE)]
    for order in _orders(target.field):
        after_parent, after = await _cursor(client, target, order, end=True)
        before_parent, before = await _cursor(client, target, order, end=False)
        cases += [
            Case(_arguments(orderBy=order, first=PAGE), PAGE),
            Case(_arguments(orderBy=order, first=PAGE, after=after), PAGE, after_parent),
            Case(_arguments(orderBy=order, last=PAGE), PAGE),
            Case(_arguments(orderBy=order, last=PAGE, before=before), PAGE, before_parent),
        ]
        cases += [
            Case(_arguments(filter=where, orderBy=order, first=PAGE), PAGE)
            for where in _filters(target.field)
        ]
    return cases


@pytest.mark.parametrize("target", TARGETS, ids=[target.label for target in TARGETS])
async def test_every_read_of_a_connection_is_an_index_range_in_order(
    client: httpx.AsyncClient, db: Database, commands: CommandRecorder, target: Target
) -> None:
    for case in await _cases(client, target):
        commands.sent.clear()
        await data(client, target.query(case.arguments, SELECTION, case.parent))
        limits, nested = case.page_limits(target)
        try:
            await check_reads(db, commands.sent, limits, nested)
        except AssertionError as error:
            raise AssertionError(f"{target.label}{case.arguments}: {error}") from None


@pytest.mark.parametrize("target", TARGETS, ids=[target.label for target in TARGETS])
async def test_no_count_unless_total_count_is_selected(
    client: httpx.AsyncClient, commands: CommandRecorder, target: Target
) -> None:
    commands.sent.clear()
    await data(client, target.query(_arguments(first=PAGE), SELECTION))
    assert not [c for c in commands.sent if is_count(c)], commands.sent
    commands.sent.clear()
    await data(client, target.query(_arguments(first=PAGE), f"totalCount {SELECTION}"))
    assert [c for c in commands.sent if is_count(c)], commands.sent


async def test_a_text_filter_of_several_words_is_an_index_range(
    client: httpx.AsyncClient, db: Database, commands: CommandRecorder
) -> None:
    """``$all`` over the statement tokens: MongoDB scans the index on one of the words."""
    if await secantus(db):
        pytest.skip("SecantusDB 0.7 plans $all on a multikey index as a collection scan")
    commands.sent.clear()
    await data(
        client,
        '{ statements(filter: {text: "instrument of pressure"}, first: 2) { nodes { id } } }',
    )
    await check_reads(db, commands.sent, {PAGE + 1}, None)

"""Property-based tests: random strings, numbers and cursors in every argument of every
``Query`` field, sent over HTTP as GraphQL variables.

The arguments come from the served schema (``schema.export.sdl``), so a new field or
argument is fuzzed without touching this file. Whatever the input, the server must answer
a well-formed GraphQL response, never a 5xx, never ``INTERNAL_SERVER_ERROR`` (random
input is the client's fault), never a stack trace or driver internals, and it must still
answer a known-good query afterwards.

pytest-asyncio runs ``@given``-decorated coroutines natively: each example runs on the
test's event loop, with the test's ``client`` (one seeded database per test function,
shared by its examples: every query here is read-only).
"""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    build_schema,
    get_named_type,
    is_leaf_type,
    is_required_argument,
    is_required_input_field,
)
from hypothesis import event, given
from hypothesis import strategies as st

from schema.export import sdl
from tests.fuzz import FUZZ
from tests.inputs import (
    HOSTILE,
    INT_MAX,
    INT_MIN,
    SLUGS,
    InputValues,
    Leaf,
    answered,
    b64,
    codes,
    global_ids,
    long_strings,
    no_leak_words,
    no_leaks,
)

SCHEMA = build_schema(sdl())
assert SCHEMA.query_type is not None
QUERY_FIELDS: dict[str, GraphQLField] = dict(SCHEMA.query_type.fields)

# A fixed, valid document with well-typed variables can fail only on argument values
# (or on the database being slow or away).
VALUE_CODES = {"BAD_USER_INPUT", "TIMEOUT", "SERVICE_UNAVAILABLE", "QUERY_TOO_COMPLEX"}
DEFAULT_PAGE_SIZE = 20
DEFAULT_SEARCH_SIZE = 10
KNOWN_GOOD = "{ persons(first: 1) { totalCount nodes { slug } } }"


# -- strategies for argument values --------------------------------------------

ORDER_NAMES = [
    "persons.name-asc",
    "persons.name-desc",
    "organizations.name-asc",
    "articles.slug-asc",
    *(f"{c}.date-{d}" for c in ("events", "statements", "sanctions") for d in ("asc", "desc")),
    "name-asc",
    "",
]
OPERATOR_VALUES: list[Any] = [
    {"$gt": ""},
    {"$ne": None},
    {"$regex": ".*"},
    {"$where": "1"},
    {"$in": [""]},
    ["$gt", ""],
]

json_values: st.SearchStrategy[Any] = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=8,
)
plausible_keys = st.builds(
    lambda value, slug: f"{value}\x1f{slug}",
    st.sampled_from(["sergei kislyak", "russia", "2009-11-16", "2012", "", "\uffff"])
    | st.text(max_size=12),
    st.sampled_from(SLUGS) | st.text(max_size=12),
)
cursor_keys = plausible_keys | st.text(max_size=30) | st.sampled_from(OPERATOR_VALUES) | json_values
well_formed_cursors = st.builds(
    lambda name, key: b64(json.dumps([name, key], ensure_ascii=False)),
    st.sampled_from(ORDER_NAMES),
    cursor_keys,
)


def tamper(cursor: str, position: int, how: str, char: str) -> str:
    """A cursor with one part broken: a character replaced, dropped or added, and so on."""
    at = position % (len(cursor) + 1)
    match how:
        case "replace":
            return cursor[:at] + char + cursor[at + 1 :]
        case "drop":
            return cursor[:at] + cursor[at + 1 :]
        case "insert":
            return cursor[:at] + char + cursor[at:]
        case "truncate":
            return cursor[:at]
        case "pad":
            return cursor + "=" * (position % 5)
        case "standard-alphabet":
            return cursor.replace("-", "+").replace("_", "/")
        case "swapcase":
            return cursor.swapcase()
        case "double":
            return cursor + cursor
    raise AssertionError(how)


tampered_cursors = st.builds(
    tamper,
    well_formed_cursors,
    st.integers(0, 500),
    st.sampled_from(
        ["replace", "drop", "insert", "truncate", "pad", "standard-alphabet", "swapcase", "double"]
    ),
    st.characters(codec="ascii"),
)
cursors = (
    well_formed_cursors
    | tampered_cursors
    | json_values.map(lambda value: b64(json.dumps(value)))
    | st.binary(max_size=40).map(lambda raw: base64.urlsafe_b64encode(raw).decode())
)
strings: st.SearchStrategy[str] = st.one_of(
    st.text(max_size=40),  # any code point but lone surrogates, control characters included
    st.text(st.characters(codec="ascii"), max_size=30),
    st.sampled_from(HOSTILE),
    st.sampled_from(SLUGS),
    cursors,
    global_ids,
    long_strings,
)
ints = st.sampled_from([-1, 0, 1, 2, 10, 49, 50, 51, 99, 100, 101, INT_MAX, INT_MIN]) | st.integers(
    INT_MIN, INT_MAX
)


def scalar_values(named: GraphQLScalarType) -> st.SearchStrategy[Any]:
    match named.name:
        case "String" | "ID":
            return strings
        case "Int":
            return ints
        case "Float":
            return st.floats(allow_nan=False, allow_infinity=False)
        case "Boolean":
            return st.booleans()
    raise NotImplementedError(f"no strategy for scalar {named.name}")


def leaf_values(type_: Leaf, place: str) -> st.SearchStrategy[Any]:
    if isinstance(type_, GraphQLEnumType):
        return st.sampled_from(sorted(type_.values))
    return scalar_values(type_)


VALUES = InputValues(
    leaf_values,
    lists=lambda item: (
        st.lists(item, max_size=5)
        | st.builds(lambda one, count: [one] * count, item, st.integers(95, 105))
    ),
)
values = VALUES.of


# -- strategies for values of the wrong type -------------------------------------

non_integral_floats = st.floats(-1e9, 1e9).map(
    lambda number: number + 0.5 if number.is_integer() else number
)
out_of_range_ints = st.integers(max_value=INT_MIN - 1) | st.integers(min_value=INT_MAX + 1)
small_dicts = st.dictionaries(st.text(max_size=5), st.integers(), max_size=2)


def wrong_values(type_: GraphQLInputType, *, bare: bool = False) -> st.SearchStrategy[Any]:
    """Values that variable coercion must refuse for ``type_``.

    ``bare``: the value stands for a whole list (coercion wraps a lone value in a list),
    so it must not be a list itself, which could be a list of valid items.
    """
    if isinstance(type_, GraphQLNonNull):
        return st.none() | wrong_values(type_.of_type, bare=bare)
    if isinstance(type_, GraphQLList):
        item = type_.of_type
        lone = item.of_type if isinstance(item, GraphQLNonNull) else item
        return st.lists(wrong_values(item), min_size=1, max_size=3) | wrong_values(lone, bare=True)
    options: list[st.SearchStrategy[Any]] = [st.booleans()]
    if not isinstance(type_, GraphQLInputObjectType):  # an input object may be a dict
        options.append(small_dicts)
    if isinstance(type_, GraphQLScalarType):
        match type_.name:
            case "Int":
                options += [st.text(max_size=10), non_integral_floats, out_of_range_ints]
                listed: st.SearchStrategy[Any] = st.integers()
            case "String":
                options += [st.integers(), st.floats(allow_nan=False, allow_infinity=False)]
                listed = st.text(max_size=5)
            case "ID":  # graphql-core takes integers (and integral floats) as IDs
                options += [non_integral_floats]
                listed = st.text(max_size=5)
            case _:
                raise NotImplementedError(f"no wrong values for scalar {type_.name}")
    elif isinstance(type_, GraphQLEnumType):
        names = sorted(type_.values)
        options += [st.integers(), st.sampled_from(names).map(lambda name: name.lower() + "_")]
        listed = st.sampled_from(names)
    elif isinstance(type_, GraphQLInputObjectType):
        options += input_object_wrong_values(type_)
        listed = VALUES.fields(type_)
    else:
        raise NotImplementedError(f"no wrong values for {type_}")
    if not bare:
        options.append(st.lists(listed, max_size=2))
    return st.one_of(options)


def input_object_wrong_values(type_: GraphQLInputObjectType) -> list[st.SearchStrategy[Any]]:
    fields = type_.fields
    valid = VALUES.fields(type_)
    unknown_field = st.builds(
        lambda base, name, value: {**base, f"zz{name}": value},
        valid,
        st.text(st.characters(codec="ascii", categories=["L"]), max_size=8),
        json_values,
    )
    one_wrong_field = st.sampled_from(sorted(fields)).flatmap(
        lambda name: st.builds(
            lambda base, value: {**base, name: value}, valid, wrong_values(fields[name].type)
        )
    )
    options = [st.text(max_size=10), st.integers(), unknown_field, one_wrong_field]
    if required := [name for name, f in fields.items() if is_required_input_field(f)]:
        options.append(
            st.sampled_from(required).flatmap(
                lambda name: valid.map(lambda base: {k: v for k, v in base.items() if k != name})
            )
        )
    return options


def wrong_arguments(field: GraphQLField) -> st.SearchStrategy[dict[str, Any]]:
    """Variables with exactly one argument of the wrong type; the others well-typed."""

    def with_one_wrong(name: str) -> st.SearchStrategy[dict[str, Any]]:
        args = field.args
        required = {n: values(a.type) for n, a in args.items() if is_required_argument(a)}
        optional = {n: values(a.type) for n, a in args.items() if n not in required}
        required.pop(name, None)
        optional.pop(name, None)
        return st.builds(
            lambda rest, value: {**rest, name: value},
            st.fixed_dictionaries(required, optional=optional),
            wrong_values(args[name].type),
        )

    return st.sampled_from(sorted(field.args)).flatmap(with_one_wrong).filter(no_leak_words)


# -- documents -------------------------------------------------------------------

WRAPPERS = {"pageInfo", "nodes", "edges", "node"}


def selection(type_: GraphQLOutputType, depth: int = 0) -> str:
    """``__typename``, the leaf fields, and the wrappers (connections, search hits)."""
    named = get_named_type(type_)
    parts = ["__typename"]
    if isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
        for name, field in named.fields.items():
            if any(is_required_argument(a) for a in field.args.values()):
                continue
            if is_leaf_type(get_named_type(field.type)):
                parts.append(name)
            elif name == "edges" and depth < 2:  # its nodes as deep as the `nodes` beside it
                node = get_named_type(field.type).fields["node"].type
                parts.append(f"edges {{ __typename cursor node {selection(node, depth + 1)} }}")
            elif name in WRAPPERS and depth < 2:
                parts.append(f"{name} {selection(field.type, depth + 1)}")
    return "{ " + " ".join(parts) + " }"


def operation(name: str) -> str:
    field = QUERY_FIELDS[name]
    declarations = ", ".join(f"${arg}: {a.type}" for arg, a in field.args.items())
    passed = ", ".join(f"{arg}: ${arg}" for arg in field.args)
    return f"query Fuzz({declarations}) {{ {name}({passed}) {selection(field.type)} }}"


# The fields that take arguments (``viewer`` and ``apiKeys`` take none).
FIELD_NAMES = sorted(name for name, field in QUERY_FIELDS.items() if field.args)
ARGUMENTS = {name: VALUES.arguments(QUERY_FIELDS[name]) for name in FIELD_NAMES}
WRONG_ARGUMENTS = {
    name: wrong_arguments(QUERY_FIELDS[name]) for name in FIELD_NAMES if QUERY_FIELDS[name].args
}
OPERATIONS = {name: operation(name) for name in FIELD_NAMES}


# -- checks ------------------------------------------------------------------------


async def answer(
    client: httpx.AsyncClient, name: str, variables: dict[str, Any]
) -> dict[str, Any] | None:
    """The GraphQL response to ``name`` with ``variables``; None when refused as too large."""
    response = await client.post(
        "/graphql", json={"query": OPERATIONS[name], "variables": variables}
    )
    return answered(response, variables)


def page_size(variables: dict[str, Any]) -> int:
    for argument in ("last", "first"):
        if variables.get(argument) is not None:
            size: int = variables[argument]
            return size
    return DEFAULT_PAGE_SIZE


def consistent(name: str, variables: dict[str, Any], result: Any) -> None:
    """What a successful answer must satisfy, whatever the input."""
    named = get_named_type(QUERY_FIELDS[name].type)
    if result is None:
        assert not isinstance(QUERY_FIELDS[name].type, GraphQLNonNull), name
        return
    if named.name.endswith("Connection"):
        nodes, edges, info = result["nodes"], result["edges"], result["pageInfo"]
        assert nodes == [edge["node"] for edge in edges]
        assert len(nodes) <= min(page_size(variables), result["totalCount"])
        cursors = [edge["cursor"] for edge in edges]
        assert info["startCursor"] == (cursors[0] if cursors else None)
        assert info["endCursor"] == (cursors[-1] if cursors else None)
    elif name == "search":
        first = variables.get("first")
        assert len(result) <= (DEFAULT_SEARCH_SIZE if first is None else first)
        scores = [hit["score"] for hit in result]
        assert scores == sorted(scores, reverse=True)
        if types := variables.get("types"):
            assert {hit["node"]["__typename"].upper() for hit in result} <= set(types)
    elif name == "nodes":
        assert len(result) == len(variables["ids"])


async def still_answers(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"query": KNOWN_GOOD})
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    assert body["data"]["persons"]["totalCount"] > 0


# -- tests ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", FIELD_NAMES)
@FUZZ
@given(draw=st.data())
async def test_random_arguments_are_answered_cleanly(
    client: httpx.AsyncClient, name: str, draw: st.DataObject
) -> None:
    variables = draw.draw(ARGUMENTS[name], label="variables")
    body = await answer(client, name, variables)
    if body is not None:
        event("errors: " + ", ".join(sorted(codes(body))) if "errors" in body else "no errors")
        assert codes(body) <= VALUE_CODES, body
    if body is not None and "errors" not in body:
        result = body["data"][name]
        consistent(name, variables, result)
        page = result.get("pageInfo") if isinstance(result, dict) else None
        end = page["endCursor"] if page else None
        if end is not None:  # a cursor the server hands out, it takes back
            again = await answer(client, name, {**variables, "after": end})
            assert again is None or "errors" not in again, (variables, again)
    await still_answers(client)


@pytest.mark.parametrize("name", sorted(WRONG_ARGUMENTS))
@FUZZ
@given(draw=st.data())
async def test_wrongly_typed_variables_are_bad_user_input(
    client: httpx.AsyncClient, name: str, draw: st.DataObject
) -> None:
    variables = draw.draw(WRONG_ARGUMENTS[name], label="variables")
    body = await answer(client, name, variables)
    if body is not None:
        assert codes(body) == {"BAD_USER_INPUT"}, body
        assert body.get("data") is None, body
    await still_answers(client)


def string_slots() -> list[tuple[str, str, str | None, bool]]:
    """Every place a string goes: (field, argument, input field or None, is a list)."""
    slots: list[tuple[str, str, str | None, bool]] = []
    for name in FIELD_NAMES:
        for arg_name, arg in QUERY_FIELDS[name].args.items():
            named = get_named_type(arg.type)
            if named.name in ("String", "ID"):
                bare = arg.type.of_type if isinstance(arg.type, GraphQLNonNull) else arg.type
                slots.append((name, arg_name, None, isinstance(bare, GraphQLList)))
            elif isinstance(named, GraphQLInputObjectType):
                slots.extend(
                    (name, arg_name, field_name, False)
                    for field_name, field in named.fields.items()
                    if get_named_type(field.type).name in ("String", "ID")
                )
    return slots


SLOTS = string_slots()


@FUZZ
@given(
    slot=st.sampled_from(SLOTS),
    prefix=st.text(st.characters(codec="ascii"), max_size=10),
    surrogate=st.integers(0xD800, 0xDFFF),
    suffix=st.text(st.characters(codec="ascii"), max_size=10),
    draw=st.data(),
)
async def test_lone_surrogates_are_refused_with_400(
    client: httpx.AsyncClient,
    slot: tuple[str, str, str | None, bool],
    prefix: str,
    surrogate: int,
    suffix: str,
    draw: st.DataObject,
) -> None:
    """JSON can escape a lone surrogate ("\\ud800"), but no UTF-8 text can hold one."""
    name, argument, input_field, is_list = slot
    text = prefix + chr(surrogate) + suffix
    value: Any = text
    if input_field is not None:
        value = {input_field: text}
    elif is_list:
        value = [text]
    field = QUERY_FIELDS[name]
    required = {n: values(a.type) for n, a in field.args.items() if is_required_argument(a)}
    required.pop(argument, None)
    variables = {**draw.draw(st.fixed_dictionaries(required), label="others"), argument: value}
    content = json.dumps({"query": OPERATIONS[name], "variables": variables})  # ASCII escapes
    response = await client.post(
        "/graphql", content=content, headers={"content-type": "application/json"}
    )
    no_leaks(response)
    assert response.status_code == 400, (response.status_code, response.text[:2000])
    await still_answers(client)


def test_every_query_field_and_argument_is_fuzzed() -> None:
    """The strategies cover the served schema: a new field or argument is picked up."""
    assert set(OPERATIONS) == {name for name, field in QUERY_FIELDS.items() if field.args}
    assert {"node", "nodes", "search", "persons", "events"} <= set(QUERY_FIELDS)
    for name in FIELD_NAMES:
        for arg in QUERY_FIELDS[name].args:
            assert f"{arg}: ${arg}" in OPERATIONS[name]
    assert {(slot[0], slot[2]) for slot in SLOTS} >= {
        ("persons", "name"),
        ("events", "from"),
        ("statements", "text"),
        ("sanctions", "target"),
        ("organizations", "country"),
    }

"""Bad requests over HTTP: every error carries ``extensions.code``, none leaks a stack
trace or driver internals, none is a 5xx, and none changes the data."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest
from graphql import GraphQLError
from pymongo import ASCENDING
from starlette.applications import Starlette

from api.app import create_app
from api.settings import Settings
from model.names import COLLECTIONS
from model.store import Database
from schema import caching
from tests.conftest import DATABASE_FAILURE_IDS, DATABASE_FAILURES, data, graphql
from tests.snapshot import snapshot

LEAKS = ("Traceback", "pymongo", 'File "', "bson", "OperationFailure")
BAD_USER_INPUT = "BAD_USER_INPUT"
PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"

CONNECTION = "{ totalCount nodes { slug } pageInfo { endCursor } }"


@pytest.fixture
async def raw(client: httpx.AsyncClient, app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    """Like ``client`` (same app, lifespan running) but an unhandled exception comes back
    as the 500 response a real server would send, instead of being raised in the test."""
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://dossier.test") as http:
        yield http


def b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


async def post(
    client: httpx.AsyncClient, query: str, variables: dict[str, Any] | None = None
) -> httpx.Response:
    return await client.post("/graphql", json={"query": query, "variables": variables or {}})


def no_leaks(response: httpx.Response) -> None:
    assert response.status_code < 500, response.text
    for leak in LEAKS:
        assert leak not in response.text, f"{leak!r} leaked: {response.text}"


def error_body(response: httpx.Response) -> dict[str, Any]:
    """A GraphQL error response: status 200 or 400, JSON, every error coded, no leaks."""
    no_leaks(response)
    assert response.status_code in (200, 400), response.text
    assert response.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    errors = body.get("errors")
    assert isinstance(errors, list), body
    assert errors, body
    for error in errors:
        assert isinstance(error["message"], str)
        assert error["message"]
        assert isinstance(error.get("extensions", {}).get("code"), str), error
    return body


async def expect_code(
    client: httpx.AsyncClient,
    query: str,
    code: str,
    variables: dict[str, Any] | None = None,
) -> dict[str, Any]:
    body = error_body(await post(client, query, variables))
    codes = [error["extensions"]["code"] for error in body["errors"]]
    assert codes == [code], body
    return body


async def cursor_of(client: httpx.AsyncClient, field: str, arguments: str = "") -> str:
    args = f"(first: 1{', ' + arguments if arguments else ''})"
    cursor = (await data(client, f"{{ {field}{args} {CONNECTION} }}"))[field]["pageInfo"][
        "endCursor"
    ]
    assert isinstance(cursor, str)
    return cursor


# -- pagination arguments -----------------------------------------------------

BAD_PAGINATION = [
    "{ persons(first: -1) { totalCount } }",
    "{ persons(first: 101) { totalCount } }",
    "{ persons(last: 101) { totalCount } }",
    "{ persons(last: -1) { totalCount } }",
    "{ persons(first: 1, last: 1) { totalCount } }",
    "{ persons(first: 0, last: 0) { totalCount } }",
    '{ persons(after: "not-a-cursor") { totalCount } }',
    '{ persons(before: "not-a-cursor") { totalCount } }',
    '{ persons(after: "") { totalCount } }',
    '{ persons(after: "Ünïcödé") { totalCount } }',
    "{ organizations(first: 101) { totalCount } }",
    "{ events(first: -1) { totalCount } }",
    "{ statements(last: 101) { totalCount } }",
    "{ sanctions(first: 2147483647) { totalCount } }",
    "{ articles(first: 101) { totalCount } }",
    '{ person(slug: "sergei-kislyak") { statements(first: 101) { totalCount } } }',
    '{ person(slug: "sergei-kislyak") { events(last: -1) { totalCount } } }',
    '{ person(slug: "sergei-kislyak") { sanctions(first: 1, last: 1) { totalCount } } }',
    '{ organization(slug: "russia") { statements(after: "not-a-cursor") { totalCount } } }',
    '{ organization(slug: "russia") { sanctionsImposed(first: 101) { totalCount } } }',
]


@pytest.mark.parametrize("query", BAD_PAGINATION)
async def test_bad_pagination_arguments(client: httpx.AsyncClient, query: str) -> None:
    await expect_code(client, query, BAD_USER_INPUT)


@pytest.mark.parametrize("size", [0, 1, 100])
async def test_page_sizes_at_the_bounds_are_accepted(client: httpx.AsyncClient, size: int) -> None:
    for argument in ("first", "last"):
        await data(client, f"{{ persons({argument}: {size}) {{ totalCount }} }}")


INJECTION_CURSOR = b64('["name-asc", {"$gt": ""}]')
FORGED_CURSORS = [
    b64("5"),
    b64("null"),
    b64("{}"),
    b64("[]"),
    b64('"name-asc"'),
    b64('["name-asc"]'),
    b64('["name-asc", "x", "y", "z"]'),
    INJECTION_CURSOR,
    b64('["name-asc", {"$gt": ""}, "sergei-kislyak"]'),
    b64('["name-asc", "sergei kislyak", {"$ne": null}]'),
    b64('["name-asc", ["a"]]'),
    b64('["name-asc", 1]'),
    b64('{"name-asc": "x"}'),
    b64('["date-asc", "2009"]'),
    b64('["name-desc", "sergei kislyak"]'),
    b64("\x00\x01 not json"),
    "x" * 10_000,
]


@pytest.mark.parametrize("cursor", FORGED_CURSORS)
@pytest.mark.parametrize("argument", ["after", "before"])
async def test_forged_cursors_are_rejected(
    client: httpx.AsyncClient, cursor: str, argument: str
) -> None:
    await expect_code(
        client,
        f"query($c: String) {{ persons({argument}: $c) {{ totalCount }} }}",
        BAD_USER_INPUT,
        {"c": cursor},
    )


@pytest.mark.parametrize(
    ("query", "argument"),
    [
        ("{ persons(first: 101) { totalCount } }", "first"),
        ("{ persons(last: -1) { totalCount } }", "last"),
        ('{ persons(after: "garbage!") { totalCount } }', "after"),
        ('{ persons(before: "garbage!") { totalCount } }', "before"),
        ('{ persons(filter: {name: "%s"}) { totalCount } }' % ("a" * 201), "name"),
        ('{ search(query: "%s") { score } }' % ("a" * 201), "query"),
        ('{ search(query: "x", first: 51) { score } }', "first"),
    ],
)
async def test_a_refused_argument_is_named(
    client: httpx.AsyncClient, query: str, argument: str
) -> None:
    """A client can tell which argument to fix: in ``extensions.argument`` and the message."""
    body = await graphql(client, query)
    (error,) = body["errors"]
    assert error["extensions"]["code"] == BAD_USER_INPUT
    assert error["extensions"]["argument"] == argument
    assert f"`{argument}`" in error["message"]


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("persons", "events"),
        ("persons", "statements"),
        ("events", "persons"),
        ("articles", "persons"),
        ("sanctions", "organizations"),
        ("persons", 'persons(orderBy: {field: NAME, direction: DESC}, after: "{c}")'),
        ("events", 'events(orderBy: {field: DATE, direction: DESC}, after: "{c}")'),
        ("persons", 'person(slug: "sergei-kislyak") { statements(after: "{c}") }'),
    ],
)
async def test_a_cursor_of_another_connection_or_order_is_rejected(
    client: httpx.AsyncClient, source: str, target: str
) -> None:
    cursor = await cursor_of(client, source)
    if "{c}" not in target:
        target = f'{target}(after: "{{c}}")'
    selection = target.replace("{c}", cursor)
    if selection.endswith("}"):  # a nested connection
        query = "{ " + selection[:-1] + " { totalCount } } }"
    else:
        query = f"{{ {selection} {{ totalCount }} }}"
    await expect_code(client, query, BAD_USER_INPUT)


@pytest.mark.parametrize(
    ("source", "target"),
    [("persons", "organizations"), ("events", "statements"), ("statements", "sanctions")],
)
async def test_a_cursor_of_another_connection_with_the_same_order_is_rejected(
    client: httpx.AsyncClient, source: str, target: str
) -> None:
    cursor = await cursor_of(client, source)
    await expect_code(client, f'{{ {target}(after: "{cursor}") {{ totalCount }} }}', BAD_USER_INPUT)


# -- filters ------------------------------------------------------------------


@pytest.mark.parametrize(
    "bounds",
    [
        'from: "yesterday"',
        'to: "yesterday"',
        'from: "2009-13"',
        'from: "2009-00"',
        'to: "2009-11-32"',
        'from: "09"',
        'from: "2009-1"',
        'from: " 2009"',
        'from: "2009/11"',
        'from: ""',
        'from: "2009", to: "last summer"',
        'from: "{\\"$gt\\": \\"\\"}"',
    ],
)
async def test_bad_date_bounds(client: httpx.AsyncClient, bounds: str) -> None:
    body = await expect_code(
        client, f"{{ events(filter: {{{bounds}}}) {{ totalCount }} }}", BAD_USER_INPUT
    )
    assert body["data"] is None or body["data"].get("events") is None


@pytest.mark.parametrize("direction", ["ASC", "DESC"])
async def test_bad_date_bound_in_either_order(client: httpx.AsyncClient, direction: str) -> None:
    await expect_code(
        client,
        '{ events(filter: {from: "yesterday"}, '
        f"orderBy: {{field: DATE, direction: {direction}}}) {{ totalCount }} }}",
        BAD_USER_INPUT,
    )


# -- node and nodes -----------------------------------------------------------

TYPES = {
    "persons": "Person",
    "organizations": "Organization",
    "events": "Event",
    "statements": "Statement",
    "sanctions": "Sanction",
    "articles": "Article",
}


@pytest.mark.parametrize(
    "node_id",
    [
        "garbage",
        b64("Nope:x"),
        b64("Person"),
        b64("Person:"),
        b64(":sergei-kislyak"),
        b64("person:sergei-kislyak"),
        "",
        "Ünïcödé",
        base64.urlsafe_b64encode(b"\xff\xfe:\x80").decode(),
    ],
)
async def test_malformed_node_ids(client: httpx.AsyncClient, node_id: str) -> None:
    body = await expect_code(
        client, "query($id: ID!) { node(id: $id) { id } }", BAD_USER_INPUT, {"id": node_id}
    )
    assert body["data"] == {"node": None}


@pytest.mark.parametrize("type_name", sorted(TYPES.values()))
async def test_a_well_formed_missing_node_is_null(
    client: httpx.AsyncClient, db: Database, type_name: str
) -> None:
    collection = next(c for c, t in TYPES.items() if t == type_name)
    assert await db[collection].count_documents({"_id": "no-such-slug"}) == 0
    result = await data(
        client, "query($id: ID!) { node(id: $id) { id } }", {"id": b64(f"{type_name}:no-such-slug")}
    )
    assert result == {"node": None}


@pytest.mark.parametrize("field", sorted(TYPES))
async def test_node_ids_round_trip(client: httpx.AsyncClient, db: Database, field: str) -> None:
    connection = (await data(client, f"{{ {field}(first: 100) {{ nodes {{ id slug }} }} }}"))[field]
    nodes = connection["nodes"]
    assert len(nodes) == await db[field].count_documents({})
    query = f"""query($id: ID!) {{ node(id: $id) {{
        id __typename ... on {TYPES[field]} {{ slug }} }} }}"""
    for node in nodes:
        found = (await data(client, query, {"id": node["id"]}))["node"]
        assert found == {"id": node["id"], "__typename": TYPES[field], "slug": node["slug"]}
    ids = [node["id"] for node in nodes]
    many = (await data(client, "query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": ids}))[
        "nodes"
    ]
    assert [node["id"] for node in many] == ids


async def test_ids_are_unique_across_types(client: httpx.AsyncClient) -> None:
    ids: list[str] = []
    for field in TYPES:
        result = await data(client, f"{{ {field}(first: 100) {{ nodes {{ id }} }} }}")
        ids.extend(node["id"] for node in result[field]["nodes"])
    assert len(ids) == len(set(ids))


async def test_nodes_keeps_order_and_nulls_missing(client: httpx.AsyncClient) -> None:
    person = (await data(client, "{ persons(first: 1) { nodes { id } } }"))["persons"]["nodes"][0]
    event = (await data(client, "{ events(first: 1) { nodes { id } } }"))["events"]["nodes"][0]
    missing = b64("Person:no-such-person")
    result = await data(
        client,
        "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
        {"ids": [event["id"], missing, person["id"]]},
    )
    assert result["nodes"] == [event, None, person]


async def test_nodes_accepts_one_hundred_ids(client: httpx.AsyncClient) -> None:
    person = (await data(client, "{ persons(first: 1) { nodes { id } } }"))["persons"]["nodes"][0]
    result = await data(
        client, "query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": [person["id"]] * 100}
    )
    assert result["nodes"] == [person] * 100


@pytest.mark.parametrize("count", [101, 1000])
async def test_nodes_refuses_more_than_one_hundred_ids(
    client: httpx.AsyncClient, count: int
) -> None:
    ids = [b64(f"Person:p{index}") for index in range(count)]
    body = await expect_code(
        client, "query($ids: [ID!]!) { nodes(ids: $ids) { id } }", BAD_USER_INPUT, {"ids": ids}
    )
    assert body["data"] is None


async def test_nodes_with_a_malformed_id(client: httpx.AsyncClient) -> None:
    person = (await data(client, "{ persons(first: 1) { nodes { id } } }"))["persons"]["nodes"][0]
    body = error_body(
        await post(
            client,
            "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
            {"ids": [person["id"], "garbage"]},
        )
    )
    assert {error["extensions"]["code"] for error in body["errors"]} == {BAD_USER_INPUT}


# -- search -------------------------------------------------------------------


@pytest.mark.parametrize(
    "variables",
    [
        {"q": ""},
        {"q": "   "},
        {"q": "!!!"},
        {"q": "\t\n"},
        {"q": ".*"},
        {"q": "a" * 1000},
        {"q": "kislyak " * 125},
        {"q": "kislyak", "first": 51},
        {"q": "kislyak", "first": 0},
        {"q": "kislyak", "first": -1},
    ],
    ids=lambda variables: json.dumps(variables)[:40],
)
async def test_bad_search(client: httpx.AsyncClient, variables: dict[str, Any]) -> None:
    body = await expect_code(
        client,
        "query($q: String!, $first: Int) { search(query: $q, first: $first) { score } }",
        BAD_USER_INPUT,
        variables,
    )
    assert body["data"] is None


async def test_search_limits_are_inclusive(client: httpx.AsyncClient) -> None:
    query = "query($q: String!, $first: Int) { search(query: $q, first: $first) { score } }"
    for first in (1, 50):
        hits = (await data(client, query, {"q": "magnitsky", "first": first}))["search"]
        assert 0 < len(hits) <= first
    long_query = ("magnitsky " * 20)[:200]
    assert len(long_query) == 200
    await data(client, query, {"q": long_query})


# -- GraphQL documents --------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("{ persons(first: 2", PARSE_FAILED),
        ("{ persons { totalCount } ", PARSE_FAILED),
        ("query {", PARSE_FAILED),
        ("}}}", PARSE_FAILED),
        ("# only a comment", PARSE_FAILED),
        ("{ persons { nope } }", VALIDATION_FAILED),
        ("{ nope }", VALIDATION_FAILED),
        ("{ persons(nope: 1) { totalCount } }", VALIDATION_FAILED),
        ('{ persons(first: "abc") { totalCount } }', VALIDATION_FAILED),
        ("{ organizations(filter: {kind: NOPE}) { totalCount } }", VALIDATION_FAILED),
        ("{ persons }", VALIDATION_FAILED),
        ("{ node { id } }", VALIDATION_FAILED),
        ("query { persons { totalCount } } query { persons { totalCount } }", VALIDATION_FAILED),
        ("fragment F on Person { name } { persons { totalCount } }", VALIDATION_FAILED),
    ],
)
async def test_malformed_documents(client: httpx.AsyncClient, query: str, code: str) -> None:
    response = await post(client, query)
    assert response.status_code in (200, 400), response.text
    body = error_body(response)
    assert {error["extensions"]["code"] for error in body["errors"]} == {code}
    assert body.get("data") is None


@pytest.mark.parametrize(
    "query",
    [
        "query($x: Int) { persons { totalCount } }",
        "{ persons(first: $y) { totalCount } }",
        "query($s: String) { persons(first: $s) { totalCount } }",
    ],
)
async def test_variable_errors_in_the_document_are_validation_errors(
    client: httpx.AsyncClient, query: str
) -> None:
    await expect_code(client, query, VALIDATION_FAILED)


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        ("query($first: Int) { persons(first: $first) { totalCount } }", {"first": "abc"}),
        ("query($first: Int) { persons(first: $first) { totalCount } }", {"first": 1.5}),
        (
            "query($kind: OrganizationKind) { organizations(filter: {kind: $kind}) "
            "{ totalCount } }",
            {"kind": "NOPE"},
        ),
        ("query($slug: String!) { person(slug: $slug) { name } }", {"slug": None}),
        ("query($slug: String!) { person(slug: $slug) { name } }", {}),
    ],
)
async def test_a_variable_of_the_wrong_type(
    client: httpx.AsyncClient, query: str, variables: dict[str, Any]
) -> None:
    await expect_code(client, query, BAD_USER_INPUT, variables)


async def test_a_variable_of_the_wrong_type_does_not_leak(client: httpx.AsyncClient) -> None:
    """Whatever its code, the error is a coded GraphQL error without internals."""
    response = await post(
        client, "query($first: Int) { persons(first: $first) { totalCount } }", {"first": "abc"}
    )
    body = error_body(response)
    assert body.get("data") is None


JSON = "application/json"
HANDLED_BODIES = [
    (b"{not json", JSON),
    (b'{"query": "{ persons { totalCount } }"', JSON),
    (b"[1, 2, 3]", JSON),
    (b"[]", JSON),
    (b"{}", JSON),
    (b'{"query": ""}', JSON),
    (b'{"variables": {}}', JSON),
    (b'{"query": 5}', JSON),
    (b'{"query": "{ persons { totalCount } }", "variables": "x"}', JSON),
    (b'{"query": "{ persons { totalCount } }", "extensions": 1}', JSON),
    (b"", JSON),
    (b"query=%7B", "application/x-www-form-urlencoded"),
    (b"{ persons { totalCount } }", "text/plain"),
]
# Valid JSON that is neither an object nor an array, and bytes that are not UTF-8.
CRASHING_BODIES = [
    (b'"just a string"', JSON),
    (b"5", JSON),
    (b"null", JSON),
    (b"true", JSON),
    (b"\x80", JSON),
    (b"\xff\xfe\x00", JSON),
]


MALFORMED_BODIES = HANDLED_BODIES + CRASHING_BODIES


@pytest.mark.parametrize(("content", "content_type"), MALFORMED_BODIES)
async def test_malformed_http_bodies_are_client_errors(
    raw: httpx.AsyncClient, content: bytes, content_type: str
) -> None:
    response = await raw.post("/graphql", content=content, headers={"content-type": content_type})
    no_leaks(response)
    assert 400 <= response.status_code < 500, (response.status_code, response.text)


async def test_get_requests_report_errors_the_same_way(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", params={"query": "{ persons(first: 2"})
    body = error_body(response)
    assert [e["extensions"]["code"] for e in body["errors"]] == [PARSE_FAILED]
    response = await client.get(
        "/graphql", params={"query": "{ persons(first: 101) { totalCount } }"}
    )
    body = error_body(response)
    assert [e["extensions"]["code"] for e in body["errors"]] == [BAD_USER_INPUT]
    response = await client.get(
        "/graphql", params={"query": "{ persons { totalCount } }", "variables": "{bad"}
    )
    no_leaks(response)
    assert 400 <= response.status_code < 500


# -- bad input never changes data ---------------------------------------------


async def _first_id(db: Database, collection: str) -> Any:
    document = await db[collection].find_one({}, sort=[("_id", ASCENDING)])
    assert document is not None, collection
    return document["_id"]


async def _retype_a_number(db: Database) -> None:
    """An int stored as the equal double: == on decoded documents cannot tell them apart."""
    for collection in COLLECTIONS:
        async for document in db[collection].find({}):
            for key, value in document.items():
                if isinstance(value, int) and not isinstance(value, bool):
                    await db[collection].update_one(
                        {"_id": document["_id"]}, {"$set": {key: float(value)}}
                    )
                    return
    raise AssertionError("no top-level integer to retype")


async def _reorder_fields(db: Database) -> None:
    document = await db["persons"].find_one({"_id": await _first_id(db, "persons")})
    assert document is not None
    rest = [(key, value) for key, value in document.items() if key != "_id"]
    await db["persons"].replace_one(
        {"_id": document["_id"]}, {"_id": document["_id"], **dict(reversed(rest))}
    )


async def _rename_someone(db: Database) -> None:
    await db["persons"].update_one(
        {"_id": await _first_id(db, "persons")}, {"$set": {"name": "Someone Else"}}
    )


async def _delete_a_document(db: Database) -> None:
    await db["events"].delete_one({"_id": await _first_id(db, "events")})


async def _add_a_document(db: Database) -> None:
    await db["sanctions"].insert_one({"_id": "zz-new-sanction"})


async def _add_a_collection(db: Database) -> None:
    await db["request_log"].insert_one({"_id": "one"})


async def _add_an_index(db: Database) -> None:
    await db["statements"].create_index([("medium", ASCENDING)])


async def _drop_an_index(db: Database) -> None:
    indexes = await (await db["persons"].list_indexes()).to_list()
    await db["persons"].drop_index(next(i["name"] for i in indexes if i["name"] != "_id_"))


CHANGES: dict[str, Callable[[Database], Awaitable[None]]] = {
    "retype-a-number": _retype_a_number,
    "reorder-fields": _reorder_fields,
    "rename-someone": _rename_someone,
    "delete-a-document": _delete_a_document,
    "add-a-document": _add_a_document,
    "add-a-collection": _add_a_collection,
    "add-an-index": _add_an_index,
    "drop-an-index": _drop_an_index,
}


@pytest.mark.parametrize("change", sorted(CHANGES))
async def test_the_snapshot_sees_any_change(
    client: httpx.AsyncClient, db: Database, change: str
) -> None:
    """The check below can fail: one write between two snapshots makes them differ."""
    before = await snapshot(db)
    assert await snapshot(db) == before  # reading changes nothing
    await CHANGES[change](db)
    assert await snapshot(db) != before


async def test_bad_requests_change_no_data(
    client: httpx.AsyncClient, raw: httpx.AsyncClient, db: Database
) -> None:
    before = await snapshot(db)
    counts = {name: len(before[name]["documents"]) for name in COLLECTIONS if name in before}
    assert len(counts) == len(COLLECTIONS), counts
    assert all(counts.values()), counts
    persons_cursor = await cursor_of(client, "persons")
    rejected: list[tuple[str, dict[str, Any]]] = [(query, {}) for query in BAD_PAGINATION]
    rejected += [
        (f'{{ events(after: "{persons_cursor}") {{ totalCount }} }}', {}),
        ('{ events(filter: {from: "yesterday"}) { totalCount } }', {}),
        ("query($c: String) { persons(after: $c) { totalCount } }", {"c": INJECTION_CURSOR}),
        ("query($id: ID!) { node(id: $id) { id } }", {"id": b64("Nope:x")}),
        ("query($id: ID!) { node(id: $id) { id } }", {"id": "garbage"}),
        ("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": ["x"] * 101}),
        ("query($q: String!) { search(query: $q) { score } }", {"q": "!!!"}),
        ("query($q: String!) { search(query: $q) { score } }", {"q": "a" * 1000}),
        ("{ persons(first: 2", {}),
        ("{ persons { nope } }", {}),
        ("query($first: Int) { persons(first: $first) { totalCount } }", {"first": "abc"}),
        ('mutation { deletePersons(slug: "sergei-kislyak") }', {}),
        ("subscription { persons { totalCount } }", {}),
    ]
    for query, variables in rejected:
        response = await post(client, query, variables)
        no_leaks(response)
        assert response.json().get("errors"), (query, response.text)
    hostile: list[tuple[str, dict[str, Any]]] = [
        ("query($q: String!) { search(query: $q) { score } }", {"q": "$where"}),
        ("query($n: String!) { persons(filter: {name: $n}) { totalCount } }", {"n": "$where"}),
        (
            "query($n: String!) { persons(filter: {name: $n}) { totalCount } }",
            {"n": '{"$ne": null}'},
        ),
        ("query($t: String!) { statements(filter: {text: $t}) { totalCount } }", {"t": ".*"}),
        ("query($s: String!) { sanctions(filter: {authority: $s}) { totalCount } }", {"s": "$gt"}),
    ]
    for query, variables in hostile:
        no_leaks(await post(client, query, variables))
    for content, content_type in MALFORMED_BODIES:
        await raw.post("/graphql", content=content, headers={"content-type": content_type})
    after = await snapshot(db)
    assert {name: len(state["documents"]) for name, state in after.items()} == {
        name: len(state["documents"]) for name, state in before.items()
    }
    assert after == before


# -- every code, raised for real, and decided without reading a message --------------
#
# schema.errors decides a code by the step that failed and the exception or rule that
# failed it. Each row below makes the API answer one code the way a client would meet
# it; the test after runs them all again with every GraphQL error message reworded, as
# a library upgrade may do, and expects the same codes.

TOO_COMPLEX = "QUERY_TOO_COMPLEX"
MAX_TOKENS = 2000  # Settings.max_query_tokens


def _nested(depth: int) -> str:
    inner = "name"
    for _ in range(depth):
        inner = f"statements(first: 1) {{ nodes {{ speaker {{ ... on Person {{ {inner} }} }} }} }}"
    return f'{{ person(slug: "sergei-kislyak") {{ {inner} }} }}'


def _typenames(count: int) -> str:
    """A document of ``count + 2`` tokens: braces around ``count`` fields."""
    return "{ " + " ".join(["__typename"] * count) + " }"


EXPENSIVE = """{ persons(first: 100) { nodes { statements(first: 100) { nodes {
  about { ... on Person { statements(first: 100) { totalCount } } } } } } } }"""

CODES: list[tuple[str, str, dict[str, Any] | None, list[str]]] = [
    # parsing: the grammar, or the token limit
    ("syntax error", "{ persons(first: 2", None, [PARSE_FAILED]),
    ("only a comment", "# nothing", None, [PARSE_FAILED]),
    ("nested too deeply to parse", "{ f(a: " + "[" * 900 + "]" * 900 + ") }", None, [PARSE_FAILED]),
    ("too many tokens", _typenames(3000), None, [TOO_COMPLEX]),
    ("one token too many", _typenames(MAX_TOKENS - 1), None, [TOO_COMPLEX]),
    (
        "the last allowed token a syntax error",
        _typenames(MAX_TOKENS - 3) + " }",
        None,
        [PARSE_FAILED],
    ),
    ("too many comments", "{ __typename\n" + "#\n" * 3000 + "}", None, [TOO_COMPLEX]),
    # The last allowed token is a description, and the parser, looking past it, refuses
    # the token after it without taking it: a syntax error, at the first token too many.
    (
        "a syntax error seen past the last allowed token",
        _typenames(MAX_TOKENS - 3) + ' "description" !',
        None,
        [PARSE_FAILED],
    ),
    (
        "the same, one token further",
        _typenames(MAX_TOKENS - 2) + ' "description" !',
        None,
        [TOO_COMPLEX],
    ),
    # validation: graphql-core's rules, or the depth and alias limits
    ("unknown field", "{ persons { nope } }", None, [VALIDATION_FAILED]),
    (
        "argument of the wrong type",
        '{ persons(first: "abc") { totalCount } }',
        None,
        [VALIDATION_FAILED],
    ),
    (
        "a value that reads like a limit",
        '{ persons(first: "exceeds maximum operation depth") { totalCount } }',
        None,
        [VALIDATION_FAILED],
    ),
    (
        "a syntax error that reads like a limit",
        '{ persons "Document contains more than" }',
        None,
        [PARSE_FAILED],
    ),
    ("undefined variable", "{ persons(first: $n) { totalCount } }", None, [VALIDATION_FAILED]),
    ("too deep", _nested(6), None, [TOO_COMPLEX]),
    (
        "too many aliases",
        "{ " + " ".join(f'a{i}: person(slug: "x") {{ name }}' for i in range(50)) + " }",
        None,
        [TOO_COMPLEX],
    ),
    (
        "too deep and an unknown field",
        _nested(6).replace("{ name }", "{ name nope }"),
        None,
        [TOO_COMPLEX, VALIDATION_FAILED],
    ),
    # execution: the variables, then the fields
    (
        "variable of the wrong type",
        "query($n: Int) { persons(first: $n) { totalCount } }",
        {"n": "abc"},
        [BAD_USER_INPUT],
    ),
    (
        "required variable missing",
        "query($s: String!) { person(slug: $s) { name } }",
        {},
        [BAD_USER_INPUT],
    ),
    (
        "too many bad variable values",
        "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
        {"ids": [None] * 60},
        [BAD_USER_INPUT] * 50 + [VALIDATION_FAILED],
    ),
    (
        "argument a resolver refuses",
        "{ persons(first: 101) { totalCount } }",
        None,
        [BAD_USER_INPUT],
    ),
    ("too costly", EXPENSIVE, None, [TOO_COMPLEX]),
]


def codes_of(body: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors") or []]


@pytest.mark.parametrize(
    ("query", "variables", "codes"), [row[1:] for row in CODES], ids=[row[0] for row in CODES]
)
async def test_each_code_for_real(
    client: httpx.AsyncClient, query: str, variables: dict[str, Any] | None, codes: list[str]
) -> None:
    body = error_body(await post(client, query, variables))
    assert codes_of(body) == codes, body["errors"][:3]


def _reworded(message: str) -> str:
    """A message in other words: its length, and none of its words."""
    return f"reworded ({len(message)})"


async def test_codes_do_not_depend_on_the_words_of_messages(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every GraphQL error graphql-core, Strawberry or this API makes gets other words:
    the codes stay the same, so none of them was read from a message."""
    caching._validate.cache_clear()  # errors validation made earlier keep their words
    original_init = GraphQLError.__init__

    def reworded_init(self: GraphQLError, message: str, *args: Any, **kwargs: Any) -> None:
        original_init(self, _reworded(message), *args, **kwargs)

    monkeypatch.setattr(GraphQLError, "__init__", reworded_init)
    for name, query, variables, codes in CODES:
        body = error_body(await post(client, query, variables))
        assert all(e["message"].startswith("reworded") for e in body["errors"]), name
        assert codes_of(body) == codes, (name, body["errors"][:3])


# -- the database: failures armed on the server, for the app's connections only ------

KISLYAK = '{ person(slug: "sergei-kislyak") { name } }'


@pytest.mark.parametrize(
    ("failure", "code"),
    DATABASE_FAILURES,
    ids=DATABASE_FAILURE_IDS,
)
async def test_database_failures_have_their_codes(
    client: httpx.AsyncClient,
    fail_point: Callable[..., Awaitable[None]],
    failure: dict[str, Any],
    code: str,
) -> None:
    await fail_point(**failure)
    response = await post(client, KISLYAK)
    body = error_body(response)
    assert codes_of(body) == [code], body
    assert "failCommand" not in response.text  # the server's words stay in the log
    assert body["data"] == {"person": None}
    assert body["errors"][0]["extensions"]["requestId"] == response.headers["x-request-id"]


async def test_a_database_that_does_not_answer_in_time_is_a_timeout(
    settings: Settings,
    db: Database,
    fail_point: Callable[..., Awaitable[None]],
) -> None:
    """The client's own time limit (``DATABASE_TIMEOUT_MS``), the find held at the server."""
    app = create_app(settings.model_copy(update={"database_timeout_ms": 1000}))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://dossier.test") as http:
            await fail_point(blockConnection=True, blockTimeMS=3000)
            body = error_body(await post(http, KISLYAK))
    assert codes_of(body) == ["TIMEOUT"], body

"""Every limit answers with a clear error and a code, and nothing under it is refused."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
import strawberry
from graphql import GraphQLInterfaceType, GraphQLObjectType, GraphQLSchema, parse

from api.settings import Settings
from schema.common.connection import Connection
from schema.common.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from schema.limits import PAGE, UNCUT, bound, is_connection, price, query_cost
from schema.schema import build_schema
from tests.conftest import data, error_codes, graphql, serving
from tests.keys import with_admin, writer

SCHEMA = build_schema()._schema


def _nested(depth: int) -> str:
    inner = "name"
    for _ in range(depth):
        inner = f"statements(first: 1) {{ nodes {{ speaker {{ ... on Person {{ {inner} }} }} }} }}"
    return f'{{ person(slug: "sergei-kislyak") {{ {inner} }} }}'


async def test_a_query_too_deep_is_refused(client: httpx.AsyncClient) -> None:
    await data(client, _nested(2))
    body = await graphql(client, _nested(6))
    assert error_codes(body) == ["QUERY_TOO_COMPLEX"]
    assert "depth" in body["errors"][0]["message"]


async def test_too_many_aliases_are_refused(client: httpx.AsyncClient) -> None:
    few = " ".join(f'a{i}: person(slug: "sergei-kislyak") {{ name }}' for i in range(5))
    await data(client, f"{{ {few} }}")
    many = " ".join(f'a{i}: person(slug: "sergei-kislyak") {{ name }}' for i in range(50))
    body = await graphql(client, f"{{ {many} }}")
    assert error_codes(body) == ["QUERY_TOO_COMPLEX"]


async def test_too_many_tokens_are_refused(client: httpx.AsyncClient) -> None:
    fields = " ".join(["__typename"] * 3000)
    body = await graphql(client, f"{{ {fields} }}")
    assert error_codes(body) == ["QUERY_TOO_COMPLEX"]


EXPENSIVE = """{ persons(first: 100) { nodes { statements(first: 100) { nodes {
  about { ... on Person { statements(first: 100) { totalCount } } } } } } } }"""


async def test_an_expensive_query_is_refused_before_it_runs(client: httpx.AsyncClient) -> None:
    body = await graphql(client, EXPENSIVE)
    assert error_codes(body) == ["QUERY_TOO_COMPLEX"]
    error = body["errors"][0]
    assert error["extensions"]["cost"] > error["extensions"]["maxCost"] == 10_000
    assert body["data"] is None


async def test_cost_reads_page_sizes_from_variables(client: httpx.AsyncClient) -> None:
    query = """query($n: Int) { persons(first: $n) { nodes {
        statements(first: $n) { nodes { about { ... on Person {
          statements(first: $n) { totalCount } } } } } } } }"""
    await data(client, query, {"n": 5})
    body = await graphql(client, query, {"n": 100})
    assert error_codes(body) == ["QUERY_TOO_COMPLEX"]


@pytest.mark.parametrize(
    ("query", "cost"),
    [
        ('{ person(slug: "x") { name } }', 2),
        ("{ persons(first: 10) { nodes { name } } }", 1 + 10 * 2),
        ("{ persons { nodes { name } } }", 1 + 20 * 2),
        (
            "{ persons(first: 10) { nodes { statements(first: 5) { totalCount } } } }",
            1 + 10 * (1 + 1 + 5 * 1),
        ),
        ('{ search(query: "x", first: 3) { score } }', 1 + 3),
        ('{ nodes(ids: ["a", "b"]) { id } }', 1 + 2),
        # A connection is priced by its type, whatever the field is called.
        (
            '{ organization(slug: "x") { sanctionsImposed { edges { node { title } } } } }',
            1 + 1 + DEFAULT_PAGE_SIZE * (1 + 1 + 1),
        ),
        ("{ articles(last: 500) { totalCount } }", 1 + MAX_PAGE_SIZE),
        # A list by the bound declared on its field; a list of scalars costs one.
        ('{ person(slug: "x") { aliases citations { quote } } }', 1 + 1 + 1 + UNCUT),
        ('{ event(slug: "x") { participants { role } } }', 1 + 1 + 5),
        # Page sizes from variables and their defaults, through fragments.
        (
            "query($n: Int = 3) { persons(first: $n) { ...names } }"
            " fragment names on PersonConnection { nodes { name } }",
            1 + 3 * 2,
        ),
        # Spreads cost what they select, wherever they stand and however deep they nest.
        ("{ ...F } fragment F on Query { persons(first: 10) { nodes { name } } }", 1 + 10 * 2),
        ('{ node(id: "x") { ... on Person { ...P } } } fragment P on Person { name }', 1 + 1),
        (
            "{ ...A } fragment A on Query { ...B }"
            " fragment B on Query { persons(first: 2) { totalCount } }",
            1 + 2 * 1,
        ),
        # search without `first` returns its default number of hits; `first: 0` none.
        ('{ search(query: "x") { score } }', 1 + 10),
        ('{ search(query: "x", first: 0) { score } }', 1),
    ],
)
def test_cost_model(query: str, cost: int) -> None:
    assert query_cost(SCHEMA, parse(query)) == cost


def test_variables_set_the_cost() -> None:
    query = parse(
        'query($ids: [ID!]!, $n: Int) { nodes(ids: $ids) { id } search(query: "x", first: $n) {'
        " score } }"
    )
    assert query_cost(SCHEMA, query, {"ids": ["a"] * 7, "n": 4}) == (1 + 7) + (1 + 4)
    # Variables that do not fit are execution's error to report, not a cost.
    assert query_cost(SCHEMA, query, {"ids": ["a"], "n": "four"}) == 0


def unpriced(schema: GraphQLSchema) -> list[str]:
    """Fields returning a list or a connection that the cost extension cannot price."""
    return sorted(
        f"{parent.name}.{name}"
        for parent in schema.type_map.values()
        if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType)
        for name, field in parent.fields.items()
        if price(parent, field) is None
    )


def test_every_list_and_connection_of_the_schema_has_a_price() -> None:
    """A list or connection without a price would cost one, however much it holds: declare
    ``metadata=bound(...)`` on the field (see ``schema.limits``)."""
    assert unpriced(SCHEMA) == []
    connections = [t for t in SCHEMA.type_map.values() if is_connection(t)]
    assert len(connections) == 7  # the walk sees the served schema's types


@strawberry.type
class ToyItem:
    name: str


@strawberry.type
class ToyItemConnection(Connection[ToyItem]):
    pass


def _no_items() -> list[ToyItem]:
    return []


@strawberry.type
class Toy:
    undeclared: list[ToyItem] = strawberry.field(resolver=_no_items)
    declared: list[ToyItem] = strawberry.field(resolver=_no_items, metadata=bound(3))
    page_outside_a_connection: list[ToyItem] = strawberry.field(
        resolver=_no_items, metadata=bound(PAGE)
    )
    bound_on_one_object: ToyItem = strawberry.field(metadata=bound(3))
    connection_without_a_page_size: ToyItemConnection


def test_the_schema_check_finds_what_has_no_price() -> None:
    toy = strawberry.Schema(query=Toy)._schema
    assert unpriced(toy) == [
        "Toy.boundOnOneObject",
        "Toy.connectionWithoutAPageSize",
        "Toy.pageOutsideAConnection",
        "Toy.undeclared",
    ]
    # Were one served, it would be priced as the largest page.
    assert query_cost(toy, parse("{ undeclared { name } }")) == 1 + MAX_PAGE_SIZE
    assert query_cost(toy, parse("{ declared { name } }")) == 1 + 3


async def test_an_oversize_body_gets_413_before_parsing(client: httpx.AsyncClient) -> None:
    padding = " " * 200_000
    response = await client.post(
        "/graphql",
        content=f'{{"query": "{{ articles {{ totalCount }} }}{padding}"}}',
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 413


async def test_a_chunked_oversize_body_gets_413(client: httpx.AsyncClient) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"query": "{ articles { totalCount } }", "x": "'
        for _ in range(30):
            yield b"y" * 10_000
        yield b'"}'

    response = await client.post(
        "/graphql",
        content=chunks(),
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 413


async def test_oversize_variables_get_413(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql",
        json={
            "query": "query($s: String!) { person(slug: $s) { name } }",
            "variables": {"s": "x" * 50_000},
        },
    )
    assert response.status_code == 413


async def test_batches_are_refused(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json=[{"query": "{ articles { totalCount } }"}] * 2)
    assert response.status_code == 400


async def test_default_variable_values_count_towards_the_cost(client: httpx.AsyncClient) -> None:
    query = """query($n: Int = 100) { persons(first: $n) { nodes {
        statements(first: $n) { nodes { about { ... on Person {
          statements(first: $n) { totalCount } } } } } } } }"""
    body = await graphql(client, query)
    assert error_codes(body) == ["QUERY_TOO_COMPLEX"]


async def test_get_variables_are_limited_too(client: httpx.AsyncClient) -> None:
    variables = '{"s": "' + "x" * 30_000 + '"}'
    response = await client.get(
        "/graphql",
        params={
            "query": "query($s: String!) { person(slug: $s) { name } }",
            "variables": variables,
        },
    )
    assert response.status_code == 413


async def test_deeply_nested_json_is_a_client_error(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql", content="[" * 5000 + "]" * 5000, headers={"content-type": "application/json"}
    )
    assert response.status_code == 400


async def test_only_a_key_holders_mutation_may_be_as_large_as_an_article(
    settings: Settings,
) -> None:
    """The room an article needs is a key holder's, and only for mutations: the same
    variables are a user error in a mutation, a coded refusal in a query, 413 without a
    key; and past the room, 413 for everyone."""
    small = settings.model_copy(
        update={"max_article_chars": 3_000, "max_variables_bytes": 2_000, "max_body_bytes": 4_000}
    )
    name = "x" * 5_000  # over the normal limits, within a key holder's
    mutation = """mutation($name: String!) { createPerson(input: {name: $name,
        evidence: [{article: "moscow-times-magnitsky-bill", quote: "Sergei Kislyak said"}]})
      { userErrors { field code } } }"""
    query = "query($name: String!) { persons(filter: {name: $name}) { totalCount } }"
    async with serving(with_admin(small)) as http:
        editor = await writer(http)
        written = await editor(mutation, {"name": name})
        assert written["data"]["createPerson"]["userErrors"] == [
            {"field": ["input", "name"], "code": "INVALID"}  # too long for a name
        ]
        assert error_codes(await editor(query, {"name": name})) == ["REQUEST_TOO_LARGE"]
        anonymous = await http.post("/graphql", json={"query": query, "variables": {"name": name}})
        assert anonymous.status_code == 413
        beyond = await http.post(
            "/graphql",
            json={"query": mutation, "variables": {"name": "x" * 40_000}},
            headers={"Authorization": f"Bearer {editor.secret}"},
        )
        assert beyond.status_code == 413

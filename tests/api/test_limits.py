"""Every limit answers with a clear error and a code, and nothing under it is refused."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from schema.limits import query_cost
from tests.conftest import data, error_codes, graphql


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
    ],
)
def test_cost_model(query: str, cost: int) -> None:
    from graphql import OperationDefinitionNode, parse

    operation = parse(query).definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    assert query_cost(operation.selection_set, {}, {}) == cost


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

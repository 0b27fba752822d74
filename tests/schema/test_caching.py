"""Parse and validation caches: every request still gets its own limits and error codes."""

from __future__ import annotations

from typing import Any

import httpx

from schema.caching import _validate
from tests.conftest import data, error_codes, graphql

PAGE = """query($n: Int, $m: Int) {
  persons(first: $n) { nodes { statements(first: $m) { totalCount } } }
}"""
LEVEL = "statements { nodes { speaker { ... on Person { "
DEEP = '{ person(slug: "x") { ' + LEVEL * 4 + "name" + " } } } }" * 4 + " } }"


async def test_a_cached_document_is_costed_with_each_request_s_variables(
    client: httpx.AsyncClient,
) -> None:
    assert (await data(client, PAGE, {"n": 5, "m": 5}))["persons"]["nodes"]
    refused = await graphql(client, PAGE, {"n": 100, "m": 100})
    assert error_codes(refused) == ["QUERY_TOO_COMPLEX"]
    assert (await data(client, PAGE, {"n": 5, "m": 5}))["persons"]["nodes"]


async def test_cached_refusals_keep_their_codes(client: httpx.AsyncClient) -> None:
    for _ in range(2):
        assert error_codes(await graphql(client, DEEP)) == ["QUERY_TOO_COMPLEX"]
        assert error_codes(await graphql(client, "{ persons { ")) == ["GRAPHQL_PARSE_FAILED"]
        unknown = await graphql(client, "{ persons { nodes { nope } } }")
        assert error_codes(unknown) == ["GRAPHQL_VALIDATION_FAILED"]


async def test_validation_is_reused_across_requests(client: httpx.AsyncClient) -> None:
    """The rules are the same objects on every request, so the cache can hit."""
    cache: Any = _validate  # functools.lru_cache
    query = "{ persons(first: 1) { nodes { slug name } } }"
    await data(client, query)
    hits = cache.cache_info().hits
    await data(client, query)
    await data(client, query)
    assert cache.cache_info().hits == hits + 2

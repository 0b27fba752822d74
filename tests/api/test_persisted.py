"""Persisted queries in Apollo's protocol, over GET and POST, and trusted documents."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.app import create_app
from api.settings import Settings
from schema.persisted import PersistedQueries, document_hash, load_manifest
from tests.conftest import error_codes, serving

QUERY = '{ person(slug: "sergei-kislyak") { name } }'
OTHER = '{ person(slug: "sergei-lavrov") { name } }'
KISLYAK = {"person": {"name": "Sergei Kislyak"}}


def persisted(document: str) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": document_hash(document)}}


async def post(
    client: httpx.AsyncClient, extensions: dict[str, Any], query: str | None = None
) -> dict[str, Any]:
    sent: dict[str, Any] = {"extensions": extensions}
    if query is not None:
        sent["query"] = query
    response = await client.post("/graphql", json=sent)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def get(
    client: httpx.AsyncClient, extensions: dict[str, Any], query: str | None = None
) -> dict[str, Any]:
    params = {"extensions": json.dumps(extensions)}
    if query is not None:
        params["query"] = query
    # As a browser would send it: a GET that accepts HTML still gets JSON, not GraphiQL.
    response = await client.get("/graphql", params=params, headers={"Accept": "*/*"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    return body


@pytest.mark.parametrize("send", [post, get], ids=["POST", "GET"])
async def test_a_hash_is_not_found_until_sent_with_its_query(
    client: httpx.AsyncClient, send: Any
) -> None:
    first = await send(client, persisted(QUERY))
    assert error_codes(first) == ["PERSISTED_QUERY_NOT_FOUND"]
    assert first["errors"][0]["message"] == "PersistedQueryNotFound"  # what Apollo matches
    assert (await send(client, persisted(QUERY), QUERY))["data"] == KISLYAK
    assert await send(client, persisted(QUERY)) == {"data": KISLYAK}
    # Over the other method too: the store is the server's, not the transport's.
    other_method = get if send is post else post
    assert await other_method(client, persisted(QUERY)) == {"data": KISLYAK}


async def test_a_hash_that_is_not_its_query_is_refused_and_not_kept(
    client: httpx.AsyncClient,
) -> None:
    body = await post(client, persisted(QUERY), OTHER)
    assert error_codes(body) == ["PERSISTED_QUERY_HASH_MISMATCH"]
    assert body["data"] is None
    # Neither document was learned under the hash.
    assert error_codes(await post(client, persisted(QUERY))) == ["PERSISTED_QUERY_NOT_FOUND"]


async def test_a_malformed_persisted_query_is_refused_with_a_code(
    client: httpx.AsyncClient,
) -> None:
    for extension in (
        {"version": 2, "sha256Hash": document_hash(QUERY)},
        {"version": 1},
        {"version": 1, "sha256Hash": 12},
        "sha",
    ):
        body = await post(client, {"persistedQuery": extension}, QUERY)
        assert error_codes(body) == ["PERSISTED_QUERY_NOT_SUPPORTED"], extension


async def test_a_hash_in_capitals_names_the_same_document(client: httpx.AsyncClient) -> None:
    upper = {"persistedQuery": {"version": 1, "sha256Hash": document_hash(QUERY).upper()}}
    assert (await post(client, upper, QUERY))["data"] == KISLYAK
    assert (await post(client, persisted(QUERY)))["data"] == KISLYAK


def test_the_store_keeps_at_most_its_bytes_dropping_the_least_recently_used() -> None:
    documents = [f'{{ person(slug: "p{n}") {{ name }} }}' for n in range(10)]
    entry = 64 + len(documents[0])
    store = PersistedQueries(max_bytes=3 * entry)
    for document in documents[:3]:
        store.resolve(document, persisted(document))
    store.resolve(None, persisted(documents[0]))  # used: the most recent now
    store.resolve(documents[3], persisted(documents[3]))
    assert store.stored_bytes <= 3 * entry
    assert store.resolve(None, persisted(documents[0])) == documents[0]
    with pytest.raises(Exception, match="PersistedQueryNotFound"):
        store.resolve(None, persisted(documents[1]))
    for document in documents:
        store.resolve(document, persisted(document))
        assert store.stored_bytes <= 3 * entry
    nothing = PersistedQueries(max_bytes=0)
    assert nothing.resolve(QUERY, persisted(QUERY)) == QUERY
    with pytest.raises(Exception, match="PersistedQueryNotFound"):
        nothing.resolve(None, persisted(QUERY))


def apollo_manifest(path: Path, *documents: str) -> Path:
    operations = [
        {"id": document_hash(document), "body": document, "name": None, "type": "query"}
        for document in documents
    ]
    manifest = {"format": "apollo-persisted-query-manifest", "version": 1, "operations": operations}
    path.write_text(json.dumps(manifest))
    return path


async def test_with_trusted_documents_only_those_listed_run(
    settings: Settings, tmp_path: Path
) -> None:
    manifest = apollo_manifest(tmp_path / "manifest.json", QUERY)
    async with serving(settings.model_copy(update={"trusted_documents": manifest})) as client:
        assert await post(client, persisted(QUERY)) == {"data": KISLYAK}
        assert await get(client, persisted(QUERY)) == {"data": KISLYAK}
        assert (await post(client, persisted(QUERY), QUERY))["data"] == KISLYAK
        response = await client.post("/graphql", json={"query": QUERY})
        assert response.json() == {"data": KISLYAK}  # listed: runs sent as text too
        for body in (
            (await client.post("/graphql", json={"query": OTHER})).json(),
            await post(client, persisted(OTHER), OTHER),
            await post(client, persisted(OTHER)),  # and it was not learned
            await get(client, persisted(OTHER), OTHER),
        ):
            assert error_codes(body) == ["DOCUMENT_NOT_TRUSTED"]
            assert body["data"] is None
        assert error_codes(await post(client, persisted(QUERY), OTHER)) == [
            "PERSISTED_QUERY_HASH_MISMATCH"
        ]


def test_a_manifest_is_apollos_or_a_map_of_hash_to_document(tmp_path: Path) -> None:
    plain = tmp_path / "persisted-documents.json"
    plain.write_text(json.dumps({document_hash(QUERY): QUERY}))
    expected = {document_hash(QUERY): QUERY}
    assert load_manifest(plain) == expected
    assert load_manifest(apollo_manifest(tmp_path / "apollo.json", QUERY)) == expected


@pytest.mark.parametrize(
    "content",
    [
        {document_hash(QUERY): OTHER},  # a hash not its document's
        {document_hash(QUERY): 3},
        ["not", "an", "object"],
        {"format": "apollo-persisted-query-manifest", "operations": [{"id": "x"}]},
    ],
)
def test_a_server_refuses_to_start_on_a_manifest_it_cannot_trust(
    settings: Settings, tmp_path: Path, content: object
) -> None:
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(content))
    with pytest.raises(ValueError, match=r"manifest\.json"):
        create_app(settings.model_copy(update={"trusted_documents": path}))

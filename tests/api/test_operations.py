"""What operators see: request ids, JSON access logs, metrics, CORS, production switches."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import httpx
import pytest

from api.app import create_app
from api.observability import JsonFormatter
from api.settings import Settings
from tests.conftest import error_codes, graphql


async def test_every_response_carries_a_request_id(client: httpx.AsyncClient) -> None:
    given = await client.get("/healthz", headers={"x-request-id": "abc123"})
    assert given.headers["x-request-id"] == "abc123"
    made = await client.post("/graphql", json={"query": "{ articles { totalCount } }"})
    assert len(made.headers["x-request-id"]) == 32


async def test_one_json_log_line_per_request_without_variables(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="dossier.access")
    await client.post(
        "/graphql",
        json={
            "query": "query Who($s: String!) { person(slug: $s) { name } }",
            "variables": {"s": "secret-slug"},
        },
        headers={"x-request-id": "req-1"},
    )
    records = [r for r in caplog.records if r.name == "dossier.access"]
    assert len(records) == 1
    line = json.loads(JsonFormatter().format(records[0]))
    assert line["request_id"] == "req-1"
    assert line["operation"] == "Who"
    assert line["outcome"] == "ok"
    assert line["status"] == 200
    assert line["duration_ms"] >= 0
    assert "secret-slug" not in json.dumps(line)


async def test_metrics_count_operations_errors_and_database_commands(
    client: httpx.AsyncClient,
) -> None:
    await client.post("/graphql", json={"query": "query Fine { articles { totalCount } }"})
    await client.post("/graphql", json={"query": "query Bad { persons(first: -1) { totalCount } }"})
    text = (await client.get("/metrics")).text
    assert 'dossier_requests_total{operation="Fine",outcome="ok"} 1.0' in text
    assert 'dossier_requests_total{operation="Bad",outcome="error"} 1.0' in text
    assert 'dossier_graphql_errors_total{code="BAD_USER_INPUT"} 1.0' in text
    assert 'dossier_request_duration_seconds_bucket{le="0.005",operation="Fine"}' in text
    assert 'dossier_db_command_duration_seconds_count{command="find",outcome="ok"}' in text


async def test_a_masked_error_gives_the_client_the_request_id(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    # An unexpected failure: a stored document the schema cannot represent.
    app = client._transport.app  # type: ignore[attr-defined]
    await app.state.db.persons.insert_one(
        {"_id": "broken", "name": "Broken", "citations": [], "kind": 5}
    )
    await app.state.db.persons.update_one({"_id": "broken"}, {"$unset": {"name": ""}})
    body = await graphql(client, '{ person(slug: "broken") { name } }')
    assert error_codes(body) == ["INTERNAL_SERVER_ERROR"]
    request_id = body["errors"][0]["extensions"]["requestId"]
    assert body["errors"][0]["message"] == "Unexpected error."
    assert any(request_id in record.getMessage() for record in caplog.records)


async def test_cors_allows_configured_origins_only(tmp_path: Path, mongo_uri: str) -> None:
    settings = Settings(
        mongodb_uri=mongo_uri,
        mongodb_database="cors_test",
        seed_on_start=False,
        cors_origins=["https://newsroom.example"],
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            preflight = {"access-control-request-method": "POST"}
            allowed = await http.options(
                "/graphql", headers={"origin": "https://newsroom.example", **preflight}
            )
            assert allowed.headers["access-control-allow-origin"] == "https://newsroom.example"
            other = await http.options(
                "/graphql", headers={"origin": "https://elsewhere.example", **preflight}
            )
            assert "access-control-allow-origin" not in other.headers
        await app.state.db.client.drop_database("cors_test")


async def test_production_switches_turn_off_graphiql_and_introspection(mongo_uri: str) -> None:
    settings = Settings(
        mongodb_uri=mongo_uri,
        mongodb_database="prod_test",
        seed_on_start=False,
        graphiql=False,
        introspection=False,
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            page = await http.get("/graphql", headers={"accept": "text/html"})
            assert "graphiql" not in page.text.lower()
            body = await graphql(http, "{ __schema { types { name } } }")
            assert set(error_codes(body)) == {"GRAPHQL_VALIDATION_FAILED"}
            assert (await graphql(http, "{ articles { totalCount } }"))["data"]
        await app.state.db.client.drop_database("prod_test")

"""The HTTP surface: GraphiQL, health checks, the example query it opens with, and what
the access log says of each GraphQL request."""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.graphiql import EXAMPLE_QUERY
from api.observability import JsonFormatter
from api.settings import Settings
from model.store import Database
from tests.conftest import data, error_codes, serving
from tests.keys import make_key, with_admin


async def test_graphiql_opens_with_the_example_query(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert "text/html" in response.headers["content-type"]
    match = re.search(
        r'<script type="application/json" id="example-query">(.*?)</script>', response.text
    )
    assert match is not None
    assert json.loads(match.group(1)) == EXAMPLE_QUERY


async def example(
    client: httpx.AsyncClient, operation: str, secret: str | None = None
) -> dict[str, Any]:
    response = await client.post(
        "/graphql",
        json={"query": EXAMPLE_QUERY, "operationName": operation},
        headers={"Authorization": f"Bearer {secret}"} if secret else None,
    )
    body: dict[str, Any] = response.json()
    return body


async def test_the_example_query_shows_a_person_with_everything_cited(
    client: httpx.AsyncClient,
) -> None:
    body = await example(client, "Dossier")
    assert "errors" not in body
    result = body["data"]
    person = result["person"]
    assert person["name"] == "Sergei Kislyak"
    assert person["positions"][0]["title"] == "Ambassador to the United States"
    assert person["statements"]["totalCount"] >= 3
    quote = next(s for s in person["statements"]["nodes"] if "instrument of" in s["text"])
    assert quote["kind"] == "QUOTE"
    assert quote["medium"] == "Voice of Russia radio"
    assert quote["citations"][0]["article"]["title"] == "Russian Envoy Warns U.S. on Magnitsky Bill"
    assert person["events"]["nodes"]
    assert result["search"]


async def test_health_and_readiness(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ok"}


async def test_citations_point_into_the_article_body(client: httpx.AsyncClient) -> None:
    result = await data(
        client,
        """{ article(slug: "moscow-times-magnitsky-bill") {
              body
              persons { slug citations { quote start end } }
              statements { citations { quote start end } }
              events { citations { quote start end } }
              sanctions { citations { quote start end } }
              organizations { citations { quote start end } } } }""",
    )
    article = result["article"]
    body = article["body"]
    checked = 0
    for section in ("persons", "statements", "events", "sanctions", "organizations"):
        assert article[section], section
        for item in article[section]:
            for citation in item["citations"]:
                assert body[citation["start"] : citation["end"]] == citation["quote"]
                checked += 1
    assert checked > 40
    assert {"sergei-magnitsky", "sergei-kislyak", "sergei-lavrov", "dmitry-medvedev"} <= {
        p["slug"] for p in article["persons"]
    }


async def test_text_that_is_not_unicode_is_refused(client: httpx.AsyncClient) -> None:
    query = "query($s: String!) { person(slug: $s) { name } }"
    body = json.dumps({"query": query, "variables": {"s": "SURROGATE"}})
    body = body.replace("SURROGATE", "\\ud800")  # a lone surrogate, as JSON allows writing it
    response = await client.post(
        "/graphql", content=body.encode(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert "Traceback" not in response.text


# -- the access log: the operation and its codes (schema.access_log) ------------------

TOKENS = "{ " + " ".join(["__typename"] * 3000) + " }"
BROKEN = {"_id": "broken", "kind": 5, "citations": []}  # no name: the schema cannot show it


def test_a_log_line_is_one_json_object_with_names_as_written() -> None:
    record = logging.LogRecord(
        "dossier", logging.WARNING, __file__, 1, "asked for %s", ("Магнитский",), None
    )
    record.fields = {"request_id": "r1", "at": datetime(2012, 12, 6, tzinfo=UTC), 1: Path("x")}
    text = JsonFormatter().format(record)
    assert "\n" not in text
    assert "Магнитский" in text
    line = json.loads(text)
    assert (line["level"], line["logger"], line["message"]) == (
        "warning",
        "dossier",
        "asked for Магнитский",
    )
    assert (line["request_id"], line["at"], line["1"]) == ("r1", "2012-12-06T00:00:00+00:00", "x")
    record.fields = {"path": "/data/\udce9t\u00e9", "big": 2**70}  # what orjson refuses
    line = json.loads(JsonFormatter().format(record))
    assert (line["path"], line["big"]) == ("/data/\udce9t\u00e9", 2**70)


@pytest.mark.parametrize(
    ("payload", "status", "operation", "codes", "outcome"),
    [
        ({"query": "query Who { articles { totalCount } }"}, 200, "Who", [], "ok"),
        ({"query": "{ articles { totalCount } }"}, 200, "anonymous", [], "ok"),
        (
            {
                "query": "query A { articles { totalCount } } query B { persons { totalCount } }",
                "operationName": "B",
            },
            200,
            "B",
            [],
            "ok",
        ),
        ({"query": "{ persons(first: 2"}, 200, "anonymous", ["GRAPHQL_PARSE_FAILED"], "error"),
        ({"query": TOKENS}, 200, "anonymous", ["QUERY_TOO_COMPLEX"], "error"),
        (
            {"query": "query Bad { persons { nope } }"},
            200,
            "Bad",
            ["GRAPHQL_VALIDATION_FAILED"],
            "error",
        ),
        (
            {
                "query": "query V($n: Int) { persons(first: $n) { totalCount } }",
                "variables": {"n": "x"},
            },
            200,
            "V",
            ["BAD_USER_INPUT"],
            "error",
        ),
        (
            {"query": '{ person(slug: "broken") { name } }'},
            200,
            "anonymous",
            ["INTERNAL_SERVER_ERROR"],
            "fault",
        ),
        # Refused before any operation runs: nothing to name.
        (
            {"query": "query Who { articles { totalCount } }", "operationName": "Nope"},
            400,
            "none",
            [],
            "error",
        ),
        ({"query": ""}, 400, "none", [], "error"),
    ],
    ids=[
        "named",
        "anonymous",
        "chosen by name",
        "parse",
        "tokens",
        "validation",
        "variables",
        "internal",
        "no such operation",
        "no query",
    ],
)
async def test_the_access_log_names_the_operation_and_its_codes(
    client: httpx.AsyncClient,
    db: Database,
    caplog: pytest.LogCaptureFixture,
    payload: dict[str, Any],
    status: int,
    operation: str,
    codes: list[str],
    outcome: str,
) -> None:
    if "broken" in payload["query"]:
        await db.persons.insert_one(dict(BROKEN))
    caplog.set_level(logging.INFO, logger="dossier.access")
    response = await client.post("/graphql", json=payload)
    assert response.status_code == status, response.text
    if status == 200:
        assert error_codes(response.json()) == codes
    [record] = [r for r in caplog.records if r.name == "dossier.access"]
    line = json.loads(JsonFormatter().format(record))
    assert (line["operation"], line["error_codes"], line["outcome"]) == (operation, codes, outcome)
    metrics = (await client.get("/metrics")).text
    assert f'dossier_requests_total{{operation="{operation}",outcome="{outcome}"}} 1.0' in metrics
    for code in codes:
        assert f'dossier_graphql_errors_total{{code="{code}"}} 1.0' in metrics


async def test_the_example_screening_finds_who_is_named_and_quoted(
    client: httpx.AsyncClient,
) -> None:
    screening = (await example(client, "Screening"))["data"]["screen"]
    named = {mention["node"]["slug"] for mention in screening["mentions"]}
    assert named == {"sergei-lavrov", "sergei-magnitsky"}
    assert [quote["speaker"] for quote in screening["quotes"]] == [{"name": "Sergei Lavrov"}]


async def test_the_example_write_cites_once_then_meets_a_conflict(
    settings: Settings, mongo_uri: str
) -> None:
    async with serving(with_admin(settings)) as http:
        secret = await make_key(http, "desk", "EDITOR")
        assert error_codes(await example(http, "CiteAPassage")) == ["UNAUTHENTICATED"]
        first = (await example(http, "CiteAPassage", secret))["data"]["updatePerson"]
        assert (first["person"]["revision"], first["userErrors"]) == (2, [])
        again = (await example(http, "CiteAPassage", secret))["data"]["updatePerson"]
        assert [error["code"] for error in again["userErrors"]] == ["CONFLICT"]

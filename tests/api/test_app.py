"""The HTTP surface: GraphiQL, health checks and the example query it opens with."""

from __future__ import annotations

import json
import re

import httpx

from api.graphiql import EXAMPLE_QUERY
from tests.conftest import data


async def test_graphiql_opens_with_the_example_query(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert "text/html" in response.headers["content-type"]
    match = re.search(r"const EXAMPLE_QUERY = (\".*?\");\n", response.text)
    assert match is not None
    assert json.loads(match.group(1)) == EXAMPLE_QUERY


async def test_the_example_query_shows_a_person_with_everything_cited(
    client: httpx.AsyncClient,
) -> None:
    result = await data(client, EXAMPLE_QUERY)
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

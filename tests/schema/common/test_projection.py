"""Reads fetch only what the selected fields show."""

from __future__ import annotations

from typing import Any

import httpx
from graphql import parse

from schema.common.projection import selected_field_names
from tests.conftest import CommandRecorder, data

NAMES_ONLY = """{
  person(slug: "sergei-kislyak") {
    name
    statements(first: 5) { nodes { text speaker { ... on Person { name } } } }
    events(first: 5) { nodes { title participants { actor { ... on Person { name } } } } }
  }
  articles(first: 1) { nodes { title } }
}"""

WITH_CITATIONS = """{
  person(slug: "sergei-kislyak") {
    citations { quote article { title body } }
    statements(first: 5) { nodes { text } }
  }
}"""


def _projections(commands: CommandRecorder) -> list[dict[str, Any]]:
    """The projection of every find, and every ``$project`` stage of every aggregate."""
    found = [command.get("projection") or {} for command in commands.sent if "find" in command]
    for command in commands.sent:
        if "aggregate" in command:
            found += [stage["$project"] for stage in command["pipeline"] if "$project" in stage]
    return found


def test_selected_field_names_cover_fragments_and_nesting() -> None:
    document = parse("query Q { a { ...F ... on X { b } } } fragment F on Y { c(first: 1) { d } }")
    assert selected_field_names(document) == {"a", "b", "c", "d"}


async def test_unselected_large_fields_stay_in_the_database(
    client: httpx.AsyncClient, commands: CommandRecorder
) -> None:
    commands.sent.clear()
    result = await data(client, NAMES_ONLY)
    assert result["person"]["statements"]["nodes"]
    assert result["articles"]["nodes"][0]["title"]
    projections = _projections(commands)
    assert len(projections) >= 4
    for projection in projections:
        leaves_out = projection == {"search": 0, "citations": 0, "body": 0}
        names_fields = set(projection.values()) == {1} and not {"citations", "body"} & set(
            projection
        )
        assert leaves_out or names_fields, projection


async def test_selected_citations_and_bodies_are_read(
    client: httpx.AsyncClient, commands: CommandRecorder
) -> None:
    commands.sent.clear()
    person = (await data(client, WITH_CITATIONS))["person"]
    assert person["citations"]
    for citation in person["citations"]:
        assert citation["quote"] in citation["article"]["body"]
    for projection in _projections(commands):
        assert projection == {"search": 0}, projection


async def test_lists_grouped_by_citation_still_find_their_documents(
    client: httpx.AsyncClient,
) -> None:
    """``Article.persons`` groups persons by ``citations.article``: that path is kept."""
    result = await data(client, "{ articles(first: 1) { nodes { persons { slug } } } }")
    slugs = {person["slug"] for person in result["articles"]["nodes"][0]["persons"]}
    assert {"sergei-magnitsky", "sergei-kislyak"} <= slugs


async def test_actors_shown_without_citations_are_read_without_them(
    client: httpx.AsyncClient, commands: CommandRecorder
) -> None:
    commands.sent.clear()
    nodes = (await data(client, "{ statements(first: 20) { nodes { speaker { __typename } } } }"))[
        "statements"
    ]["nodes"]
    assert {node["speaker"]["__typename"] for node in nodes if node["speaker"]} >= {"Person"}
    actor_finds = [
        command.get("projection") or {}
        for command in commands.sent
        if command.get("find") in {"persons", "organizations"}
    ]
    assert actor_finds
    for projection in actor_finds:
        assert projection.get("name") == 1, projection
        assert "citations" not in projection, projection


async def test_an_actor_already_read_whole_is_not_read_again(
    client: httpx.AsyncClient, commands: CommandRecorder
) -> None:
    query = """{ person(slug: "sergei-kislyak") {
      citations { quote }
      statements(first: 5) { nodes { speaker { ... on Person { name } } } }
    } }"""
    commands.sent.clear()
    result = await data(client, query)
    assert result["person"]["statements"]["nodes"][0]["speaker"]["name"] == "Sergei Kislyak"
    person_finds = [
        command.get("projection") for command in commands.sent if command.get("find") == "persons"
    ]
    assert person_finds == [{"search": 0, "body": 0}]  # the speaker is the page's person


async def test_actors_shown_with_citations_keep_them(client: httpx.AsyncClient) -> None:
    query = """{ statements(first: 3) { nodes { speaker {
      ... on Person { citations { quote } } ... on Organization { citations { quote } }
    } } } }"""
    nodes = (await data(client, query))["statements"]["nodes"]
    assert all(node["speaker"]["citations"] for node in nodes if node["speaker"])

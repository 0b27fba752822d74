"""Reads fetch only what the selected fields show."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from graphql import parse
from graphql.pyutils import Path

from model.store import Database, Document
from schema.articles.loaders import ArticleBySlugLoader
from schema.articles.types import Article
from schema.common.loaders import DocumentBySlugLoader
from schema.common.projection import Reads, selected_field_names
from schema.events.loaders import EventBySlugLoader
from schema.events.types import Event
from schema.organizations.loaders import OrganizationBySlugLoader
from schema.organizations.types import Organization
from schema.persons.loaders import PersonBySlugLoader
from schema.persons.types import Person
from schema.sanctions.loaders import SanctionBySlugLoader
from schema.sanctions.types import Sanction
from schema.statements.loaders import StatementBySlugLoader
from schema.statements.types import Statement
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
        kept = projection == {"search": 0}
        named = set(projection.values()) == {1} and bool({"citations", "body"} & set(projection))
        assert kept or named, projection
    naming = [p for p in _projections(commands) if set(p.values()) == {1}]
    assert any("body" in p for p in naming), naming  # the article, read by slug


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
    assert person_finds == [  # one read: the speaker is the page's person
        dict.fromkeys(
            ("revision", "name", "aliases", "description", "countries", "positions", "citations"), 1
        )
    ]


async def test_actors_shown_with_citations_keep_them(client: httpx.AsyncClient) -> None:
    query = """{ statements(first: 3) { nodes { speaker {
      ... on Person { citations { quote } } ... on Organization { citations { quote } }
    } } } }"""
    nodes = (await data(client, query))["statements"]["nodes"]
    assert all(node["speaker"]["citations"] for node in nodes if node["speaker"])


CITATIONS = frozenset({"citations"})
BY_SLUG: list[tuple[type[DocumentBySlugLoader], frozenset[str], Any]] = [
    (ArticleBySlugLoader, frozenset(), Article),
    (PersonBySlugLoader, frozenset(), Person),
    (PersonBySlugLoader, CITATIONS, Person),
    (OrganizationBySlugLoader, frozenset(), Organization),
    (OrganizationBySlugLoader, CITATIONS, Organization),
    (EventBySlugLoader, frozenset(), Event),
    (StatementBySlugLoader, frozenset(), Statement),
    (SanctionBySlugLoader, frozenset(), Sanction),
]


@pytest.mark.parametrize(
    ("loader", "also_hidden", "shown"),
    BY_SLUG,
    ids=lambda value: value.__name__ if isinstance(value, type) else "-".join(sorted(value)),
)
async def test_objects_read_by_slug_equal_those_of_whole_documents(
    client: httpx.AsyncClient,
    db: Database,
    loader: type[DocumentBySlugLoader],
    also_hidden: frozenset[str],
    shown: Any,
) -> None:
    """The projection names every stored field ``from_doc`` reads: an object made from the
    projected document (citations and bodies selected, unless the loader hides them) equals
    the one made from the whole document, less what the loader hides, for every document."""
    reads = Reads()
    reads.narrow(frozenset({"citations", "body"}))
    docs = await db[loader.collection].find().to_list()
    assert docs
    loaded = await loader(db, reads, also_hidden).load_many([doc["_id"] for doc in docs])
    for whole, projected in zip(docs, loaded, strict=True):
        assert projected is not None
        expected: Document = {
            name: value for name, value in whole.items() if name not in also_hidden
        }
        assert shown.from_doc(projected) == shown.from_doc(expected), whole["_id"]


def test_the_selection_under_a_field_is_worked_out_once_for_all_its_items() -> None:
    """Items of one list share the answer; the same response key under another parent
    type, or another field, gets its own."""
    reads = Reads()
    asked: list[str] = []

    def selections(label: str) -> Any:
        def selected() -> list[Any]:
            asked.append(label)
            return []

        return selected

    statements = Path(None, "statements", "Query").add_key("nodes", "StatementConnection")
    for index in range(3):
        speaker = statements.add_key(index, None).add_key("speaker", "Statement")
        assert not reads.selects_under(speaker, selections("speaker"), "citations")
    other_parent = statements.add_key(0, None).add_key("speaker", "Sanction")
    reads.selects_under(other_parent, selections("other parent"), "citations")
    other_name = statements.add_key(0, None).add_key("speaker", "Statement")
    reads.selects_under(other_name, selections("other name"), "body")
    assert asked == ["speaker", "other parent", "other name"]

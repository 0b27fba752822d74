"""Related objects come through batched loaders: commands grow with depth, not page size."""

from __future__ import annotations

from pathlib import Path

import httpx

from model.store import Database
from schema.articles.types import Article
from schema.common.fields import NAMED_LOADERS, by_slug_loader
from schema.events.types import Event
from schema.loaders import Loaders
from schema.organizations.types import Organization
from schema.persons.types import Person
from schema.sanctions.types import Sanction
from schema.schema import build_schema
from schema.statements.types import Statement
from seed.loader import load_article
from tests.conftest import CommandRecorder, data

PAGE_QUERY = """
{
  persons(first: 50) {
    nodes {
      name
      positions { title organization { name } }
      statements(first: 5) {
        totalCount
        nodes { text speaker { ... on Person { name } ... on Organization { name } } }
      }
      events(first: 5) { nodes { title participants { actor { ... on Person { name } } } } }
      sanctions(first: 5) { totalCount nodes { title } }
    }
  }
}
"""


def _crowd_article(directory: Path, people: int) -> Path:
    """A synthetic article naming ``people`` persons, each making two statements."""
    paragraphs = ["Crowd Gathers"]
    persons, statements = [], []
    for i in range(people):
        first, second = f"Witness {i:02d} said the first thing.", f"Witness {i:02d} added more."
        paragraphs += [first, second]
        persons.append(
            f"  - {{slug: witness-{i:02d}, name: Witness {i:02d}, aliases: [], description: null,"
            f" countries: [], positions: [], evidence: [{first!r}]}}"
        )
        for n, quote in enumerate((first, second)):
            statements.append(
                f"  - {{slug: witness-{i:02d}-{n}, kind: PARAPHRASE, text: {quote!r},"
                f" speaker: 'person:witness-{i:02d}', speaker_description: null,"
                f" date: {{iso: '2012-0{n + 1}', precision: MONTH, text: null}}, medium: null,"
                f" reported_by: null, about: [], evidence: [{quote!r}]}}"
            )
    (directory / "crowd.txt").write_text("\n\n".join(paragraphs), encoding="utf-8")
    annotations = directory / "crowd.yaml"
    annotations.write_text(
        "article: {slug: crowd, source: crowd.txt, title: Crowd Gathers, publisher: Test,"
        " url: null, published_on: null}\n"
        "persons:\n" + "\n".join(persons) + "\nstatements:\n" + "\n".join(statements) + "\n",
        encoding="utf-8",
    )
    return annotations


async def test_commands_do_not_grow_with_the_page(
    client: httpx.AsyncClient, commands: CommandRecorder, db: Database, tmp_path: Path
) -> None:
    commands.names.clear()
    small = await data(client, PAGE_QUERY)
    small_reads = commands.reads()

    await load_article(db, _crowd_article(tmp_path, 46))
    commands.names.clear()
    large = await data(client, PAGE_QUERY)
    large_reads = commands.reads()

    assert len(large["persons"]["nodes"]) == len(small["persons"]["nodes"]) + 46 == 50
    witness = next(p for p in large["persons"]["nodes"] if p["name"] == "Witness 07")
    assert witness["statements"]["totalCount"] == 2
    assert [s["speaker"]["name"] for s in witness["statements"]["nodes"]] == ["Witness 07"] * 2
    # One command per loader batch. The query has 11 places that load (the page, position
    # organizations, statement pages and counts, speakers as persons and as organizations,
    # event pages, participants as persons and as organizations, sanction pages and counts):
    # that bounds the commands for 4 persons and for 44 alike, where a loader per person
    # would send hundreds.
    loading_places = 11
    assert len(small_reads) <= loading_places, small_reads
    assert len(large_reads) <= loading_places, large_reads


def test_every_loader_a_field_names_exists() -> None:
    """Fields find their loaders by name (``schema.common.fields``): a renamed loader must
    fail here, not on the first request that reaches it."""
    build_schema()  # declares every field
    names = {name for name in dir(Loaders) if not name.startswith("_")}
    nodes = (Article, Person, Organization, Event, Statement, Sanction)
    used = {
        *NAMED_LOADERS,
        *(by_slug_loader(node) for node in nodes),
        *(f"uncited_{by_slug_loader(actor)}" for actor in (Person, Organization)),
        "statements_by_subject",
        "sanctions_by_in_response_to",
    }
    assert len(NAMED_LOADERS) >= 10
    assert used <= names, sorted(used - names)

"""Search internals: keys, ranking, index-only candidate fetching, bounded work."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from model.keys import fold, latin, search_keys, skeleton
from model.store import Database
from schema.search.engine import CANDIDATES_PER_PROBE, NAME_FILTER_CANDIDATES
from seed.loader import load_article
from tests.conftest import CommandRecorder, data, error_codes, graphql
from tests.plans import explain

SEARCH = """query($q: String!, $types: [SearchType!], $first: Int) {
  search(query: $q, types: $types, first: $first) {
    score matched node { __typename ... on Person { slug } ... on Organization { slug } }
  }
}"""


@pytest.mark.parametrize(
    ("variants", "same"),
    [
        (["Magnitsky", "Magnitskiy", "Magnitski", "Magnitskii", "Магнитский"], True),
        (["Kislyak", "Kisljak", "Kisliak", "Кисляк"], True),
        (["Medvedev", "Medvedew", "Медведев"], True),
        (["Lavrov", "Kislyak"], False),
    ],
)
def test_skeletons_forget_transliteration_variants(variants: list[str], same: bool) -> None:
    skeletons = {skeleton(latin(word)) for word in variants}
    assert (len(skeletons) == 1) is same, skeletons


def test_folding_and_transliteration() -> None:
    assert fold("  Sérgei,  KISLYAK! ") == "sergei kislyak"
    assert latin("Сергей Кисляк") == "sergei kislyak"
    keys = search_keys(["Sergei Kislyak", "Сергей Кисляк"])
    assert {"sergei kislyak", "kislyak sergei", "сергеи кисляк"} <= set(keys["names"])
    assert "w:kslk" in keys["keys"]


async def test_an_exact_match_outranks_a_near_miss(client: httpx.AsyncClient) -> None:
    exact = (await data(client, SEARCH, {"q": "Sergei Kislyak"}))["search"][0]
    near = (await data(client, SEARCH, {"q": "Sergei Kislyakk"}))["search"][0]
    assert exact["node"] == near["node"] == {"__typename": "Person", "slug": "sergei-kislyak"}
    assert exact["score"] == 1.0
    assert near["score"] < exact["score"]
    hits = (await data(client, SEARCH, {"q": "Kislyak"}))["search"]
    assert hits == sorted(hits, key=lambda hit: -hit["score"])


async def test_matched_names_the_alias_that_matched(client: httpx.AsyncClient) -> None:
    hit = (await data(client, SEARCH, {"q": "сергей кисляк"}))["search"][0]
    assert hit["matched"] == "Сергей Кисляк"
    assert hit["score"] == 1.0


async def test_types_restrict_and_first_caps(client: httpx.AsyncClient) -> None:
    everything = (await data(client, SEARCH, {"q": "Russia", "first": 50}))["search"]
    assert {hit["node"]["__typename"] for hit in everything} > {"Organization"}
    only = await data(client, SEARCH, {"q": "Russia", "types": ["ORGANIZATION"], "first": 50})
    assert {hit["node"]["__typename"] for hit in only["search"]} == {"Organization"}
    capped = (await data(client, SEARCH, {"q": "Russia", "first": 2}))["search"]
    assert capped == everything[:2]
    too_many = await graphql(client, SEARCH, {"q": "Russia", "first": 51})
    assert error_codes(too_many) == ["BAD_USER_INPUT"]


async def test_a_long_query_is_answered_or_refused(client: httpx.AsyncClient) -> None:
    answered = await graphql(client, SEARCH, {"q": " ".join(["Kislyak"] * 25)})
    assert answered["data"]["search"][0]["node"]["slug"] == "sergei-kislyak"
    refused = await graphql(client, SEARCH, {"q": "Kislyak " * 125})
    assert error_codes(refused) == ["BAD_USER_INPUT"]


# A search may cost at most this many index lookups, whatever the query: a fixed number
# per collection searched (five today: a whole-name key, the name forms, three words).
MAX_FINDS_PER_SEARCH = 30
TWELVE_WORDS = (
    "sergei magnitsky kislyak lavrov medvedev interfax congress britain russia "
    "moscow ambassador pressure"
)


@pytest.mark.parametrize(
    "query", ["Sergei Magnitskiy", "Кисляк", "instrument of pressure", TWELVE_WORDS]
)
async def test_a_search_is_a_bounded_number_of_bounded_index_lookups(
    client: httpx.AsyncClient, db: Database, commands: CommandRecorder, query: str
) -> None:
    """The finds the app really sends: few, each an index scan with the probe's limit."""
    commands.sent.clear()
    await data(client, SEARCH, {"q": query})
    reads = [command for command in commands.sent if command.keys() & {"find", "aggregate"}]
    assert all("find" in command for command in reads), reads
    assert 0 < len(reads) <= MAX_FINDS_PER_SEARCH, len(reads)
    for command in reads:
        assert command.get("limit") == CANDIDATES_PER_PROBE, command
        stages = await explain(db, command)
        kinds = [stage["stage"] for stage in stages]
        assert "COLLSCAN" not in kinds, (command, kinds)
        assert any(kind.endswith("IXSCAN") for kind in kinds), (command, kinds)
        assert {stage.get("limitAmount") for stage in stages} & {CANDIDATES_PER_PROBE}, (
            command,
            stages,
        )


async def test_a_name_filter_looks_names_up_with_a_bounded_find_per_probe(
    client: httpx.AsyncClient, db: Database, commands: CommandRecorder
) -> None:
    commands.sent.clear()
    await data(client, '{ persons(filter: {name: "Sergei Magnitskiy"}) { nodes { slug } } }')
    probes_sent = [c for c in commands.sent if "find" in c and "sort" not in c]
    assert 0 < len(probes_sent) <= MAX_FINDS_PER_SEARCH, len(probes_sent)
    for command in probes_sent:
        assert command.get("limit") == NAME_FILTER_CANDIDATES, command
        assert "citations" not in command["projection"], command  # names are all it reads
        kinds = [stage["stage"] for stage in await explain(db, command)]
        assert "COLLSCAN" not in kinds, (command, kinds)


async def test_a_newly_loaded_entity_is_searchable(
    client: httpx.AsyncClient, db: Database, tmp_path: Path
) -> None:
    (tmp_path / "new.txt").write_text("New Face\n\nYevgeny Prigozhin spoke.", encoding="utf-8")
    (tmp_path / "new.yaml").write_text(
        "article: {slug: new, source: new.txt, title: New Face, publisher: Test, url: null,"
        " published_on: null}\n"
        "persons:\n  - {slug: yevgeny-prigozhin, name: Yevgeny Prigozhin, aliases: [],"
        " description: null, countries: [], positions: [], evidence: [Yevgeny Prigozhin spoke]}\n",
        encoding="utf-8",
    )
    await load_article(db, tmp_path / "new.yaml")
    for spelling in ("Prigozhin", "Evgeny Prigojin", "Пригожин"):
        hits = (await data(client, SEARCH, {"q": spelling}))["search"]
        assert hits[0]["node"] == {"__typename": "Person", "slug": "yevgeny-prigozhin"}, spelling


async def test_a_query_that_folds_into_many_words_is_bounded(client: httpx.AsyncClient) -> None:
    # "㍿" folds to a twelve-letter word: repeated, it is one word to score...
    answered = await graphql(client, SEARCH, {"q": "㍿ " * 94 + "magnitsky"})
    assert answered["data"]["search"][0]["node"]["slug"] == "sergei-magnitsky"
    # ...and many different ones are more words than a query may hold.
    squares = " ".join(chr(0x3300 + i) for i in range(40))
    refused = await graphql(client, SEARCH, {"q": squares})
    assert error_codes(refused) == ["BAD_USER_INPUT"]


async def test_operation_names_cannot_grow_the_metrics_without_bound(
    client: httpx.AsyncClient,
) -> None:
    for n in range(260):
        await client.post(
            "/graphql", json={"query": f"query Op{n} {{ articles {{ totalCount }} }}"}
        )
    text = (await client.get("/metrics")).text
    assert 'operation="other"' in text
    assert text.count("dossier_requests_total{") <= 201

"""Filters and search over HTTP: each filter returns exactly the matching documents in
MongoDB, and user strings are only ever data."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import yaml

from model.names import EVENTS, ORGANIZATIONS, PERSONS, SANCTIONS, STATEMENTS
from model.store import Database
from seed import ARTICLES_DIR
from tests.conftest import data, graphql

ARTICLE = "moscow-times-magnitsky-bill"
KISLYAK = "sergei-kislyak"


async def slugs(
    client: httpx.AsyncClient,
    field: str,
    arguments: str,
    variables: dict[str, Any] | None = None,
    declared: str = "",
) -> list[str]:
    """Slugs of every item of a filtered top-level connection (one page of 100)."""
    head = f"query({declared})" if declared else "query"
    query = f"{head} {{ {field}(first: 100, {arguments}) {{ totalCount nodes {{ slug }} }} }}"
    connection = (await data(client, query, variables))[field]
    found = [node["slug"] for node in connection["nodes"]]
    assert connection["totalCount"] == len(found), "totalCount ignores the filter"
    assert len(set(found)) == len(found)
    return found


async def in_db(db: Database, collection: str, query: dict[str, Any]) -> set[str]:
    return {doc["_id"] async for doc in db[collection].find(query, {"_id": 1})}


async def check_filter(
    client: httpx.AsyncClient, db: Database, collection: str, arguments: str, query: dict[str, Any]
) -> None:
    """The filter finds exactly what ``query`` finds in the database; that must be something,
    or a filter that finds nothing would pass. A top-level field is named as its collection."""
    expected = await in_db(db, collection, query)
    assert expected
    found = await slugs(client, collection, f"filter: {{{arguments}}}")
    assert set(found) == expected


def seed_persons() -> list[dict[str, Any]]:
    """The persons the seed annotates, straight from its YAML."""
    return [
        person
        for path in sorted(ARTICLES_DIR.glob("*.yaml"))
        for person in yaml.safe_load(path.read_text(encoding="utf-8")).get("persons") or []
    ]


async def person_names(client: httpx.AsyncClient, name: str) -> list[str]:
    return await slugs(
        client, "persons", "filter: {name: $name}", {"name": name}, declared="$name: String!"
    )


# -- persons ------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "Sergei Kislyak",
        "sergei kislyak",
        "SERGEY KISLYAK",
        "Sergei Kisliak",
        "Сергей Кисляк",
        "сергей кисляк",
        "Sérgei Kíslyak",
        "  Sergei   Kislyak  ",
    ],
)
async def test_person_name_matches_name_and_aliases_ignoring_case_accents_script(
    client: httpx.AsyncClient, name: str
) -> None:
    assert await person_names(client, name) == [KISLYAK]


async def test_person_name_matches_every_word_of_a_name(client: httpx.AsyncClient) -> None:
    assert await person_names(client, "Kislyak") == [KISLYAK]
    # Everyone with the word in a name or an alias, in the persons' order (name, then slug).
    sergeis = sorted(
        (person["name"].casefold(), person["slug"])
        for person in seed_persons()
        if any("sergei" in text.casefold().split() for text in [person["name"], *person["aliases"]])
    )
    assert len(sergeis) > 1
    assert await person_names(client, "Sergei") == [slug for _, slug in sergeis]
    # Every word must match within one person's name: no one is both.
    assert await person_names(client, "Kislyak Lavrov") == []
    # Punctuation is ignored, never read as a pattern.
    assert await person_names(client, "Sergei.*") == await person_names(client, "Sergei")


@pytest.mark.parametrize(
    "hostile",
    [".*", '{"$ne": null}', "$where", "^S", "", "   ", "\\"],
)
async def test_person_name_strings_are_data(client: httpx.AsyncClient, hostile: str) -> None:
    assert await person_names(client, hostile) == []


@pytest.mark.parametrize("hostile", [".*", '{"$ne": null}', "$where", "^"])
async def test_slug_filters_treat_strings_as_data(client: httpx.AsyncClient, hostile: str) -> None:
    variables = {"s": hostile}
    declared = "$s: String!"
    for field, arguments in [
        ("persons", "filter: {organization: $s}"),
        ("persons", "filter: {country: $s}"),
        ("organizations", "filter: {name: $s}"),
        ("organizations", "filter: {country: $s}"),
        ("events", "filter: {participant: $s}"),
        ("events", "filter: {article: $s}"),
        ("statements", "filter: {speaker: $s}"),
        ("statements", "filter: {about: $s}"),
        ("statements", "filter: {article: $s}"),
        ("sanctions", "filter: {authority: $s}"),
        ("sanctions", "filter: {target: $s}"),
    ]:
        found = await slugs(client, field, arguments, variables, declared=declared)
        assert found == [], f"{field}({arguments}) with {hostile!r}"


@pytest.mark.parametrize("country", ["RU", "ru", "Ru", " ru "])
async def test_person_country_ignores_case(
    client: httpx.AsyncClient, db: Database, country: str
) -> None:
    expected = await in_db(db, PERSONS, {"countries": "RU"})
    assert KISLYAK in expected
    found = await slugs(
        client, "persons", "filter: {country: $c}", {"c": country}, declared="$c: String!"
    )
    assert set(found) == expected


async def test_person_country_without_matches(client: httpx.AsyncClient, db: Database) -> None:
    assert await in_db(db, PERSONS, {"countries": "FR"}) == set()
    assert await slugs(client, "persons", 'filter: {country: "fr"}') == []


async def test_person_organization_is_the_slug_of_a_position(
    client: httpx.AsyncClient, db: Database
) -> None:
    organizations = await in_db(db, ORGANIZATIONS, {})
    used = 0
    for organization in sorted(organizations):
        expected = await in_db(db, PERSONS, {"positions.organization": organization})
        used += bool(expected)
        found = await slugs(
            client,
            "persons",
            "filter: {organization: $o}",
            {"o": organization},
            declared="$o: String!",
        )
        assert set(found) == expected, organization
    assert used > 0
    russia = await slugs(client, "persons", 'filter: {organization: "russia"}')
    assert KISLYAK in russia  # Russia's ambassador to the United States


async def test_person_filters_combine(client: httpx.AsyncClient, db: Database) -> None:
    expected = await in_db(db, PERSONS, {"countries": "RU", "positions.organization": "russia"})
    found = await slugs(client, "persons", 'filter: {country: "ru", organization: "russia"}')
    assert set(found) == expected
    assert KISLYAK in found
    none = await slugs(client, "persons", 'filter: {country: "us", organization: "russia"}')
    assert set(none) == await in_db(
        db, PERSONS, {"countries": "US", "positions.organization": "russia"}
    )


async def test_filtered_persons_keep_name_order(client: httpx.AsyncClient) -> None:
    everyone = await slugs(client, "persons", "orderBy: {field: NAME, direction: ASC}")
    russians = await slugs(client, "persons", 'filter: {country: "RU"}')
    assert russians == [slug for slug in everyone if slug in set(russians)]


# -- organizations ------------------------------------------------------------


KINDS = ["STATE", "GOVERNMENT_BODY", "LEGISLATURE", "LAW_ENFORCEMENT", "MEDIA", "OTHER"]


@pytest.mark.parametrize("kind", KINDS)
async def test_organization_kind(client: httpx.AsyncClient, db: Database, kind: str) -> None:
    expected = await in_db(db, ORGANIZATIONS, {"kind": kind})
    found = await slugs(client, "organizations", f"filter: {{kind: {kind}}}")
    assert set(found) == expected


async def test_states_are_the_states_of_the_article(
    client: httpx.AsyncClient, db: Database
) -> None:
    found = set(await slugs(client, "organizations", "filter: {kind: STATE}"))
    assert {"russia", "united-states"} <= found
    assert found == await in_db(db, ORGANIZATIONS, {"kind": "STATE"})
    assert found != await in_db(db, ORGANIZATIONS, {})


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("госдепартамент сша", "us-state-department"),
        ("STATE DEPARTMENT", "us-state-department"),
        ("u.s. state department", "us-state-department"),
        ("Russian Federation", "russia"),
    ],
)
async def test_organization_name_matches_aliases(
    client: httpx.AsyncClient, name: str, slug: str
) -> None:
    found = await slugs(
        client, "organizations", "filter: {name: $n}", {"n": name}, declared="$n: String!"
    )
    assert found == [slug]


async def test_organization_country_ignores_case(client: httpx.AsyncClient, db: Database) -> None:
    await check_filter(client, db, ORGANIZATIONS, 'country: "us"', {"country": "US"})


# -- events -------------------------------------------------------------------


async def event_dates(client: httpx.AsyncClient, arguments: str) -> dict[str, dict[str, Any]]:
    query = (
        f"{{ events(first: 100, {arguments}) "
        "{ totalCount nodes { slug date { iso precision } } } }"
    )
    connection = (await data(client, query))["events"]
    assert connection["totalCount"] == len(connection["nodes"])
    return {node["slug"]: node["date"] for node in connection["nodes"]}


def within(iso: str, start: str | None, end: str | None) -> bool:
    """``iso`` lies in the inclusive ISO-prefix range: '2009-12' includes '2009-12-31'."""
    if start is not None and iso < start:
        return False
    return end is None or iso <= end or iso.startswith(end)


async def dated_events(db: Database) -> dict[str, str | None]:
    return {doc["_id"]: doc["date"]["iso"] async for doc in db[EVENTS].find({}, {"date": 1})}


@pytest.mark.parametrize("kinds", [["DEATH"], ["ARREST"], ["DEATH", "ARREST"], ["DIPLOMATIC"]])
async def test_event_kinds(client: httpx.AsyncClient, db: Database, kinds: list[str]) -> None:
    await check_filter(client, db, EVENTS, f"kinds: [{', '.join(kinds)}]", {"kind": {"$in": kinds}})


async def test_event_kind_death_is_magnitskys(client: httpx.AsyncClient) -> None:
    assert "magnitsky-death" in await slugs(client, "events", "filter: {kinds: [DEATH]}")


async def test_event_kinds_empty_list_matches_nothing(client: httpx.AsyncClient) -> None:
    assert await slugs(client, "events", "filter: {kinds: []}") == []


RANGES: list[tuple[str | None, str | None]] = [
    ("2009", "2009-12"),
    ("2008", "2008"),
    ("2009-11", None),
    (None, "2008-12-31"),
    ("2009-11-01", "2009-11-30"),
    ("2000", "2100"),
    ("2010", "2009"),
]


@pytest.mark.parametrize(
    ("start", "end", "direction"),
    [
        pytest.param(
            start,
            end,
            direction,
            id=f"{direction}-{start}-{end}",
        )
        for direction in ["ASC", "DESC"]
        for start, end in RANGES
    ],
)
async def test_event_date_range(
    client: httpx.AsyncClient,
    db: Database,
    start: str | None,
    end: str | None,
    direction: str,
) -> None:
    bounds = []
    if start is not None:
        bounds.append(f'from: "{start}"')
    if end is not None:
        bounds.append(f'to: "{end}"')
    arguments = f"filter: {{{', '.join(bounds)}}}, orderBy: {{field: DATE, direction: {direction}}}"
    found = await event_dates(client, arguments)
    expected = {
        slug
        for slug, iso in (await dated_events(db)).items()
        if iso is not None and within(iso, start, end)
    }
    assert set(found) == expected
    for date in found.values():
        assert date["precision"] != "UNKNOWN"
        assert date["iso"] is not None
        assert within(date["iso"], start, end)


async def test_event_date_range_of_the_article(client: httpx.AsyncClient) -> None:
    """The arrest was in 2008, the death in November 2009; UNKNOWN dates never match."""
    assert list(await event_dates(client, 'filter: {from: "2008", to: "2008"}')) == [
        "magnitsky-arrest"
    ]
    in_2009 = await event_dates(client, 'filter: {from: "2009", to: "2009-12"}')
    assert "magnitsky-death" in in_2009
    assert "magnitsky-arrest" not in in_2009
    everything = await event_dates(client, "")
    assert any(d["precision"] == "UNKNOWN" for d in everything.values())
    bounded = await event_dates(client, 'filter: {from: "1000"}')
    assert set(bounded) == {s for s, d in everything.items() if d["precision"] != "UNKNOWN"}


async def test_event_participant(client: httpx.AsyncClient, db: Database) -> None:
    actors = await in_db(db, PERSONS, {}) | await in_db(db, ORGANIZATIONS, {})
    for actor in sorted(actors):
        expected = await in_db(db, EVENTS, {"participants.actor.slug": actor})
        found = await slugs(
            client, "events", "filter: {participant: $p}", {"p": actor}, declared="$p: String!"
        )
        assert set(found) == expected, actor
    magnitsky = await slugs(client, "events", 'filter: {participant: "sergei-magnitsky"}')
    assert {"magnitsky-arrest", "magnitsky-death"} <= set(magnitsky)


async def test_event_article(client: httpx.AsyncClient, db: Database) -> None:
    expected = await in_db(db, EVENTS, {"citations.article": ARTICLE})
    assert expected == await in_db(db, EVENTS, {})
    found = await slugs(client, "events", f'filter: {{article: "{ARTICLE}"}}')
    assert set(found) == expected
    assert await slugs(client, "events", 'filter: {article: "no-such-article"}') == []


async def test_event_filters_combine(client: httpx.AsyncClient, db: Database) -> None:
    found = await slugs(
        client,
        "events",
        'filter: {participant: "sergei-magnitsky", kinds: [DEATH, ARREST], from: "2009"}',
    )
    expected = {
        doc["_id"]
        async for doc in db[EVENTS].find(
            {"participants.actor.slug": "sergei-magnitsky", "kind": {"$in": ["DEATH", "ARREST"]}}
        )
        if doc["date"]["iso"] is not None and doc["date"]["iso"] >= "2009"
    }
    assert set(found) == expected == {"magnitsky-death"}


# -- statements ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "query"),
    [
        (f'speaker: "{KISLYAK}"', {"speaker.slug": KISLYAK}),
        ('speaker: "us-state-department"', {"speaker.slug": "us-state-department"}),
        ("kind: QUOTE", {"kind": "QUOTE"}),
        ("kind: PARAPHRASE", {"kind": "PARAPHRASE"}),
        ('about: "magnitsky-act"', {"about.slug": "magnitsky-act"}),
        ('about: "magnitsky-death"', {"about.slug": "magnitsky-death"}),
        (f'article: "{ARTICLE}"', {"citations.article": ARTICLE}),
        (
            f'speaker: "{KISLYAK}", kind: QUOTE, about: "magnitsky-act"',
            {"speaker.slug": KISLYAK, "kind": "QUOTE", "about.slug": "magnitsky-act"},
        ),
    ],
)
async def test_statement_filters(
    client: httpx.AsyncClient, db: Database, arguments: str, query: dict[str, Any]
) -> None:
    await check_filter(client, db, STATEMENTS, arguments, query)


async def statement_texts(
    client: httpx.AsyncClient, arguments: str, variables: dict[str, Any] | None = None
) -> dict[str, str]:
    head = "query($t: String)" if variables else "query"
    query = (
        f"{head} {{ statements(first: 100, {arguments}) {{ totalCount nodes {{ slug text }} }} }}"
    )
    connection = (await data(client, query, variables))["statements"]
    assert connection["totalCount"] == len(connection["nodes"])
    return {node["slug"]: node["text"] for node in connection["nodes"]}


async def test_statement_text_finds_kislyaks_quote(client: httpx.AsyncClient) -> None:
    found = await statement_texts(
        client,
        f'filter: {{speaker: "{KISLYAK}", kind: QUOTE, about: "magnitsky-act", '
        'text: "instrument of pressure"}',
    )
    assert list(found) == ["kislyak-instrument-of-pressure"]
    # The article's text has no-break spaces between some words.
    assert "instrument of pressure" in " ".join(found["kislyak-instrument-of-pressure"].split())


@pytest.mark.parametrize(
    "text",
    [
        "instrument of pressure",
        "INSTRUMENT pressure",
        "pressure instrument",
        "Pressure, INSTRUMENT!",
    ],
)
async def test_statement_text_is_words_in_any_case_and_order(
    client: httpx.AsyncClient, db: Database, text: str
) -> None:
    found = await statement_texts(client, "filter: {text: $t}", {"t": text})
    assert "kislyak-instrument-of-pressure" in found
    words = [w.strip(",!").casefold() for w in text.split()]
    expected = set()
    async for doc in db[STATEMENTS].find({}, {"text": 1}):
        doc_words = {w.strip(".,\"'!?").casefold() for w in doc["text"].split()}
        if all(word in doc_words for word in words):
            expected.add(doc["_id"])
    assert set(found) == expected


@pytest.mark.parametrize("text", ["instrument of pleasure", "$where", ".*", "!!!", ""])
async def test_statement_text_without_matches(client: httpx.AsyncClient, text: str) -> None:
    body = await graphql(
        client,
        "query($t: String!) { statements(filter: {text: $t}) { totalCount nodes { slug } } }",
        {"t": text},
    )
    assert "errors" not in body, body
    assert body["data"]["statements"] == {"totalCount": 0, "nodes": []}


# -- sanctions ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "query"),
    [
        ('authority: "us-state-department"', {"authority.slug": "us-state-department"}),
        ('authority: "russia"', {"authority.slug": "russia"}),
        ("status: ADOPTED", {"status": "ADOPTED"}),
        ("status: PROPOSED", {"status": "PROPOSED"}),
        ("kinds: [BLACKLIST]", {"kinds": {"$in": ["BLACKLIST"]}}),
        ("kinds: [ENTRY_BAN, BLACKLIST]", {"kinds": {"$in": ["ENTRY_BAN", "BLACKLIST"]}}),
        (
            'authority: "us-state-department", status: ADOPTED, kinds: [BLACKLIST]',
            {"authority.slug": "us-state-department", "status": "ADOPTED", "kinds": "BLACKLIST"},
        ),
    ],
)
async def test_sanction_filters(
    client: httpx.AsyncClient, db: Database, arguments: str, query: dict[str, Any]
) -> None:
    await check_filter(client, db, SANCTIONS, arguments, query)


async def test_state_department_blacklist_targets_sixty(client: httpx.AsyncClient) -> None:
    query = """{ sanctions(filter: {authority: "us-state-department", kinds: [BLACKLIST]}) {
        nodes { slug targetCount status authority { ... on Organization { slug } } } } }"""
    nodes = (await data(client, query))["sanctions"]["nodes"]
    assert [node["slug"] for node in nodes] == ["state-department-blacklist"]
    assert nodes[0]["targetCount"] == 60
    assert nodes[0]["authority"] == {"slug": "us-state-department"}


async def test_sanction_status_without_matches(client: httpx.AsyncClient, db: Database) -> None:
    assert await in_db(db, SANCTIONS, {"status": "LIFTED"}) == set()
    assert await slugs(client, "sanctions", "filter: {status: LIFTED}") == []


# -- search -------------------------------------------------------------------

SEARCH = """query($q: String!, $types: [SearchType!], $first: Int) {
  search(query: $q, types: $types, first: $first) {
    score matched
    node {
      __typename
      ... on Person { slug name aliases }
      ... on Organization { slug name aliases }
      ... on Event { slug title }
      ... on Statement { slug text }
      ... on Sanction { slug title }
      ... on Article { slug title }
    }
  }
}"""


async def search(
    client: httpx.AsyncClient,
    query: str,
    types: list[str] | None = None,
    first: int | None = None,
) -> list[dict[str, Any]]:
    hits: list[dict[str, Any]] = (
        await data(client, SEARCH, {"q": query, "types": types, "first": first})
    )["search"]
    scores = [hit["score"] for hit in hits]
    assert scores == sorted(scores, reverse=True), "hits are not best first"
    return hits


@pytest.mark.parametrize("query", ["Sergei Kislyak", "sergey kislyak", "Сергей Кисляк"])
async def test_search_ranks_the_exact_person_first(
    client: httpx.AsyncClient, db: Database, query: str
) -> None:
    hits = await search(client, query)
    top = hits[0]
    assert top["node"]["__typename"] == "Person"
    assert top["node"]["slug"] == KISLYAK
    assert top["score"] == 1.0
    person = await db[PERSONS].find_one({"_id": KISLYAK})
    assert person is not None
    assert top["matched"] in [person["name"], *person["aliases"]]
    assert all(hit["score"] < 1.0 for hit in hits[1:])


async def test_search_sanction_by_title(client: httpx.AsyncClient) -> None:
    hits = await search(client, "magnitsky act", types=["SANCTION"])
    assert hits
    assert hits[0]["node"]["slug"] == "magnitsky-act"
    assert hits[0]["score"] == 1.0
    assert hits[0]["matched"] == hits[0]["node"]["title"]
    assert {hit["node"]["__typename"] for hit in hits} == {"Sanction"}


@pytest.mark.parametrize(
    "types",
    [["PERSON"], ["EVENT"], ["STATEMENT"], ["PERSON", "EVENT"], ["ARTICLE"], ["ORGANIZATION"]],
)
async def test_search_types_restrict_results(client: httpx.AsyncClient, types: list[str]) -> None:
    everything = await search(client, "magnitsky", first=50)
    wanted = {t.capitalize() for t in types}
    restricted = await search(client, "magnitsky", types=types, first=50)
    assert {hit["node"]["__typename"] for hit in restricted} <= wanted
    expected = [hit for hit in everything if hit["node"]["__typename"] in wanted]
    assert {(h["node"]["__typename"], h["node"]["slug"]) for h in restricted} >= {
        (h["node"]["__typename"], h["node"]["slug"]) for h in expected
    }
    if len(everything) < 50:
        assert restricted == expected


async def test_search_without_types_mixes_types(client: httpx.AsyncClient) -> None:
    hits = await search(client, "magnitsky", first=50)
    assert len({hit["node"]["__typename"] for hit in hits}) > 1


async def test_search_first_limits_hits(client: httpx.AsyncClient) -> None:
    many = await search(client, "magnitsky", first=50)
    assert len(many) > 3
    few = await search(client, "magnitsky", first=3)
    assert few == many[:3]
    default = await search(client, "magnitsky")
    assert default == many[:10]


async def test_search_matched_is_a_text_of_the_hit(client: httpx.AsyncClient) -> None:
    for hit in await search(client, "kislyak", first=50):
        node = hit["node"]
        texts = [
            *([node["name"], *node["aliases"]] if "name" in node else []),
            *([node["title"]] if "title" in node else []),
            *([node["text"]] if "text" in node else []),
        ]
        assert hit["matched"] in texts, hit
        assert 0 < hit["score"] <= 1


@pytest.mark.parametrize("query", ["$where", '{"$ne": null}', "$regex", "no such words here"])
async def test_search_strings_are_data(client: httpx.AsyncClient, query: str) -> None:
    assert await search(client, query) == []


async def test_search_tolerates_a_small_misspelling(client: httpx.AsyncClient) -> None:
    hits = await search(client, "Sergei Kislyakk")
    assert hits
    assert hits[0]["node"]["slug"] == KISLYAK

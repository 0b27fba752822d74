"""The scale benchmark's workload: six operations, each a GraphQL query and the floor
endpoint that makes the same reads by hand (``bench/floor.py``), and their request
parameters, drawn deterministically from a loaded corpus.

``bench.scale`` drives them over HTTP; ``bench.instructions`` counts their instructions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from api.database import create_client
from api.settings import Settings
from bench.corpus import SIZES, Corpus, corpus_name, load_corpus, loaded_corpus
from bench.floor import BY_DATE, BY_NAME
from model import paths
from model.names import COLLECTIONS, EVENTS, PERSONS, SANCTIONS, STATEMENTS
from model.orders import NAME
from model.store import Database, Document
from schema.common.ids import to_global_id as global_id
from schema.common.projection import Reads
from schema.search.engine import parse_query, search

_ACTOR = "__typename ... on Person { name } ... on Organization { name }"
_DATE = "date { iso precision }"


@dataclass(frozen=True)
class Operation:
    name: str
    query: str
    floor_path: str
    # Variables of the requests in turn (GraphQL); the floor gets the same as parameters.
    variables: list[dict[str, Any]] = field(default_factory=list)
    # Page-size variables for the commands-per-request check: a small and a large page.
    page_sizes: tuple[dict[str, int], dict[str, int]] | None = None

    def floor_query(self, variables: dict[str, Any]) -> str:
        wanted = {k: v for k, v in variables.items() if not k.startswith("size")}
        return f"{self.floor_path}?{urlencode(wanted)}" if wanted else self.floor_path


PERSON_PAGE = f"""
query PersonPage($slug: String!, $size: Int = 20) {{
  person(slug: $slug) {{
    id name aliases description countries
    positions {{ title organization {{ name }} }}
    citations {{ quote article {{ title }} }}
    statements(first: $size) {{
      totalCount
      nodes {{ text {_DATE} speaker {{ {_ACTOR} }} citations {{ quote }} }}
    }}
    events(first: $size) {{
      totalCount
      nodes {{ title {_DATE} participants {{ role actor {{ {_ACTOR} }} }} }}
    }}
    sanctions(first: $size) {{ nodes {{ title status }} }}
  }}
}}"""
PERSONS_PAGE = f"""
query Persons($after: String, $size: Int = 50, $sizeStatements: Int = 5) {{
  persons(first: $size, after: $after) {{
    pageInfo {{ endCursor hasNextPage }}
    nodes {{
      id name
      statements(last: $sizeStatements) {{ nodes {{ text {_DATE} speaker {{ {_ACTOR} }} }} }}
    }}
  }}
}}"""
EVENTS_PAGE = f"""
query Events($from: String!, $to: String!, $after: String, $size: Int = 20) {{
  events(
    filter: {{from: $from, to: $to}}
    orderBy: {{field: DATE, direction: ASC}}
    first: $size
    after: $after
  ) {{
    pageInfo {{ endCursor hasNextPage }}
    nodes {{ title kind {_DATE} }}
  }}
}}"""
SEARCH = """
query Search($q: String!) {
  search(query: $q, first: 10) {
    score matched
    node {
      __typename
      ... on Person { name } ... on Organization { name } ... on Event { title }
      ... on Statement { text } ... on Sanction { title } ... on Article { title }
    }
  }
}"""
SANCTIONS_PAGE = f"""
query Sanctions($authority: String!, $size: Int = 20) {{
  sanctions(filter: {{authority: $authority}}, first: $size) {{
    nodes {{ title status kinds {_DATE} targets {{ {_ACTOR} }} }}
  }}
}}"""
NODE = """
query Node($id: ID!) {
  node(id: $id) {
    __typename id
    ... on Person { name } ... on Organization { name } ... on Event { title }
    ... on Statement { text } ... on Sanction { title } ... on Article { title }
  }
}"""


def operations() -> list[Operation]:
    return [
        Operation("person page", PERSON_PAGE, "/person-page", page_sizes=({"size": 5}, {})),
        Operation(
            "persons(first: 50) + 5 latest statements",
            PERSONS_PAGE,
            "/persons",
            page_sizes=({"size": 5, "sizeStatements": 1}, {}),
        ),
        Operation("events after page 100", EVENTS_PAGE, "/events", page_sizes=({"size": 5}, {})),
        Operation("search, misspelled name", SEARCH, "/search"),
        Operation(
            "sanctions by authority", SANCTIONS_PAGE, "/sanctions", page_sizes=({"size": 5}, {})
        ),
        Operation("node(id)", NODE, "/node"),
    ]


# ---------------------------------------------------------------------------------------
# Request parameters, drawn from the loaded corpus (deterministically)


async def well_covered_persons(db: Database, count: int = 10) -> list[str]:
    """Persons with at least 20 statements and 20 events, the ``count`` around the median
    by citations: a page full in every list, of a person as typical at L as at S."""
    speakers = {
        doc["_id"]
        async for doc in await db[STATEMENTS].aggregate(
            [
                {"$group": {"_id": "$" + paths.SPEAKER, "n": {"$sum": 1}}},
                {"$match": {"n": {"$gte": 20}}},
            ]
        )
    }
    participants = {
        doc["_id"]
        async for doc in await db[EVENTS].aggregate(
            [
                {"$unwind": "$participants"},
                {"$group": {"_id": "$" + paths.PARTICIPANT, "n": {"$sum": 1}}},
                {"$match": {"n": {"$gte": 20}}},
            ]
        )
    }
    # A small corpus may have no such person: then its most quoted ones.
    both = sorted(speakers & participants) or await most_quoted(db, count)
    cited = await db[PERSONS].aggregate(
        [
            {"$match": {"_id": {"$in": both}}},
            {"$project": {"n": {"$size": "$citations"}}},
        ]
    )
    by_citations = sorted([(doc["n"], doc["_id"]) async for doc in cited])
    middle = max(len(by_citations) // 2 - count // 2, 0)
    return [slug for _, slug in by_citations[middle : middle + count]]


async def most_quoted(db: Database, count: int) -> list[str]:
    groups = await db[STATEMENTS].aggregate(
        [
            {"$group": {"_id": "$" + paths.SPEAKER, "n": {"$sum": 1}}},
            {"$sort": {"n": -1, "_id": 1}},
            {"$limit": count},
        ]
    )
    return [doc["_id"] async for doc in groups]


def misspelled(name: str) -> str:
    """One letter dropped from the middle of the last word: 'Morosser' -> 'Morsser'."""
    *first, last = name.split()
    cut = len(last) // 2
    return " ".join([*first, last[:cut] + last[cut + 1 :]])


async def keys_at(
    db: Database, collection: str, query: Document, key: str, at: list[int]
) -> list[str]:
    """The order key of the documents at these positions of an index-ordered range
    (positions past its end are skipped); one query."""
    docs = await db[collection].find(query, {key: 1}).sort(key, 1).limit(max(at) + 1).to_list()
    found = []
    for position in at:
        if position < len(docs):
            value: Any = docs[position]
            for part in key.split("."):
                value = value[part]
            found.append(str(value))
    return found


def node_ids(corpus: Corpus) -> list[str]:
    """Ten documents of each kind, spread over the corpus (its slugs are by construction)."""
    size = corpus.size
    articles = [f"article-{size.articles * i // 10:06d}" for i in range(10)]
    return [
        *(global_id("Article", slug) for slug in articles),
        *(global_id("Person", f"person-{size.persons * i // 10:06d}") for i in range(10)),
        *(global_id("Organization", f"org-{size.organizations * i // 10:06d}") for i in range(10)),
        *(global_id("Event", f"{slug}-event-{i}") for i, slug in enumerate(articles)),
        *(global_id("Statement", f"{slug}-statement-{i}") for i, slug in enumerate(articles)),
        *(global_id("Sanction", f"{slug}-sanction-{i % 2}") for i, slug in enumerate(articles)),
    ]


POPULAR = [f"person-{rank:06d}" for rank in range(10)]  # the Zipf draw's first ranks


async def parameters(db: Database, corpus: Corpus) -> dict[str, list[dict[str, Any]]]:
    persons = await well_covered_persons(db)
    name_keys = await keys_at(
        db, PERSONS, {}, NAME.ascending, [50 * page - 1 for page in range(1, 10)]
    )
    date_range = {"from": "2005", "to": "2015"}
    in_range = {paths.DATE_ASC: {"$gte": "2005", "$lte": "2015\ufffe"}}
    # After page 100, or as deep as a small corpus goes.
    pages = await db[EVENTS].count_documents(in_range) // 20
    deep = max(min(100, pages - 10), 1)
    date_keys = await keys_at(
        db, EVENTS, in_range, paths.DATE_ASC, [20 * page - 1 for page in range(deep, deep + 10)]
    )
    popular = await db[PERSONS].find({"_id": {"$in": POPULAR}}, {"name": 1}).to_list()
    authorities = [
        doc["_id"]
        async for doc in await db[SANCTIONS].aggregate(
            [
                {"$group": {"_id": "$" + paths.AUTHORITY, "n": {"$sum": 1}}},
                {"$sort": {"n": -1, "_id": 1}},
                {"$limit": 10},
            ]
        )
    ]
    return {
        "person page": [{"slug": slug} for slug in persons],
        "persons(first: 50) + 5 latest statements": [
            {},
            *({"after": BY_NAME.cursor({"sort": {"name": key}})} for key in name_keys),
        ],
        "events after page 100": [
            {**date_range, "after": BY_DATE.cursor({"date": {"asc": key}})} for key in date_keys
        ],
        "search, misspelled name": [
            {"q": misspelled(doc["name"])} for doc in sorted(popular, key=lambda d: d["_id"])
        ],
        "sanctions by authority": [{"authority": slug} for slug in authorities],
        "node(id)": [{"id": node_id} for node_id in node_ids(corpus)],
    }


async def search_hits_at_1(db: Database, misspellings: list[str], popular: list[str]) -> float:
    hits = 0
    for query, slug in zip(misspellings, popular, strict=True):
        found = await search(db, parse_query(query), [PERSONS], 1, Reads())
        hits += bool(found) and found[0].doc["_id"] == slug
    return hits / len(misspellings)


# ---------------------------------------------------------------------------------------
# The corpus of a size, loaded once, and the operations with their parameters


async def prepare(
    size: str, seed: int, uri: str, names: list[str] | None
) -> tuple[dict[str, Any], list[Operation]]:
    """The size's corpus loaded (once) and the operations whose name starts with one of
    ``names`` (all when None), with their request parameters drawn from it."""
    database = f"bench_{size.lower()}"
    settings = Settings(mongodb_uri=uri, mongodb_database=database, database_timeout_ms=3_600_000)
    corpus = Corpus(SIZES[size], seed)
    client = create_client(uri, settings)
    report: dict[str, Any] = {"size": size, "database": database}
    try:
        db = client[database]
        if await loaded_corpus(db) == corpus_name(corpus):
            print(f"[{size}] corpus {corpus_name(corpus)} already loaded in {database}")
            report["load"] = None
        else:
            print(f"[{size}] loading corpus {corpus_name(corpus)} into {database} ...")
            await client.drop_database(database)
            report["load"] = await load_corpus(db, corpus)
            print(f"[{size}] loaded: {report['load']}")
        report["documents"] = {c: await db[c].estimated_document_count() for c in COLLECTIONS}
        print(f"[{size}] choosing request parameters ...")
        chosen = await parameters(db, corpus)
        report["search_hit_at_1"] = await search_hits_at_1(
            db, [v["q"] for v in chosen["search, misspelled name"]], POPULAR
        )
    finally:
        await client.close()
    ops = [
        Operation(op.name, op.query, op.floor_path, chosen[op.name], op.page_sizes)
        for op in operations()
        if not names or any(op.name.startswith(name) for name in names)
    ]
    report["parameters"] = {op.name: op.variables for op in ops}
    return report, ops

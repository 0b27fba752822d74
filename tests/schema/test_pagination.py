"""Keyset pagination over HTTP: every connection walks forward and backward without
gaps or repeats, agrees with one big page and with MongoDB, and orders dates and
names as documented."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from model.derived import with_derived_fields
from model.names import ARTICLES, EVENTS, ORGANIZATIONS, PERSONS, SANCTIONS, STATEMENTS
from model.store import Database
from schema.common.pagination import Window, name_order
from tests.conftest import data

CONNECTION = """
    totalCount
    edges { cursor node { id slug } }
    nodes { id slug }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
"""
MAX_PAGES = 100


@dataclass(frozen=True)
class Listing:
    """One connection field: top-level, or nested under a person or organization."""

    label: str
    collection: str
    field: str
    order: str | None = None
    parent: str | None = None
    parent_collection: str | None = None
    parent_key: str | None = None
    page: int = 2

    def query(self) -> str:
        args = "first: $first, after: $after, last: $last, before: $before"
        if self.order is not None:
            args += f", orderBy: {self.order}"
        declared = "$first: Int, $after: String, $last: Int, $before: String"
        inner = f"{self.field}({args}) {{ {CONNECTION} }}"
        if self.parent is None:
            return f"query({declared}) {{ {inner} }}"
        return f"query($slug: String!, {declared}) {{ {self.parent}(slug: $slug) {{ {inner} }} }}"

    async def parent_slug(self, db: Database) -> str | None:
        """For a nested listing, the parent holding the most items (so pages are many)."""
        if self.parent_collection is None or self.parent_key is None:
            return None
        best: tuple[int, str] | None = None
        async for doc in db[self.parent_collection].find({}, {"_id": 1}):
            count = await db[self.collection].count_documents({self.parent_key: doc["_id"]})
            if best is None or (count, doc["_id"]) > best:
                best = (count, doc["_id"])
        assert best is not None
        return best[1]

    def listed(self, slug: str | None) -> dict[str, Any]:
        """The filter on ``collection`` of what this listing lists (under the parent ``slug``)."""
        return {} if self.parent_key is None else {self.parent_key: slug}

    async def expected_count(self, db: Database, slug: str | None) -> int:
        return await db[self.collection].count_documents(self.listed(slug))

    async def fetch(
        self, client: httpx.AsyncClient, slug: str | None, **arguments: Any
    ) -> dict[str, Any]:
        variables: dict[str, Any] = dict(arguments)
        if slug is not None:
            variables["slug"] = slug
        result = await data(client, self.query(), variables)
        if self.parent is not None:
            assert result[self.parent] is not None, f"{self.parent} {slug} not found"
            result = result[self.parent]
        connection: dict[str, Any] = result[self.field]
        check_page_shape(connection)
        return connection


TOP_LEVEL = [
    Listing("persons", PERSONS, "persons"),
    Listing("organizations", ORGANIZATIONS, "organizations"),
    Listing("events", EVENTS, "events"),
    Listing("statements", STATEMENTS, "statements"),
    Listing("sanctions", SANCTIONS, "sanctions"),
    # The seed has one article: its walks are single pages.
    Listing("articles", ARTICLES, "articles", page=1),
    Listing("persons-name-desc", PERSONS, "persons", "{field: NAME, direction: DESC}"),
    Listing("events-date-desc", EVENTS, "events", "{field: DATE, direction: DESC}"),
    Listing("statements-date-desc", STATEMENTS, "statements", "{field: DATE, direction: DESC}"),
    Listing("sanctions-date-desc", SANCTIONS, "sanctions", "{field: DATE, direction: DESC}"),
]
NESTED = [
    Listing(
        "person.statements",
        STATEMENTS,
        "statements",
        parent="person",
        parent_collection=PERSONS,
        parent_key="speaker.slug",
    ),
    Listing(
        "person.events",
        EVENTS,
        "events",
        parent="person",
        parent_collection=PERSONS,
        parent_key="participants.actor.slug",
    ),
    Listing(
        "organization.statements",
        STATEMENTS,
        "statements",
        parent="organization",
        parent_collection=ORGANIZATIONS,
        parent_key="speaker.slug",
        page=1,
    ),
    Listing(
        "organization.sanctionsImposed",
        SANCTIONS,
        "sanctionsImposed",
        parent="organization",
        parent_collection=ORGANIZATIONS,
        parent_key="authority.slug",
        page=1,
    ),
]
LISTINGS = TOP_LEVEL + NESTED
IDS = [listing.label for listing in LISTINGS]
WIDE = [listing for listing in LISTINGS if listing.page > 1]


@pytest.fixture(params=LISTINGS, ids=IDS)
def listing(request: pytest.FixtureRequest) -> Listing:
    """Each connection field in turn, unless a test parametrizes its own listings."""
    listing: Listing = request.param
    return listing


@pytest.fixture
async def parent(client: httpx.AsyncClient, db: Database, listing: Listing) -> str | None:
    """The parent a nested listing pages under (None at the top), chosen once the app seeded."""
    return await listing.parent_slug(db)


def check_page_shape(connection: dict[str, Any]) -> None:
    """edges and nodes agree item by item; pageInfo's cursors are the edges' ends."""
    edges = connection["edges"]
    nodes = connection["nodes"]
    info = connection["pageInfo"]
    assert [edge["node"] for edge in edges] == nodes
    if edges:
        assert info["startCursor"] == edges[0]["cursor"]
        assert info["endCursor"] == edges[-1]["cursor"]
    else:
        assert info["startCursor"] is None
        assert info["endCursor"] is None
    cursors = [edge["cursor"] for edge in edges]
    assert len(set(cursors)) == len(cursors), "two edges share a cursor"


def slugs_of(connection: dict[str, Any]) -> list[str]:
    return [node["slug"] for node in connection["nodes"]]


async def walk(
    client: httpx.AsyncClient, listing: Listing, slug: str | None, *, forward: bool
) -> tuple[list[str], set[int]]:
    """Every item, page by page; returns them in list order, and the totalCounts seen."""
    size = listing.page
    items: list[str] = []
    totals: set[int] = set()
    cursor: str | None = None
    for number in range(MAX_PAGES):
        arguments: dict[str, Any] = {"first": size} if forward else {"last": size}
        if cursor is not None:
            arguments["after" if forward else "before"] = cursor
        connection = await listing.fetch(client, slug, **arguments)
        totals.add(connection["totalCount"])
        info = connection["pageInfo"]
        page = slugs_of(connection)
        assert len(page) <= size
        if number == 0:
            total = connection["totalCount"]
            if forward:
                assert info["hasPreviousPage"] is False
                assert info["hasNextPage"] is (total > size)
            else:
                assert info["hasNextPage"] is False
                assert info["hasPreviousPage"] is (total > size)
        items = items + page if forward else page + items
        more = info["hasNextPage"] if forward else info["hasPreviousPage"]
        if not more:
            return items, totals
        assert len(page) == size, "a page short of `first`/`last` claims more items follow"
        cursor = info["endCursor"] if forward else info["startCursor"]
    raise AssertionError(f"{listing.label}: still paging after {MAX_PAGES} pages")


async def test_one_page_holds_every_document(
    client: httpx.AsyncClient, db: Database, listing: Listing, parent: str | None
) -> None:
    expected = await listing.expected_count(db, parent)
    assert expected > 0, f"{listing.label}: nothing to page through"
    connection = await listing.fetch(client, parent, first=100)
    assert connection["totalCount"] == expected
    assert len(connection["nodes"]) == expected
    assert len(set(slugs_of(connection))) == expected
    assert connection["pageInfo"]["hasNextPage"] is False
    assert connection["pageInfo"]["hasPreviousPage"] is False
    query = listing.listed(parent)
    in_db = {doc["_id"] async for doc in db[listing.collection].find(query, {"_id": 1})}
    assert set(slugs_of(connection)) == in_db


@pytest.mark.parametrize("forward", [True, False], ids=["forward", "backward"])
async def test_walking_visits_every_item_once_in_order(
    client: httpx.AsyncClient,
    db: Database,
    listing: Listing,
    parent: str | None,
    forward: bool,
) -> None:
    expected = await listing.expected_count(db, parent)
    whole = slugs_of(await listing.fetch(client, parent, first=100))
    visited, totals = await walk(client, listing, parent, forward=forward)
    assert visited == whole
    assert len(visited) == len(set(visited)) == expected
    assert totals == {expected}


async def test_last_page_backward_equals_tail_of_the_list(
    client: httpx.AsyncClient, listing: Listing, parent: str | None
) -> None:
    whole = slugs_of(await listing.fetch(client, parent, first=100))
    size = listing.page
    tail = await listing.fetch(client, parent, last=size)
    assert slugs_of(tail) == whole[-size:]
    head = await listing.fetch(client, parent, first=size)
    assert slugs_of(head) == whole[:size]


async def test_paging_past_either_end_is_empty(
    client: httpx.AsyncClient, listing: Listing, parent: str | None
) -> None:
    whole = await listing.fetch(client, parent, first=100)
    edges = whole["edges"]
    after_last = await listing.fetch(client, parent, first=2, after=edges[-1]["cursor"])
    assert after_last["nodes"] == []
    assert after_last["pageInfo"]["hasNextPage"] is False
    before_first = await listing.fetch(client, parent, last=2, before=edges[0]["cursor"])
    assert before_first["nodes"] == []
    assert before_first["pageInfo"]["hasPreviousPage"] is False


@pytest.mark.parametrize("listing", WIDE, ids=[listing.label for listing in WIDE])
async def test_after_and_before_together_bound_a_window(
    client: httpx.AsyncClient, listing: Listing, parent: str | None
) -> None:
    whole = await listing.fetch(client, parent, first=100)
    edges = whole["edges"]
    assert len(edges) >= 3
    lower, upper = 0, len(edges) - 1
    between = await listing.fetch(
        client,
        parent,
        first=100,
        after=edges[lower]["cursor"],
        before=edges[upper]["cursor"],
    )
    assert slugs_of(between) == slugs_of(whole)[lower + 1 : upper]


async def test_cursors_are_stable_between_pages(
    client: httpx.AsyncClient, listing: Listing, parent: str | None
) -> None:
    """The cursor an item gets on a small page is the one it gets on the big page."""
    whole = await listing.fetch(client, parent, first=100)
    second = await listing.fetch(client, parent, first=1, after=whole["edges"][0]["cursor"])
    assert second["edges"] == whole["edges"][1:2]
    previous = await listing.fetch(client, parent, last=1, before=whole["edges"][-1]["cursor"])
    assert previous["edges"] == whole["edges"][-2:-1]


@pytest.mark.parametrize("argument", ["first", "last"])
async def test_a_zero_size_page_is_empty(
    client: httpx.AsyncClient,
    db: Database,
    listing: Listing,
    parent: str | None,
    argument: str,
) -> None:
    expected = await listing.expected_count(db, parent)
    connection = await listing.fetch(client, parent, **{argument: 0})
    assert connection["edges"] == []
    assert connection["nodes"] == []
    assert connection["pageInfo"]["startCursor"] is None
    assert connection["pageInfo"]["endCursor"] is None
    assert connection["totalCount"] == expected


@pytest.mark.parametrize("argument", ["first", "last"])
async def test_a_zero_size_page_says_items_remain(
    client: httpx.AsyncClient, db: Database, argument: str
) -> None:
    listing = TOP_LEVEL[0]
    assert await listing.expected_count(db, None) > 0
    info = (await listing.fetch(client, None, **{argument: 0}))["pageInfo"]
    if argument == "first":
        assert info["hasNextPage"] is True
    else:
        assert info["hasPreviousPage"] is True


async def test_default_page_size_is_twenty_or_everything(
    client: httpx.AsyncClient, db: Database
) -> None:
    """Neither first nor last: the documented default of 20 items."""
    for listing in TOP_LEVEL[:6]:
        expected = await listing.expected_count(db, None)
        result = await data(client, f"{{ {listing.field} {{ {CONNECTION} }} }}")
        connection = result[listing.field]
        assert len(connection["nodes"]) == min(expected, 20), listing.label
        assert connection["pageInfo"]["hasNextPage"] is (expected > 20), listing.label


DATED_FIELDS = ["events", "statements", "sanctions"]


async def dated_nodes(
    client: httpx.AsyncClient, field: str, direction: str
) -> list[dict[str, Any]]:
    query = (
        f"{{ {field}(first: 100, orderBy: {{field: DATE, direction: {direction}}}) "
        "{ totalCount nodes { slug date { iso precision } } } }"
    )
    connection = (await data(client, query))[field]
    nodes: list[dict[str, Any]] = connection["nodes"]
    assert len(nodes) == connection["totalCount"]
    return nodes


def unknown_last(nodes: list[dict[str, Any]]) -> bool:
    precisions = [node["date"]["precision"] for node in nodes]
    known = [p != "UNKNOWN" for p in precisions]
    return known == sorted(known, reverse=True)


@pytest.mark.parametrize("field", DATED_FIELDS)
async def test_date_desc_reverses_known_dates_and_keeps_unknown_last(
    client: httpx.AsyncClient, field: str
) -> None:
    ascending = await dated_nodes(client, field, "ASC")
    descending = await dated_nodes(client, field, "DESC")
    assert {n["slug"] for n in ascending} == {n["slug"] for n in descending}
    assert len(ascending) == len(descending)
    assert unknown_last(ascending), [n["date"]["precision"] for n in ascending]
    assert unknown_last(descending), [n["date"]["precision"] for n in descending]
    for node in ascending:
        assert (node["date"]["iso"] is None) == (node["date"]["precision"] == "UNKNOWN")
    known_asc = [n for n in ascending if n["date"]["precision"] != "UNKNOWN"]
    known_desc = [n for n in descending if n["date"]["precision"] != "UNKNOWN"]
    isos = [n["date"]["iso"] for n in known_asc]
    assert isos == sorted(isos)
    assert [n["slug"] for n in known_desc] == [n["slug"] for n in reversed(known_asc)]


async def test_events_have_dated_and_undated_items_to_order(client: httpx.AsyncClient) -> None:
    """The article dates the arrest (2008) and the death (November 2009), and leaves
    others undated, so the date-order tests above are not vacuous for events."""
    ascending = await dated_nodes(client, "events", "ASC")
    by_slug = {n["slug"]: n["date"] for n in ascending}
    assert by_slug["magnitsky-arrest"]["iso"] == "2008"
    assert by_slug["magnitsky-death"]["iso"] == "2009-11"
    assert any(d["precision"] == "UNKNOWN" for d in by_slug.values())
    order = [n["slug"] for n in ascending]
    assert order.index("magnitsky-arrest") < order.index("magnitsky-death")
    descending = [n["slug"] for n in await dated_nodes(client, "events", "DESC")]
    assert descending[:2] == ["magnitsky-death", "magnitsky-arrest"]


async def test_default_date_order_is_ascending(client: httpx.AsyncClient) -> None:
    for field in DATED_FIELDS:
        ascending = [n["slug"] for n in await dated_nodes(client, field, "ASC")]
        default = (await data(client, f"{{ {field}(first: 100) {{ nodes {{ slug }} }} }}"))[field]
        assert [n["slug"] for n in default["nodes"]] == ascending


async def test_name_desc_is_the_reverse_of_name_asc(client: httpx.AsyncClient) -> None:
    query = (
        "query($d: OrderDirection!) { persons(first: 100, "
        "orderBy: {field: NAME, direction: $d}) { nodes { slug name } } }"
    )
    ascending = (await data(client, query, {"d": "ASC"}))["persons"]["nodes"]
    descending = (await data(client, query, {"d": "DESC"}))["persons"]["nodes"]
    assert len(ascending) > 1
    assert descending == list(reversed(ascending))
    names = [node["name"].casefold() for node in ascending]
    assert names == sorted(names)
    default = (await data(client, "{ persons(first: 100) { nodes { slug name } } }"))["persons"]
    assert default["nodes"] == ascending


DESC = "{field: DATE, direction: DESC}"
NAME_DESC = "{field: NAME, direction: DESC}"
# id: the top-level collection, its order, and a slug that its twin "<slug>-2" extends
PREFIXED_SLUGS: dict[str, tuple[str, str | None, str]] = {
    "persons-asc": (PERSONS, None, "sergei-kislyak"),
    "persons-desc": (PERSONS, NAME_DESC, "sergei-kislyak"),
    "statements-asc": (STATEMENTS, None, "kislyak-instrument-of-pressure"),
    "statements-desc": (STATEMENTS, DESC, "kislyak-instrument-of-pressure"),
    "events-asc": (EVENTS, None, "magnitsky-death"),
    "dated-events-desc": (EVENTS, DESC, "magnitsky-death"),
    "undated-events-desc": (EVENTS, DESC, "congress-considers-magnitsky-act"),
    "sanctions-asc": (SANCTIONS, None, "magnitsky-act"),
    "sanctions-desc": (SANCTIONS, DESC, "magnitsky-act"),
}
PREFIX_CASES = [  # one item a page, so some cursor falls between a slug and its twin
    pytest.param(Listing(case_id, collection, collection, order, page=1), slug, id=case_id)
    for case_id, (collection, order, slug) in PREFIXED_SLUGS.items()
]


@pytest.mark.parametrize(("listing", "slug"), PREFIX_CASES)
async def test_walks_survive_slugs_that_extend_one_another(
    client: httpx.AsyncClient, db: Database, listing: Listing, slug: str
) -> None:
    """A second item like an existing one, whose slug extends the first's, is paged too."""
    original = await db[listing.collection].find_one({"_id": slug})
    assert original is not None
    twin = with_derived_fields(
        listing.collection, {**original, "_id": f"{slug}-2", "slug": f"{slug}-2"}
    )
    await db[listing.collection].insert_one(twin)
    expected = await listing.expected_count(db, None)
    whole = slugs_of(await listing.fetch(client, None, first=100))
    assert len(whole) == expected
    assert {slug, f"{slug}-2"} <= set(whole)
    forward, _ = await walk(client, listing, None, forward=True)
    assert forward == whole
    backward, _ = await walk(client, listing, None, forward=False)
    assert backward == whole


DOCUMENTED_DEFAULT = 20  # "20 when neither first nor last is given", as the schema says


async def test_a_page_without_first_or_last_holds_the_documented_default(
    client: httpx.AsyncClient, db: Database, listing: Listing, parent: str | None
) -> None:
    """Twins of one item make the list longer than the default page, then a bare query
    gets the list's first twenty, and says that more follow."""
    original = await db[listing.collection].find_one(listing.listed(parent))
    assert original is not None
    for n in range(DOCUMENTED_DEFAULT + 5):
        twin_slug = f"{original['_id']}-twin-{n:02d}"
        twin = {**original, "_id": twin_slug, "slug": twin_slug}
        await db[listing.collection].insert_one(with_derived_fields(listing.collection, twin))
    assert await listing.expected_count(db, parent) > DOCUMENTED_DEFAULT + 1
    whole = slugs_of(await listing.fetch(client, parent, first=100))
    page = await listing.fetch(client, parent)
    assert slugs_of(page) == whole[:DOCUMENTED_DEFAULT]
    assert page["pageInfo"]["hasNextPage"] is True
    assert page["totalCount"] == len(whole)


def test_a_window_keeps_a_filter_bound_on_its_own_order_key() -> None:
    """A filter's range on the order key and the cursor's range on it both hold."""
    order = name_order(PERSONS)
    window = Window.parse(order, first=5, after=order.cursor({"sort": {"name": "m"}}))
    same = {order.field: {"$gt": "a"}}
    assert window.match(same) == {"$and": [same, {order.field: {"$gt": "m"}}]}
    other = {order.field: {"$lt": "z"}}
    assert window.match(other) == {order.field: {"$lt": "z", "$gt": "m"}}
    assert window.match({}) == {order.field: {"$gt": "m"}}

"""The index catalogue: every filter and order the API offers is a range on one of these.

All ascending: a descending order scans them backwards (SecantusDB 0.7's descending
indexes lose keys that extend one another, e.g. "2009" and "2009-11").
"""

from __future__ import annotations

from pymongo import ASCENDING, IndexModel

from model import paths
from model.names import (
    API_KEYS,
    ARTICLES,
    COLLECTIONS,
    EVENTS,
    ORGANIZATIONS,
    PERSONS,
    REVISIONS,
    SANCTIONS,
    STATEMENTS,
)
from model.orders import ORDERS
from model.store import Database

# The fields each collection's lists filter on: each leads one index per order key.
FILTERED_BY: dict[str, tuple[str, ...]] = {
    ARTICLES: (),
    PERSONS: (paths.COUNTRIES, paths.POSITION_ORGANIZATION),
    ORGANIZATIONS: (paths.KIND, paths.COUNTRY),
    EVENTS: (paths.KIND, paths.PARTICIPANT, paths.CITED_ARTICLE),
    STATEMENTS: (
        paths.SPEAKER,
        paths.SUBJECT,
        paths.KIND,
        paths.CITED_ARTICLE,
        paths.SEARCH_TOKENS,  # the statement text filter
    ),
    SANCTIONS: (
        paths.AUTHORITY,
        paths.TARGET,
        paths.STATUS,
        paths.KINDS,
        paths.IN_RESPONSE_TO,
        paths.CITED_ARTICLE,
    ),
}
# Keys search and the name filters look candidates up by (model.keys); statements have
# no names.
SEARCHED_BY: dict[str, tuple[str, ...]] = {
    collection: (paths.SEARCH_KEYS,)
    if collection == STATEMENTS
    else (paths.SEARCH_NAMES, paths.SEARCH_KEYS)
    for collection in COLLECTIONS
}
# Persons and organizations an article names are listed by name, in memory.
LISTED_BY: dict[str, tuple[str, ...]] = {
    PERSONS: (paths.CITED_ARTICLE,),
    ORGANIZATIONS: (paths.CITED_ARTICLE,),
}


def _ordered(collection: str) -> list[IndexModel]:
    """For each order key (each direction's, where they differ): one index on it alone and
    one led by each filter field."""
    found: list[IndexModel] = []
    for lead in [(), *((field,) for field in FILTERED_BY[collection])]:
        for order in ORDERS[collection]:
            for key in dict.fromkeys((order.ascending, order.descending)):
                found.append(IndexModel([(field, ASCENDING) for field in (*lead, key)]))
    return found


INDEXES: dict[str, list[IndexModel]] = {
    collection: [
        *(IndexModel([(key, ASCENDING)]) for key in SEARCHED_BY[collection]),
        *_ordered(collection),
        *(IndexModel([(field, ASCENDING)]) for field in LISTED_BY.get(collection, ())),
    ]
    for collection in COLLECTIONS
} | {
    API_KEYS: [IndexModel([(paths.KEY_HASH, ASCENDING)], unique=True)],
    # An object's history, and the changes of some types, in commit order (the _id).
    REVISIONS: [
        IndexModel([(field, ASCENDING), (paths.ID, ASCENDING)])
        for field in (paths.REVISION_NODE, paths.REVISION_TYPE)
    ],
}


async def ensure_indexes(db: Database) -> None:
    """Create every index the API's filters and orders use (idempotent)."""
    for collection, indexes in INDEXES.items():
        await db[collection].create_indexes(indexes)

"""The index catalogue: every filter and order the API offers is a range on one of these.

All ascending: a descending order scans them backwards (SecantusDB 0.7's descending
indexes lose keys that extend one another, e.g. "2009" and "2009-11").
"""

from __future__ import annotations

from pymongo import ASCENDING, IndexModel

from model import paths
from model.names import ARTICLES, EVENTS, ORGANIZATIONS, PERSONS, SANCTIONS, STATEMENTS
from model.store import Database

_DATE_ASC = [(paths.DATE_ASC, ASCENDING)]
_DATE_DESC = [(paths.DATE_DESC, ASCENDING)]
_NAME = [(paths.NAME_ORDER, ASCENDING)]


def _by_date(*prefix: str) -> list[IndexModel]:
    """One index per date direction, each led by the filter field (if any)."""
    lead = [(field, ASCENDING) for field in prefix]
    return [IndexModel(lead + _DATE_ASC), IndexModel(lead + _DATE_DESC)]


def _search(*keys: str) -> list[IndexModel]:
    """The keys search and the name filters look candidates up by (model.keys)."""
    return [
        IndexModel([(key, ASCENDING)]) for key in keys or (paths.SEARCH_NAMES, paths.SEARCH_KEYS)
    ]


def _by_name(*prefix: str) -> list[IndexModel]:
    return [IndexModel([(field, ASCENDING) for field in prefix] + _NAME)]


INDEXES: dict[str, list[IndexModel]] = {
    ARTICLES: [*_search()],
    PERSONS: [
        *_search(),
        *_by_name(),
        *_by_name(paths.COUNTRIES),
        *_by_name(paths.POSITION_ORGANIZATION),
        IndexModel([(paths.CITED_ARTICLE, ASCENDING)]),
    ],
    ORGANIZATIONS: [
        *_search(),
        *_by_name(),
        *_by_name(paths.KIND),
        *_by_name(paths.COUNTRY),
        IndexModel([(paths.CITED_ARTICLE, ASCENDING)]),
    ],
    EVENTS: [
        *_search(),
        *_by_date(),
        *_by_date(paths.KIND),
        *_by_date(paths.PARTICIPANT),
        *_by_date(paths.CITED_ARTICLE),
    ],
    STATEMENTS: [
        *_search(paths.SEARCH_KEYS),  # statements have no names
        *_by_date(),
        *_by_date(paths.SPEAKER),
        *_by_date(paths.SUBJECT),
        *_by_date(paths.KIND),
        *_by_date(paths.CITED_ARTICLE),
        *_by_date(paths.SEARCH_TOKENS),  # the statement text filter
    ],
    SANCTIONS: [
        *_search(),
        *_by_date(),
        *_by_date(paths.AUTHORITY),
        *_by_date(paths.TARGET),
        *_by_date(paths.STATUS),
        *_by_date(paths.KINDS),
        *_by_date(paths.IN_RESPONSE_TO),
        *_by_date(paths.CITED_ARTICLE),
    ],
}


async def ensure_indexes(db: Database) -> None:
    """Create every index the API's filters and orders use (idempotent)."""
    for collection, indexes in INDEXES.items():
        await db[collection].create_indexes(indexes)

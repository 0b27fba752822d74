"""The ``name`` filters of persons and organizations, answered by the search engine."""

from __future__ import annotations

from model import paths
from model.keys import fold
from model.store import Database, Document
from schema.common.filters import MATCH_NOTHING
from schema.search.engine import ids_matching_name


async def name_matches(db: Database, collection: str, name: str | None) -> Document | None:
    """Names and aliases as search matches them: any case, script, word order, small slips."""
    if name is None:
        return None
    if not fold(name):
        return MATCH_NOTHING
    return {paths.ID: {"$in": await ids_matching_name(db, collection, name)}}

"""The ``name`` filters of persons and organizations, answered by the search engine."""

from __future__ import annotations

from typing import Any

from model import paths
from model.keys import fold
from model.store import Database, Document
from schema.common.filters import MATCH_NOTHING, condition
from schema.search.engine import ids_matching_name


def name_condition() -> Any:
    """The ``name`` field of a filter input, answered by ``name_matches``."""
    return condition(
        "Matches name and aliases, ignoring case, accents and script (Latin or Cyrillic)."
    )


async def name_matches(db: Database, collection: str, name: str | None) -> Document | None:
    """Names and aliases as search matches them: any case, script, word order, small slips."""
    if name is None:
        return None
    if not fold(name):
        return MATCH_NOTHING
    return {paths.ID: {"$in": await ids_matching_name(db, collection, name)}}

"""The whole state of a database, to show that something left it unchanged."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bson.json_util import CANONICAL_JSON_OPTIONS, dumps

from model.store import Database


def canonical(document: Mapping[str, Any]) -> str:
    """Exact text of a document: field order and BSON types count (60 and 60.0 differ)."""
    return dumps(document, json_options=CANONICAL_JSON_OPTIONS)


async def snapshot(db: Database) -> dict[str, dict[str, list[str]]]:
    """Everything a write could change: every collection of the database (not only the
    app's), its options, every document and every index."""
    state: dict[str, dict[str, list[str]]] = {}
    async for info in await db.list_collections():
        name = info["name"]
        documents = await db[name].find({}).sort("_id", 1).to_list()
        indexes = await (await db[name].list_indexes()).to_list()
        state[name] = {
            "options": [canonical(info.get("options", {}))],
            "documents": [canonical(document) for document in documents],
            "indexes": sorted(canonical(index) for index in indexes),
        }
    return state

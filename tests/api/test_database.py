"""The indexes the API's reads rely on exist once the app has started (their use by every
read the app sends is checked in tests/schema/test_plans.py)."""

from __future__ import annotations

from model.indexes import INDEXES, ensure_indexes
from model.store import Database


async def test_indexes_are_created_at_start_up(db: Database) -> None:
    await ensure_indexes(db)
    for collection, models in INDEXES.items():
        names = {index["name"] async for index in await db[collection].list_indexes()}
        for model in models:
            assert model.document["name"] in names, (collection, model.document["name"])

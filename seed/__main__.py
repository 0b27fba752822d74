"""``python -m seed``: load every bundled article into the configured database."""

from __future__ import annotations

import asyncio
import logging

from api.database import open_database
from api.settings import Settings
from model.indexes import ensure_indexes
from seed.loader import load_directory


async def main() -> None:
    settings = Settings()
    logging.basicConfig(level=settings.log_level.upper())
    async with open_database(settings) as db:
        await ensure_indexes(db)
        for result in await load_directory(db):
            print(f"{result.article}: {result.counts}")


if __name__ == "__main__":
    asyncio.run(main())

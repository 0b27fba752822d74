"""``python -m seed``: load every bundled article into the configured database."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from api.database import create_client, ensure_indexes
from api.embedded import EmbeddedMongo
from api.settings import Settings
from seed.loader import load_directory


async def main() -> None:
    settings = Settings()
    logging.basicConfig(level=settings.log_level.upper())
    with contextlib.ExitStack() as stack:
        uri = settings.mongodb_uri
        if uri is None:
            uri = stack.enter_context(EmbeddedMongo(settings.data_dir / "db")).uri
        client = create_client(uri, settings)
        try:
            db = client[settings.mongodb_database]
            await ensure_indexes(db)
            for result in await load_directory(db):
                print(f"{result.article}: {result.counts}")
        finally:
            await client.close()


if __name__ == "__main__":
    asyncio.run(main())

"""Start-up and shut-down: the database (embedded or not), its indexes and the seed."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager

from pymongo.monitoring import CommandListener
from starlette.applications import Starlette

from api.database import open_database
from api.settings import Settings
from seed.loader import load_directory


def make_lifespan(
    settings: Settings, listeners: Sequence[CommandListener] = ()
) -> Callable[[Starlette], AbstractAsyncContextManager[None]]:
    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with open_database(settings, listeners) as db:
            if settings.seed_on_start:
                await load_directory(db)
            app.state.db = db
            yield

    return lifespan

from __future__ import annotations

import asyncio
from typing import Annotated

import strawberry

from model import paths
from model.documents import RefType
from model.names import ORGANIZATIONS, PERSONS
from model.store import Database, find_all
from schema.common.errors import UserInputError
from schema.context import Info
from schema.screening.engine import MAX_SCREEN_CHARS, Known, screen
from schema.screening.types import Screening

# The record holds hundreds to a few thousand actors; past this many of a kind, the rest
# (by slug) are not screened for rather than read without bound.
MAX_KNOWN = 20_000
_KINDS: tuple[tuple[str, RefType], ...] = ((PERSONS, "Person"), (ORGANIZATIONS, "Organization"))


async def known_actors(db: Database) -> tuple[Known, ...]:
    """The names and aliases of every person and organization: nothing else is read."""
    projection = {paths.NAME: 1, paths.ALIASES: 1}
    found = await asyncio.gather(
        *(
            find_all(db[collection].find({}, projection).sort(paths.ID).limit(MAX_KNOWN))
            for collection, _ in _KINDS
        )
    )
    return tuple(
        Known(kind, doc[paths.ID], (doc[paths.NAME], *doc.get(paths.ALIASES, [])))
        for (_, kind), docs in zip(_KINDS, found, strict=True)
        for doc in docs
    )


@strawberry.type
class ScreeningQueries:
    @strawberry.field(
        description=(
            "Which persons and organizations of the record a text names, and what it quotes."
        )
    )
    async def screen(
        self,
        info: Info,
        text: Annotated[
            str,
            strawberry.argument(
                description=f"The text to screen: at most {MAX_SCREEN_CHARS} characters."
            ),
        ],
    ) -> Screening:
        if len(text) > MAX_SCREEN_CHARS:
            raise UserInputError(
                f"`text` may be at most {MAX_SCREEN_CHARS} characters, got {len(text)}.",
                argument="text",
            )
        return await screened(info.context.db, text)


async def screened(db: Database, text: str) -> Screening:
    """``text`` screened against the record as it stands (an article just added, too)."""
    known = await known_actors(db)
    # Up to half a second of work for the largest text: off the event loop, which
    # meanwhile answers other requests (and the readiness probe).
    return Screening.of(text, await asyncio.to_thread(screen, text, known))

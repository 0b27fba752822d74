"""A mutation's input on its way to becoming a stored object."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from model import paths
from model.names import ARTICLES
from model.revisions import Session
from model.store import Database
from schema.common.mutations import UserError, UserErrorCode


@dataclass
class Draft:
    """The user errors found so far, and reads of the record as the mutation's transaction
    sees it (so what a check read cannot change before the write commits)."""

    db: Database
    session: Session
    max_article_chars: int
    errors: list[UserError] = field(default_factory=list)
    _bodies: dict[str, str | None] = field(default_factory=dict)

    def fail(self, path: str, message: str, code: UserErrorCode = UserErrorCode.INVALID) -> None:
        self.errors.append(UserError.at(path, message, code))

    async def holder(self, collections: Sequence[str], slug: str) -> str | None:
        """The first of ``collections`` that holds an object under ``slug``; None if none."""
        for collection in collections:
            found = await self.db[collection].find_one(
                {paths.ID: slug}, {paths.ID: 1}, session=self.session
            )
            if found is not None:
                return collection
        return None

    async def body(self, article: str) -> str | None:
        """The text of the article ``article``; None when there is no such article."""
        if article not in self._bodies:
            found = await self.db[ARTICLES].find_one(
                {paths.ID: article}, {paths.BODY: 1}, session=self.session
            )
            self._bodies[article] = None if found is None else found[paths.BODY]
        return self._bodies[article]

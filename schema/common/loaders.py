"""Base DataLoaders: each batch is one MongoDB command, results in key order."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import ClassVar

from strawberry.dataloader import DataLoader

from model import paths
from model.store import Database, Document, find_all
from schema.common.pagination import Page, Window, count_by, fetch_pages
from schema.common.projection import Reads

BY_NAME: dict[str, int] = {paths.NAME_ORDER: 1}
BY_DATE: dict[str, int] = {paths.DATE_ASC: 1}


class DocumentBySlugLoader(DataLoader[str, Document | None]):
    collection: ClassVar[str]

    def __init__(
        self, db: Database, reads: Reads, also_hidden: frozenset[str] = frozenset()
    ) -> None:
        """``also_hidden``: stored fields this loader's objects never show (the citations
        of actors whose selection shows none), beyond those the whole request hides."""
        super().__init__(load_fn=self._load)
        self.db = db
        self.reads = reads
        self.also_hidden = also_hidden

    async def _load(self, slugs: Sequence[str]) -> list[Document | None]:
        projection = self.reads.fields(self.collection, also_hidden=self.also_hidden)
        cursor = self.db[self.collection].find({paths.ID: {"$in": list(slugs)}}, projection)
        found = {doc["_id"]: doc for doc in await find_all(cursor)}
        return [found.get(slug) for slug in slugs]


class DocumentsByFieldLoader(DataLoader[str, list[Document]]):
    """Every document whose ``field`` holds the key (an unpaginated list), in ``sort`` order."""

    collection: ClassVar[str]
    field: ClassVar[str]
    sort: ClassVar[dict[str, int]] = {paths.ID: 1}

    def __init__(self, db: Database, reads: Reads) -> None:
        super().__init__(load_fn=self._load)
        self.db = db
        self.reads = reads

    async def _load(self, keys: Sequence[str]) -> list[list[Document]]:
        wanted = set(keys)
        grouped: dict[str, list[Document]] = defaultdict(list)
        cursor = (
            self.db[self.collection]
            .find(
                {self.field: {"$in": list(keys)}},
                self.reads.fields(self.collection, keeping=self.field),
            )
            .sort(self.sort)
        )
        for doc in await find_all(cursor):
            for value in _values(doc, self.field):
                if value in wanted:
                    grouped[value].append(doc)
        return [grouped[key] for key in keys]


class PageByParentLoader(DataLoader[tuple[str, Window], Page]):
    """A page of documents per parent slug; keys sharing a window share one command."""

    collection: ClassVar[str]
    field: ClassVar[str]

    def __init__(self, db: Database, reads: Reads) -> None:
        super().__init__(load_fn=self._load)
        self.db = db
        self.reads = reads

    async def _load(self, keys: Sequence[tuple[str, Window]]) -> list[Page]:
        by_window: dict[Window, list[str]] = defaultdict(list)
        for parent, window in keys:
            if parent not in by_window[window]:
                by_window[window].append(parent)
        pages: dict[tuple[str, Window], Page] = {}
        for window, parents in by_window.items():
            for parent, page in (
                await fetch_pages(
                    self.db,
                    self.collection,
                    self.field,
                    parents,
                    window,
                    self.reads.fields(self.collection, keeping=self.field),
                )
            ).items():
                pages[(parent, window)] = page
        return [pages[key] for key in keys]


class CountByParentLoader(DataLoader[str, int]):
    collection: ClassVar[str]
    field: ClassVar[str]

    def __init__(self, db: Database, reads: Reads) -> None:
        super().__init__(load_fn=self._load)
        self.db = db
        self.reads = reads

    async def _load(self, keys: Sequence[str]) -> list[int]:
        counts = await count_by(self.db, self.collection, self.field, keys)
        return [counts[key] for key in keys]


def _values(doc: Document, path: str) -> list[object]:
    """The values at a dotted path, descending through arrays as MongoDB does."""
    current: list[object] = [doc]
    for part in path.split("."):
        following: list[object] = []
        for value in current:
            items = value if isinstance(value, list) else [value]
            following.extend(
                item[part] for item in items if isinstance(item, dict) and part in item
            )
        current = following
    flat: list[object] = []
    for value in current:
        flat.extend(value if isinstance(value, list) else [value])
    return flat

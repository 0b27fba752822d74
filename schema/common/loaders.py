"""Base DataLoaders: each batch is one MongoDB command, results in key order.

A domain declares its loaders in one line each (``StatementsBySpeakerLoader =
PageByParentLoader.of(STATEMENTS, paths.SPEAKER)``): what differs between them is data.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import ClassVar, Generic, Self, TypeVar

from strawberry.dataloader import DataLoader

from model import paths
from model.names import REVISIONS
from model.orders import DATE, NAME
from model.revisions import Operation, node_key
from model.store import Database, Document, find_all
from schema.common.pagination import Page, Window, count_by, fetch_pages
from schema.common.projection import Reads

BY_NAME: dict[str, int] = {NAME.ascending: 1}
MAX_MERGE_HOPS = 5  # a merged entity merged again, and again
BY_DATE: dict[str, int] = {DATE.ascending: 1}

KeyT = TypeVar("KeyT")
ResultT = TypeVar("ResultT")


class CollectionLoader(DataLoader[KeyT, ResultT], Generic[KeyT, ResultT]):
    """Loads from one collection by one stored ``field``."""

    collection: ClassVar[str]
    field: ClassVar[str] = paths.ID
    sort: ClassVar[dict[str, int]] = {paths.ID: 1}

    def __init__(
        self, db: Database, reads: Reads, also_hidden: frozenset[str] = frozenset()
    ) -> None:
        """``also_hidden``: stored fields this loader's objects never show (the citations
        of actors whose selection shows none), beyond those the whole request hides."""
        super().__init__(load_fn=self._load)
        self.db = db
        self.reads = reads
        self.also_hidden = also_hidden

    @classmethod
    def of(
        cls, collection: str, field: str = paths.ID, *, sort: dict[str, int] | None = None
    ) -> type[Self]:
        """This loader for ``collection``, keyed by ``field``, listing in ``sort`` order."""
        attributes = {"collection": collection, "field": field, "sort": sort or cls.sort}
        return type(f"{cls.__name__}[{collection}.{field}]", (cls,), attributes)

    def projection(self) -> Document:
        """What to read: what the objects show, and the field the batch groups by."""
        keeping = None if self.field == paths.ID else self.field
        return self.reads.fields(self.collection, also_hidden=self.also_hidden, keeping=keeping)

    async def _load(self, keys: Sequence[KeyT]) -> list[ResultT]:
        raise NotImplementedError


class DocumentBySlugLoader(CollectionLoader[str, Document | None]):
    async def _load(self, slugs: Sequence[str]) -> list[Document | None]:
        cursor = self.db[self.collection].find({paths.ID: {"$in": list(slugs)}}, self.projection())
        found = {doc["_id"]: doc for doc in await find_all(cursor)}
        return [found.get(slug) for slug in slugs]


class SurvivorBySlugLoader(DocumentBySlugLoader):
    """By slug, where a slug merged into another (``mergeEntities``) resolves to the one
    that remains: its revisions say where it went. Only a slug not found costs the look."""

    async def _load(self, slugs: Sequence[str]) -> list[Document | None]:
        found = dict(zip(slugs, await super()._load(slugs), strict=True))
        # The slug asked for -> where it is now, for those not found under their own.
        moved = {slug: slug for slug, doc in found.items() if doc is None}
        for _ in range(MAX_MERGE_HOPS):
            if not moved:
                break
            into = await self._merged_into(set(moved.values()))
            moved = {asked: into[now] for asked, now in moved.items() if now in into}
            survivors = await super()._load(sorted(set(moved.values())))
            there = {doc[paths.ID]: doc for doc in survivors if doc is not None}
            for asked, now in list(moved.items()):
                if now in there:
                    found[asked] = there[now]
                    del moved[asked]
        return [found[slug] for slug in slugs]

    async def _merged_into(self, slugs: set[str]) -> dict[str, str]:
        cursor = self.db[REVISIONS].find(
            {
                paths.REVISION_NODE: {"$in": [node_key(self.collection, slug) for slug in slugs]},
                paths.REVISION_OPERATION: Operation.MERGE.value,
                paths.MERGED_INTO: {"$exists": True},
            },
            {paths.REVISION_NODE: 1, paths.MERGED_INTO: 1},
        )
        return {
            doc[paths.REVISION_NODE].partition(":")[2]: doc[paths.MERGED_INTO]
            for doc in await find_all(cursor)
        }


class DocumentsByFieldLoader(CollectionLoader[str, list[Document]]):
    """Every document whose ``field`` holds the key (an unpaginated list), in ``sort`` order."""

    async def _load(self, keys: Sequence[str]) -> list[list[Document]]:
        wanted = set(keys)
        grouped: dict[str, list[Document]] = defaultdict(list)
        cursor = (
            self.db[self.collection]
            .find({self.field: {"$in": list(keys)}}, self.projection())
            .sort(self.sort)
        )
        for doc in await find_all(cursor):
            # A document names a key once per citation of it: list the document once.
            for value in {value for value in _values(doc, self.field) if value in wanted}:
                grouped[value].append(doc)
        return [grouped[key] for key in keys]


class PageByParentLoader(CollectionLoader[tuple[str, Window], Page]):
    """A page of documents per parent slug; keys sharing a window share one command."""

    async def _load(self, keys: Sequence[tuple[str, Window]]) -> list[Page]:
        by_window: dict[Window, list[str]] = defaultdict(list)
        for parent, window in keys:
            if parent not in by_window[window]:
                by_window[window].append(parent)
        pages: dict[tuple[str, Window], Page] = {}
        for window, parents in by_window.items():
            found = await fetch_pages(
                self.db, self.collection, self.field, parents, window, self.projection()
            )
            for parent, page in found.items():
                pages[(parent, window)] = page
        return [pages[key] for key in keys]


class CountByParentLoader(CollectionLoader[str, int]):
    async def _load(self, keys: Sequence[str]) -> list[int]:
        counts = await count_by(self.db, self.collection, self.field, keys)
        return [counts[key] for key in keys]


def by_parent(
    collection: str, field: str
) -> tuple[type[PageByParentLoader], type[CountByParentLoader]]:
    """The two loaders of a nested connection (``schema.common.fields``): its pages and
    its total counts, for the parents ``field`` names."""
    return PageByParentLoader.of(collection, field), CountByParentLoader.of(collection, field)


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

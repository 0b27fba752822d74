"""Keyset pagination in MongoDB: first/after/last/before over a (sort key, _id) order.

Pages are bounded range scans on an index, never skip/limit or Python slicing, so
page 1,000 costs what page 1 costs.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from model import paths
from model.orders import DATE, NAME, OrderKey
from model.store import Database, Document, aggregate_all, find_all
from schema.common.errors import UserInputError

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
_PARENT = "_parent"


@dataclass(frozen=True)
class Order:
    """A total order on one stored key that ends in ``\x1f<_id>``, so ties cannot happen.

    A single unique key keeps every page a plain range on one index field, which any
    query planner (SecantusDB's included) turns into an index scan.
    """

    name: str
    field: str
    direction: int

    def sort(self, *, reverse: bool = False) -> dict[str, int]:
        return {self.field: -self.direction if reverse else self.direction}

    def value(self, doc: Document) -> Any:
        value: Any = doc
        for part in self.field.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        return value

    def cursor(self, doc: Document) -> str:
        payload = json.dumps([self.name, self.value(doc)], ensure_ascii=False)
        return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")

    def decode(self, cursor: str, argument: str) -> str:
        try:
            padded = cursor + "=" * (-len(cursor) % 4)
            name, key = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        except (ValueError, TypeError, binascii.Error, UnicodeError):
            raise UserInputError(
                f"`{argument}` is not a cursor of this connection.", argument=argument
            ) from None
        if name != self.name or not isinstance(key, str):
            raise UserInputError(
                f"`{argument}` is a cursor of another connection or order.", argument=argument
            )
        return key

    def beyond(self, key: str, *, after: bool) -> dict[str, str]:
        """The range operator for keys strictly after (or before) ``key`` in this order."""
        return {"$gt" if (self.direction == 1) == after else "$lt": key}


def _check_size(argument: str, size: int | None) -> None:
    if size is not None and not 0 <= size <= MAX_PAGE_SIZE:
        raise UserInputError(
            f"`{argument}` must be between 0 and {MAX_PAGE_SIZE}, got {size}.",
            argument=argument,
        )


@dataclass(frozen=True)
class Window:
    """Validated pagination arguments for one order; hashable, so loaders can batch on it."""

    order: Order
    size: int
    forward: bool
    after: str | None
    before: str | None

    @classmethod
    def parse(
        cls,
        order: Order,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Window:
        _check_size("first", first)
        _check_size("last", last)
        if first is not None and last is not None:
            raise UserInputError("Passing both `first` and `last` is not supported.")
        return cls(
            order=order,
            size=last if last is not None else first if first is not None else DEFAULT_PAGE_SIZE,
            forward=last is None,
            after=order.decode(after, "after") if after is not None else None,
            before=order.decode(before, "before") if before is not None else None,
        )

    def match(self, base: Document) -> Document:
        """``base`` narrowed to the window's range, merged into one flat query."""
        bounds: dict[str, str] = {}
        if self.after is not None:
            bounds.update(self.order.beyond(self.after, after=True))
        if self.before is not None:
            bounds.update(self.order.beyond(self.before, after=False))
        if not bounds:
            return base
        existing = base.get(self.order.field)
        if existing is None:
            return {**base, self.order.field: bounds}
        if isinstance(existing, dict) and not set(existing) & set(bounds):
            return {**base, self.order.field: {**existing, **bounds}}
        return {"$and": [base, {self.order.field: bounds}]}

    def sort(self) -> dict[str, int]:
        return self.order.sort(reverse=not self.forward)

    def page(self, docs: Sequence[Document]) -> Page:
        """``docs`` were fetched with ``size + 1`` as the limit, in ``self.sort()`` order."""
        extra = len(docs) > self.size
        kept = list(docs[: self.size])
        if not self.forward:
            kept.reverse()
        return Page(
            docs=kept,
            order=self.order,
            has_next=extra if self.forward else self.before is not None,
            has_previous=self.after is not None if self.forward else extra,
        )


@dataclass(frozen=True)
class Page:
    docs: list[Document]
    order: Order  # cursors are made from it when asked for: most queries show none
    has_next: bool
    has_previous: bool


async def fetch_page(
    db: Database, collection: str, base: Document, window: Window, projection: Document
) -> Page:
    cursor = (
        db[collection]
        .find(window.match(base), with_path(projection, window.order.field))
        .sort(window.sort())
        .limit(window.size + 1)
    )
    if window.order.field == paths.ID and not base:
        # The plan MongoDB picks anyway; SecantusDB scans the collection and sorts otherwise.
        cursor = cursor.hint([(paths.ID, 1)])
    return window.page(await find_all(cursor))


async def fetch_pages(
    db: Database,
    collection: str,
    field: str,
    parents: Sequence[str],
    window: Window,
    projection: Document,
) -> dict[str, Page]:
    """One page per parent (documents whose ``field`` holds the parent) in one command.

    One index range over all the parents (``field`` leads the compound index, the order
    key follows), sorted once, then grouped: each parent keeps its first ``size + 1`` documents,
    so what crosses the wire is bounded by the pages, whatever a parent holds. ``$unionWith``
    would bound the scan too on MongoDB, but SecantusDB answers each of its branches by
    reading the whole collection.
    """
    if not parents:
        return {}
    # One parent (the next page of one person's list) is an equality: SecantusDB plans
    # ``$in`` plus a cursor range on a compound index as a collection scan.
    wanted: str | Document = parents[0] if len(parents) == 1 else {"$in": list(parents)}
    # ``field``'s first part may be an array of subdocuments (``participants.actor.slug``):
    # a copy of it is unwound, so a document joins the group of each parent it holds and
    # the group key is a plain path (which every server evaluates alike).
    head, _, rest = field.partition(".")
    key = f"{_PARENT}.{rest}" if rest else _PARENT
    pipeline: list[Document] = [
        {"$match": window.match({field: wanted})},
        {"$sort": window.sort()},
        {"$project": with_path(projection, window.order.field)},
        {"$addFields": {_PARENT: f"${head}"}},
        {"$unwind": f"${_PARENT}"},
        {"$match": {key: wanted}},
        {
            "$group": {
                "_id": f"${key}",
                "docs": {"$firstN": {"n": window.size + 1, "input": "$$ROOT"}},
            }
        },
    ]
    grouped: dict[str, list[Document]] = {}
    for group in await aggregate_all(db[collection], pipeline):
        for doc in group["docs"]:
            del doc[_PARENT]
        grouped[group["_id"]] = group["docs"]
    return {parent: window.page(grouped.get(parent, [])) for parent in parents}


async def count_by(
    db: Database, collection: str, field: str, parents: Sequence[str]
) -> dict[str, int]:
    """How many documents hold each parent in ``field``, in one command.

    ``field``'s first part may be an array of subdocuments (``participants.actor.slug``):
    it is unwound so the group key is a plain path, which every server evaluates alike.
    """
    wanted = {field: {"$in": list(parents)}}
    pipeline: list[Document] = [
        {"$match": wanted},
        {"$unwind": "$" + field.split(".")[0]},
        {"$match": wanted},
        {"$group": {"_id": f"${field}", "count": {"$sum": 1}}},
    ]
    counts = {doc["_id"]: doc["count"] for doc in await aggregate_all(db[collection], pipeline)}
    return {parent: counts.get(parent, 0) for parent in parents}


def with_path(projection: Document, path: str) -> Document:
    """``projection`` reading ``path`` too (a page's order key, which its cursors hold)."""
    if path.split(".")[0] in projection:
        return projection
    return {**projection, path: 1}


def ordered(collection: str, key: OrderKey, *, descending: bool = False) -> Order:
    """A list of ``collection`` in the order of ``key``. The collection and the direction
    are part of the name, so cursors cannot cross lists."""
    if descending:
        return Order(f"{collection}.{key.name}-desc", key.descending, -1)
    return Order(f"{collection}.{key.name}-asc", key.ascending, 1)


def name_order(collection: str, *, descending: bool = False) -> Order:
    return ordered(collection, NAME, descending=descending)


def date_order(collection: str, *, descending: bool = False) -> Order:
    return ordered(collection, DATE, descending=descending)

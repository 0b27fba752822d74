"""The fields every domain has, declared once: an object by slug, the objects a loader
lists for a key, a top-level listing and a connection nested under an object.

What they load follows from the names, as the domains name things: the type ``Person``
is loaded by the request's loader ``person_by_slug``, and ``StatementConnection`` pages
the ``Statement`` objects of ``schema.statements.types`` (named, so that domains refer to
each other without import cycles).
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Annotated, Any, Protocol, Self, TypeVar, cast

import strawberry

from model.orders import DATE, NAME, OrderKey
from model.store import Database, Document
from schema.common.arguments import After, Before, First, Last
from schema.common.pagination import Order, Window, date_order, ordered
from schema.common.types import OrderDirection
from schema.limits import bound


class Stored(Protocol):
    """A type made from a stored document: every node type of the schema."""

    @classmethod
    def from_doc(cls, doc: Any, /) -> Self: ...


NodeT = TypeVar("NodeT", bound=Stored)


class Filter(Protocol):
    """A listing's ``filter`` input: the query its conditions make, for the chosen order."""

    async def to_query(self, db: Database, order: Order) -> Document: ...


# The request loaders the declared fields use, by name (a test checks each exists).
NAMED_LOADERS: set[str] = set()


def loader_of(info: strawberry.Info, name: str) -> Any:
    return getattr(info.context.loaders, name)


def by_slug_loader(node: type[Stored]) -> str:
    return f"{node.__name__.lower()}_by_slug"


async def load_one(
    info: strawberry.Info, node: type[NodeT], slug: str | None, loader: str | None = None
) -> NodeT | None:
    """The object of type ``node`` stored under ``slug``; None for none (or no slug).
    ``loader``: the request's loader to use, when not ``node``'s own by-slug loader."""
    if slug is None:
        return None
    doc = await loader_of(info, loader or by_slug_loader(node)).load(slug)
    return node.from_doc(doc) if doc else None


async def load_each(info: strawberry.Info, node: type[NodeT], slugs: list[str]) -> list[NodeT]:
    """The objects stored under ``slugs``, in order, leaving out those that are gone."""
    found = await asyncio.gather(*(load_one(info, node, slug) for slug in slugs))
    return [item for item in found if item is not None]


async def load_listed(
    info: strawberry.Info, node: type[NodeT], loader: str, key: str
) -> list[NodeT]:
    """The objects the request's ``loader`` (a ``DocumentsByFieldLoader``) lists for ``key``."""
    return [node.from_doc(doc) for doc in await loader_of(info, loader).load(key)]


def field_of(
    resolve: Callable[..., Any],
    parameters: list[inspect.Parameter],
    returns: Any,
    description: str,
    metadata: dict[str, Any] | None = None,
    **options: Any,
) -> Any:
    """A Strawberry field whose arguments are ``parameters``: Strawberry reads them from the
    resolver's signature, so one resolver serves fields with different arguments.
    ``options``: Strawberry's own (``permission_classes``)."""
    context = [
        inspect.Parameter("root", inspect.Parameter.POSITIONAL_OR_KEYWORD),
        inspect.Parameter(
            "info", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=strawberry.Info
        ),
    ]
    resolve.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        context + parameters, return_annotation=returns
    )
    return strawberry.field(resolver=resolve, description=description, metadata=metadata, **options)


def _argument(name: str, annotation: Any) -> inspect.Parameter:
    return inspect.Parameter(
        name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=annotation
    )


PAGINATION = [
    _argument("first", First),
    _argument("after", After),
    _argument("last", Last),
    _argument("before", Before),
]


def by_slug(node: type[Stored], *, description: str) -> Any:
    """``person(slug:)``: an object by its slug; null when there is none."""

    async def resolve(root: Any, info: strawberry.Info, slug: str) -> Any:
        return await load_one(info, node, slug)

    slug = inspect.Parameter(
        "slug",
        inspect.Parameter.KEYWORD_ONLY,
        annotation=Annotated[str, strawberry.argument(description="The slug.")],
    )
    return field_of(resolve, [slug], node | None, description)


def reference(node: type[Stored], *, held_in: str, description: str) -> Any:
    """An object another one names by slug, held in its private attribute ``held_in``;
    null when it names none."""

    async def resolve(root: Any, info: strawberry.Info) -> Any:
        return await load_one(info, node, getattr(root, held_in))

    return field_of(resolve, [], node | None, description)


def listed(node: type[Stored], *, by: str, description: str, most: int) -> Any:
    """The objects of ``node``'s collection that name this object (by its slug) in the
    field the request's loader ``<nodes>_by_<by>`` groups by; about ``most`` of them."""
    loader = f"{node.__name__.lower()}s_by_{by}"
    NAMED_LOADERS.add(loader)

    async def resolve(root: Any, info: strawberry.Info) -> Any:
        return await load_listed(info, node, loader, root.slug)

    return field_of(resolve, [], list[node], description, bound(most))  # type: ignore[valid-type]


@dataclass(frozen=True)
class OrderField:
    """A choice of ``orderBy.field``: an order of the model, as the schema describes it."""

    name: str
    description: str
    key: OrderKey

    @property
    def words(self) -> str:
        return f"by {self.key.name}"


BY_DATE = OrderField("DATE", "By date; UNKNOWN dates come last.", DATE)
BY_NAME = OrderField("NAME", "By name, ignoring case and accents.", NAME)


class Orders:
    """The ``orderBy`` input of one listing: ``<Type>Order`` with ``<Type>OrderField``."""

    def __init__(self, type_name: str, plural: str, collection: str, *fields: OrderField):
        self.collection = collection
        self.fields = {field.name: field for field in fields}
        self.default = fields[0]
        values = {
            field.name: strawberry.enum_value(field.name, description=field.description)
            for field in fields
        }
        enum = strawberry.enum(
            cast("type[Enum]", Enum(f"{type_name}OrderField", values)),
            description=f"Fields {plural} can be ordered by.",
        )
        self.input = strawberry.input(
            type(
                f"{type_name}Order",
                (),
                {
                    "__annotations__": {"field": enum, "direction": OrderDirection},
                    "__module__": __name__,
                    "field": strawberry.field(description="The field to order by."),
                    "direction": strawberry.field(description="The direction to order in."),
                },
            ),
            description=f"Order for a list of {plural}.",
        )
        self.argument = Annotated[
            self.input | None,
            strawberry.argument(description=f"Order; {self.default.words} ascending."),
        ]

    def resolve(self, chosen: Any) -> Order:
        """The stored order for the ``orderBy`` given (None: the default, ascending)."""
        if chosen is None:
            return ordered(self.collection, self.default.key)
        field = self.fields[chosen.field.name]
        return ordered(
            self.collection, field.key, descending=chosen.direction is OrderDirection.DESC
        )


def listing(
    connection: Any,
    node: type[Stored],
    collection: str,
    *,
    description: str,
    order: Orders | Order,
    filter_input: type[Filter] | None = None,
) -> Any:
    """A top-level connection: ``filter`` and ``orderBy`` when the list has them, then the
    pagination arguments."""

    async def resolve(
        root: Any,
        info: strawberry.Info,
        filter: Filter | None = None,
        order_by: Any = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Any:
        chosen = order.resolve(order_by) if isinstance(order, Orders) else order
        window = Window.parse(chosen, first, after, last, before)
        base = await filter.to_query(info.context.db, chosen) if filter else {}
        return await connection.find(info, collection, base, window, node.from_doc)

    arguments = []
    if filter_input is not None:
        conditions = strawberry.argument(description="Conditions to match.")
        arguments.append(_argument("filter", Annotated[filter_input | None, conditions]))
    if isinstance(order, Orders):
        arguments.append(_argument("order_by", order.argument))
    return field_of(resolve, arguments + PAGINATION, connection, description)


def _slug(root: Any) -> str:
    return str(root.slug)


def nested_connection(
    collection: str,
    *,
    by: str,
    description: str,
    order: Order | None = None,
    parent: Callable[[Any], str] = _slug,
) -> Any:
    """A field listing the documents of ``collection`` whose ``by`` names the parent (its
    ``parent`` key: the slug, unless said otherwise), by ``order`` (date, oldest first,
    unless said otherwise).

    The request's loaders ``statements_by_speaker`` and ``statement_count_by_speaker``
    (``schema.loaders``) batch the pages and the counts of all parents in one command each.
    """
    module = f"schema.{collection}.types"
    node = collection.removesuffix("s").capitalize()
    pages = f"{collection}_by_{by}"
    counts = f"{collection.removesuffix('s')}_count_by_{by}"
    order = order or date_order(collection)
    connection = f"{node}Connection"
    NAMED_LOADERS.update((pages, counts))

    async def resolve(
        root: Any,
        info: strawberry.Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Any:
        window = Window.parse(order, first, after, last, before)
        slug = parent(root)
        page = await loader_of(info, pages).load((slug, window))
        found = importlib.import_module(module)
        return getattr(found, connection).from_page(
            page, getattr(found, node).from_doc, lambda: loader_of(info, counts).load(slug)
        )

    returns: Any = Annotated[connection, strawberry.lazy(module)]
    return field_of(resolve, PAGINATION, returns, description)

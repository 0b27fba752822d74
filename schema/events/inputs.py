from __future__ import annotations

from enum import Enum

import strawberry

from model import paths
from model.names import EVENTS
from model.store import Document
from schema.common.filters import all_of, date_range, equals, one_of
from schema.common.pagination import Order, date_order
from schema.common.types import OrderDirection
from schema.events.types import EventKind


@strawberry.input(description="Narrows a list of events; all given conditions must hold.")
class EventFilter:
    kinds: list[EventKind] | None = strawberry.field(
        default=None, description="Only events of one of these kinds."
    )
    from_: str | None = strawberry.field(
        default=None,
        name="from",
        description="Inclusive ISO prefix bound: '2009' or '2009-11'. Excludes UNKNOWN dates.",
    )
    to: str | None = strawberry.field(
        default=None,
        description="Inclusive ISO prefix bound: '2009-12' includes '2009-12-31'.",
    )
    participant: str | None = strawberry.field(
        default=None, description="Slug of a person or organization taking part."
    )
    article: str | None = strawberry.field(
        default=None, description="Slug of the article the event is cited from."
    )

    def to_query(self, order: Order) -> Document:
        return all_of(
            one_of(paths.KIND, self.kinds),
            date_range(order, self.from_, self.to),
            equals(paths.PARTICIPANT, self.participant),
            equals(paths.CITED_ARTICLE, self.article),
        )


@strawberry.enum(description="Fields events can be ordered by.")
class EventOrderField(Enum):
    DATE = strawberry.enum_value("DATE", description="By date; UNKNOWN dates come last.")


@strawberry.input(description="Order for a list of events.")
class EventOrder:
    field: EventOrderField = strawberry.field(description="The field to order by.")
    direction: OrderDirection = strawberry.field(description="The direction to order in.")

    @staticmethod
    def resolve(order: EventOrder | None) -> Order:
        descending = order is not None and order.direction is OrderDirection.DESC
        return date_order(EVENTS, descending=descending)

from __future__ import annotations

from enum import Enum

import strawberry

from model import paths
from model.names import SANCTIONS
from model.store import Document
from schema.common.filters import all_of, equals, one_of
from schema.common.pagination import Order, date_order
from schema.common.types import OrderDirection
from schema.sanctions.types import SanctionKind, SanctionStatus


@strawberry.input(description="Narrows a list of sanctions; all given conditions must hold.")
class SanctionFilter:
    authority: str | None = strawberry.field(
        default=None, description="Slug of the imposing person or organization."
    )
    target: str | None = strawberry.field(default=None, description="Slug of a named target.")
    status: SanctionStatus | None = strawberry.field(
        default=None, description="Only sanctions with this status."
    )
    kinds: list[SanctionKind] | None = strawberry.field(
        default=None, description="Only sanctions of at least one of these kinds."
    )

    def to_query(self) -> Document:
        return all_of(
            equals(paths.AUTHORITY, self.authority),
            equals(paths.TARGET, self.target),
            equals(paths.STATUS, self.status.value if self.status else None),
            one_of(paths.KINDS, self.kinds),
        )


@strawberry.enum(description="Fields sanctions can be ordered by.")
class SanctionOrderField(Enum):
    DATE = strawberry.enum_value("DATE", description="By date; UNKNOWN dates come last.")


@strawberry.input(description="Order for a list of sanctions.")
class SanctionOrder:
    field: SanctionOrderField = strawberry.field(description="The field to order by.")
    direction: OrderDirection = strawberry.field(description="The direction to order in.")

    @staticmethod
    def resolve(order: SanctionOrder | None) -> Order:
        descending = order is not None and order.direction is OrderDirection.DESC
        return date_order(SANCTIONS, descending=descending)

from __future__ import annotations

import strawberry

from model import paths
from model.kinds import SanctionKind, SanctionStatus
from model.names import SANCTIONS
from model.store import Database, Document
from schema.common.fields import BY_DATE, Orders
from schema.common.filters import all_of, condition, equals, one_of
from schema.common.pagination import Order


@strawberry.input(description="Narrows a list of sanctions; all given conditions must hold.")
class SanctionFilter:
    authority: str | None = condition("Slug of the imposing person or organization.")
    target: str | None = condition("Slug of a named target.")
    status: SanctionStatus | None = condition("Only sanctions with this status.")
    kinds: list[SanctionKind] | None = condition("Only sanctions of at least one of these kinds.")

    async def to_query(self, db: Database, order: Order) -> Document:
        return all_of(
            equals(paths.AUTHORITY, self.authority),
            equals(paths.TARGET, self.target),
            equals(paths.STATUS, self.status.value if self.status else None),
            one_of(paths.KINDS, self.kinds),
        )


SANCTION_ORDERS = Orders("Sanction", "sanctions", SANCTIONS, BY_DATE)

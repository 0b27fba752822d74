from __future__ import annotations

import strawberry

from model.names import SANCTIONS
from schema.common.fields import by_slug, listing
from schema.sanctions.inputs import SANCTION_ORDERS, SanctionFilter
from schema.sanctions.types import Sanction, SanctionConnection


@strawberry.type
class SanctionQueries:
    sanction = by_slug(Sanction, description="A sanction by slug; null when there is none.")
    sanctions = listing(
        SanctionConnection,
        Sanction,
        SANCTIONS,
        description="Sanctions, oldest first unless ordered otherwise.",
        order=SANCTION_ORDERS,
        filter_input=SanctionFilter,
    )

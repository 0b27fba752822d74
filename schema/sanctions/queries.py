from __future__ import annotations

from typing import Annotated

import strawberry

from model.names import SANCTIONS
from schema.common.arguments import After, Before, First, Last
from schema.common.pagination import Window
from schema.context import Info
from schema.sanctions.inputs import SanctionFilter, SanctionOrder
from schema.sanctions.types import Sanction, SanctionConnection


@strawberry.type
class SanctionQueries:
    @strawberry.field(description="A sanction by slug; null when there is none.")
    async def sanction(
        self, info: Info, slug: Annotated[str, strawberry.argument(description="The slug.")]
    ) -> Sanction | None:
        doc = await info.context.loaders.sanction_by_slug.load(slug)
        return Sanction.from_doc(doc) if doc else None

    @strawberry.field(description="Sanctions, oldest first unless ordered otherwise.")
    async def sanctions(
        self,
        info: Info,
        filter: Annotated[
            SanctionFilter | None, strawberry.argument(description="Conditions to match.")
        ] = None,
        order_by: Annotated[
            SanctionOrder | None, strawberry.argument(description="Order; by date ascending.")
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> SanctionConnection:
        window = Window.parse(SanctionOrder.resolve(order_by), first, after, last, before)
        base = filter.to_query() if filter else {}
        return await SanctionConnection.find(info, SANCTIONS, base, window, Sanction.from_doc)

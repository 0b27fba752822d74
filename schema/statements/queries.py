from __future__ import annotations

from typing import Annotated

import strawberry

from model.names import STATEMENTS
from schema.common.arguments import After, Before, First, Last
from schema.common.pagination import Window
from schema.context import Info
from schema.statements.inputs import StatementFilter, StatementOrder
from schema.statements.types import Statement, StatementConnection


@strawberry.type
class StatementQueries:
    @strawberry.field(description="Statements, oldest first unless ordered otherwise.")
    async def statements(
        self,
        info: Info,
        filter: Annotated[
            StatementFilter | None, strawberry.argument(description="Conditions to match.")
        ] = None,
        order_by: Annotated[
            StatementOrder | None, strawberry.argument(description="Order; by date ascending.")
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> StatementConnection:
        window = Window.parse(StatementOrder.resolve(order_by), first, after, last, before)
        base = filter.to_query() if filter else {}
        return await StatementConnection.find(info, STATEMENTS, base, window, Statement.from_doc)

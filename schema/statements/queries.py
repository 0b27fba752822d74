from __future__ import annotations

import strawberry

from model.names import STATEMENTS
from schema.common.fields import listing
from schema.statements.inputs import STATEMENT_ORDERS, StatementFilter
from schema.statements.types import Statement, StatementConnection


@strawberry.type
class StatementQueries:
    statements = listing(
        StatementConnection,
        Statement,
        STATEMENTS,
        description="Statements, oldest first unless ordered otherwise.",
        order=STATEMENT_ORDERS,
        filter_input=StatementFilter,
    )

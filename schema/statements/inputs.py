from __future__ import annotations

from enum import Enum

import strawberry

from model import paths
from model.names import STATEMENTS
from model.store import Document
from schema.common.filters import all_of, equals, words_match
from schema.common.pagination import Order, date_order
from schema.common.types import OrderDirection
from schema.statements.types import StatementKind


@strawberry.input(description="Narrows a list of statements; all given conditions must hold.")
class StatementFilter:
    speaker: str | None = strawberry.field(
        default=None, description="Slug of the speaking person or organization."
    )
    kind: StatementKind | None = strawberry.field(
        default=None, description="Only quotes, or only paraphrases."
    )
    about: str | None = strawberry.field(
        default=None, description="Slug of a subject the statement is about."
    )
    article: str | None = strawberry.field(
        default=None, description="Slug of the article the statement is cited from."
    )
    text: str | None = strawberry.field(
        default=None,
        description="Words the statement text must contain (all of them, in any order and case).",
    )

    def to_query(self) -> Document:
        return all_of(
            equals(paths.SPEAKER, self.speaker),
            equals(paths.KIND, self.kind.name if self.kind else None),
            equals(paths.SUBJECT, self.about),
            equals(paths.CITED_ARTICLE, self.article),
            words_match(self.text),
        )


@strawberry.enum(description="Fields statements can be ordered by.")
class StatementOrderField(Enum):
    DATE = strawberry.enum_value("DATE", description="By date; UNKNOWN dates come last.")


@strawberry.input(description="Order for a list of statements.")
class StatementOrder:
    field: StatementOrderField = strawberry.field(description="The field to order by.")
    direction: OrderDirection = strawberry.field(description="The direction to order in.")

    @staticmethod
    def resolve(order: StatementOrder | None) -> Order:
        descending = order is not None and order.direction is OrderDirection.DESC
        return date_order(STATEMENTS, descending=descending)

from __future__ import annotations

import strawberry

from model import paths
from model.names import STATEMENTS
from model.store import Database, Document
from schema.common.fields import BY_DATE, Orders
from schema.common.filters import all_of, condition, equals, words_match
from schema.common.pagination import Order
from schema.statements.types import StatementKind


@strawberry.input(description="Narrows a list of statements; all given conditions must hold.")
class StatementFilter:
    speaker: str | None = condition("Slug of the speaking person or organization.")
    kind: StatementKind | None = condition("Only quotes, or only paraphrases.")
    about: str | None = condition("Slug of a subject the statement is about.")
    article: str | None = condition("Slug of the article the statement is cited from.")
    text: str | None = condition(
        "Words the statement text must contain (all of them, in any order and case)."
    )

    async def to_query(self, db: Database, order: Order) -> Document:
        return all_of(
            equals(paths.SPEAKER, self.speaker),
            equals(paths.KIND, self.kind.name if self.kind else None),
            equals(paths.SUBJECT, self.about),
            equals(paths.CITED_ARTICLE, self.article),
            words_match(self.text),
        )


STATEMENT_ORDERS = Orders("Statement", "statements", STATEMENTS, BY_DATE)

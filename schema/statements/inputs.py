from __future__ import annotations

import strawberry

from model import paths
from model.names import STATEMENTS
from model.store import Database, Document
from schema.common.fields import BY_DATE, Orders
from schema.common.filters import all_of, condition, equals, words_match
from schema.common.pagination import Order
from schema.editing.inputs import (
    EvidenceInput,
    FuzzyDateInput,
    added_evidence,
    expected_revision,
    optional,
    unchanged,
)
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


@strawberry.input(description="A statement new to the record, with the passages that report it.")
class CreateStatementInput:
    text: str = strawberry.field(
        description="For QUOTE, the speaker's words exactly as the article gives them."
    )
    kind: StatementKind = strawberry.field(description="Quote or paraphrase.")
    speaker: str | None = optional(
        "Slug of a person or organization; omit when the source does not name the speaker."
    )
    speaker_description: str | None = optional(
        "How the source describes the speaker: 'the lawyer for Magnitsky's mother'."
    )
    date: FuzzyDateInput = strawberry.field(description="When it was said.")
    medium: str | None = optional("Where it was said: 'Voice of Russia radio'.")
    reported_by: str | None = optional("Slug of the reporting organization.")
    about: list[str] | None = optional("Slugs of persons, organizations, events or sanctions.")
    evidence: list[EvidenceInput] = strawberry.field(
        description="At least one passage that reports the statement."
    )


@strawberry.input(description="Fields left out stay as they are; a field given as null is cleared.")
class UpdateStatementInput:
    id: strawberry.ID = strawberry.field(description="The statement's global id.")
    expected_revision: int = expected_revision()
    text: str | None = unchanged("The words.")
    kind: StatementKind | None = unchanged("Quote or paraphrase.")
    speaker: str | None = unchanged("Slug of a person or organization.")
    speaker_description: str | None = unchanged("How the source describes the speaker.")
    date: FuzzyDateInput | None = unchanged("When it was said.")
    medium: str | None = unchanged("Where it was said.")
    reported_by: str | None = unchanged("Slug of the reporting organization.")
    about: list[str] | None = unchanged("Replaces the subjects.")
    add_evidence: list[EvidenceInput] | None = added_evidence()

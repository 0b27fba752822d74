from __future__ import annotations

from typing import Annotated

import strawberry

from model import paths
from model.citations import occurrences
from model.names import ORGANIZATIONS, STATEMENTS
from model.references import ACTORS, SUBJECTS
from model.store import Document
from schema.common.mutations import INPUT
from schema.context import Info
from schema.editing.cleaners import (
    MAX_TEXT,
    choice,
    fuzzy_date,
    listed,
    ref_in,
    slug_in,
    text,
)
from schema.editing.draft import Draft
from schema.editing.writing import Fact, create, update
from schema.keys.permissions import IsEditor
from schema.statements.inputs import CreateStatementInput, UpdateStatementInput
from schema.statements.types import Statement, StatementKind, StatementPayload


async def _quote_is_verbatim(draft: Draft, doc: Document) -> None:
    """A QUOTE gives the speaker's words as an article it cites gives them."""
    if doc["kind"] != StatementKind.QUOTE.value:
        return
    for article in dict.fromkeys(citation["article"] for citation in doc[paths.CITATIONS]):
        body = await draft.body(article)
        if body is not None and occurrences(body, doc["text"]):
            return
    draft.fail(
        "input.text",
        "A QUOTE gives the speaker's words exactly as a cited article does; no cited article "
        "has these words (or make it a PARAPHRASE).",
    )


def _slug_source(doc: Document) -> str:
    speaker = doc["speaker"]["slug"] if doc["speaker"] else ""
    return f"{speaker} {doc['text'] or ''}"


STATEMENT = Fact(
    STATEMENTS,
    {
        "kind": choice(required=True),
        "text": text(MAX_TEXT, required=True),
        "speaker": ref_in(ACTORS, "person or organization"),
        "speakerDescription": text(),
        "date": fuzzy_date(),
        "medium": text(),
        "reportedBy": slug_in((ORGANIZATIONS,), "organization"),
        "about": listed(ref_in(SUBJECTS, "person, organization, event or sanction", required=True)),
    },
    slug_source=_slug_source,
    finish=_quote_is_verbatim,
)


@strawberry.type
class StatementMutations:
    @strawberry.mutation(
        description="Add a statement, citing at least one passage that reports it. EDITOR.",
        permission_classes=[IsEditor],
    )
    async def create_statement(
        self, info: Info, input: Annotated[CreateStatementInput, INPUT]
    ) -> StatementPayload:
        outcome = await create(info, STATEMENT, input)
        return StatementPayload(statement=outcome.made(Statement), user_errors=outcome.user_errors)

    @strawberry.mutation(
        description="Correct a statement or cite more passages for it. EDITOR.",
        permission_classes=[IsEditor],
    )
    async def update_statement(
        self, info: Info, input: Annotated[UpdateStatementInput, INPUT]
    ) -> StatementPayload:
        outcome = await update(info, STATEMENT, input)
        return StatementPayload(statement=outcome.made(Statement), user_errors=outcome.user_errors)

from __future__ import annotations

import strawberry

from model import paths
from model.citations import occurrences
from model.names import ORGANIZATIONS, STATEMENTS
from model.references import ACTORS, SUBJECTS
from model.store import Document
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
from schema.editing.fields import correction, creation
from schema.editing.writing import Fact
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
    create_statement = creation(
        STATEMENT,
        CreateStatementInput,
        StatementPayload,
        Statement,
        description="Add a statement, citing at least one passage that reports it.",
    )
    update_statement = correction(
        STATEMENT,
        UpdateStatementInput,
        StatementPayload,
        Statement,
        description="Correct a statement or cite more passages for it.",
    )

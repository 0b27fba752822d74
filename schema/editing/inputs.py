"""Inputs every fact's mutations take: where it is stated, and when."""

from __future__ import annotations

from typing import Any

import strawberry


@strawberry.input(
    description=(
        "Where a fact is stated: a passage of an article already in the record. The server "
        "finds the quote in the article body and stores the exact offsets, so citation.quote "
        "== article.body[start:end]. A no-break space and a plain space count as the same "
        "character when finding it; the stored quote is the body's own slice."
    )
)
class EvidenceInput:
    article: str = strawberry.field(description="Slug of the article.")
    quote: str = strawberry.field(description="The passage, as the article words it.")
    occurrence: int | None = strawberry.field(
        default=None, description="1-based; needed only when the quote occurs more than once."
    )


@strawberry.input(
    description=(
        "A date as precise as the source allows: the precision follows from the length of iso."
    )
)
class FuzzyDateInput:
    iso: str | None = strawberry.field(
        default=None,
        description=(
            "'2009-11-16', '2009-11' or '2009'; omit when the source gives only relative words."
        ),
    )
    text: str | None = strawberry.field(
        default=None, description="The source's words: 'November 2009', 'last summer'."
    )


def optional(description: str) -> Any:
    """An input field that may be left out: null."""
    return strawberry.field(default=None, description=description)


def unchanged(description: str) -> Any:
    """An update's input field: left out, the stored value stays; null clears it."""
    return strawberry.field(default=strawberry.UNSET, description=description)


def expected_revision() -> Any:
    return strawberry.field(
        description=(
            "The revision the change was made against; a newer stored revision is a CONFLICT."
        )
    )


def added_evidence() -> Any:
    return unchanged("Passages to cite in addition to the existing citations.")

"""What every mutation's payload carries: the user's errors, with the input at fault."""

from __future__ import annotations

from enum import Enum
from typing import Any

import strawberry

from schema.limits import bound

# Every mutation takes one argument, ``input``.
INPUT = strawberry.argument(description="What to write.")


@strawberry.enum(description="Why an input was refused.")
class UserErrorCode(Enum):
    INVALID = "INVALID"
    NOT_FOUND = "NOT_FOUND"
    DUPLICATE = "DUPLICATE"
    EVIDENCE_NOT_FOUND = strawberry.enum_value(
        "EVIDENCE_NOT_FOUND", description="The quote does not occur in the article."
    )
    EVIDENCE_AMBIGUOUS = strawberry.enum_value(
        "EVIDENCE_AMBIGUOUS",
        description="The quote occurs more than once and no occurrence was given.",
    )
    CONFLICT = strawberry.enum_value(
        "CONFLICT", description="The stored revision is newer than expectedRevision."
    )
    IN_USE = strawberry.enum_value(
        "IN_USE", description="Other facts still point to the object; the message names them."
    )


@strawberry.type(
    description="A problem with the input, for the person who filled it in. Nothing was written."
)
class UserError:
    field: list[str] | None = strawberry.field(
        description="Path to the input field at fault: ['input', 'evidence', '0', 'quote'].",
        metadata=bound(6),
    )
    message: str = strawberry.field(description="What is wrong, for a person to read.")
    code: UserErrorCode = strawberry.field(description="What is wrong, for a program.")

    @classmethod
    def at(cls, path: str, message: str, code: UserErrorCode) -> UserError:
        """An error at a dotted input path: ``at("input.name", ...)``."""
        return cls(field=path.split("."), message=message, code=code)


def user_errors() -> Any:
    """A payload's ``userErrors``: every problem found, not just the first."""
    return strawberry.field(
        description="Why the input was refused; empty on success.", metadata=bound(20)
    )


def written(noun: str) -> Any:
    """A payload's object: as the mutation left it."""
    return strawberry.field(description=f"The {noun} as written; null if nothing was.")

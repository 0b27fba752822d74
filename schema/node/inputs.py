from __future__ import annotations

import strawberry

from schema.editing.inputs import expected_revision


@strawberry.input(description="A fact or article to withdraw, and why.")
class DeleteInput:
    id: strawberry.ID = strawberry.field(description="Global id of the fact or article.")
    expected_revision: int = expected_revision()
    reason: str = strawberry.field(
        description="Why the fact is withdrawn; kept in its last revision."
    )


@strawberry.input(description="Duplicates of one person or organization, to merge into one.")
class MergeInput:
    into: strawberry.ID = strawberry.field(description="The entity that remains.")
    from_: list[strawberry.ID] = strawberry.field(
        name="from",
        description="Entities of the same type that are the same real person or organization.",
    )

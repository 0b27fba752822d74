from __future__ import annotations

import strawberry

from schema.common.mutations import UserError, user_errors
from schema.common.types import Node
from schema.limits import bound


@strawberry.type(description="The fact withdrawn, or why nothing was.")
class DeletePayload:
    deleted_id: strawberry.ID | None = strawberry.field(
        description="The id withdrawn; null if nothing was."
    )
    user_errors: list[UserError] = user_errors()


@strawberry.type(description="The entity that remains, or why nothing was merged.")
class MergePayload:
    node: Node | None = strawberry.field(description="The entity that remains, as merged.")
    merged_ids: list[strawberry.ID] = strawberry.field(
        description="The ids that now resolve to node.", metadata=bound(20)
    )
    user_errors: list[UserError] = user_errors()

from __future__ import annotations

from typing import Annotated

import strawberry

from model.names import PERSONS
from schema.common.mutations import INPUT
from schema.context import Info
from schema.editing.removal import delete, merge
from schema.keys.permissions import IsAdmin
from schema.node.inputs import DeleteInput, MergeInput
from schema.node.types import DeletePayload, MergePayload
from schema.organizations.types import Organization
from schema.persons.types import Person


@strawberry.type
class NodeMutations:
    @strawberry.mutation(
        description=(
            "Withdraw a fact or article, with the reason; refused while other facts point to "
            "it. Its revisions stay. ADMIN only."
        ),
        permission_classes=[IsAdmin],
    )
    async def delete_node(self, info: Info, input: Annotated[DeleteInput, INPUT]) -> DeletePayload:
        outcome = await delete(info, input)
        deleted = input.id if outcome.doc is not None else None
        return DeletePayload(deleted_id=deleted, user_errors=outcome.user_errors)

    @strawberry.mutation(
        description=(
            "Merge duplicates of one person or organization: references move to the one that "
            "remains, the others' names become its aliases, citations are united, and the "
            "merged ids and slugs resolve to it. ADMIN only."
        ),
        permission_classes=[IsAdmin],
    )
    async def merge_entities(self, info: Info, input: Annotated[MergeInput, INPUT]) -> MergePayload:
        merged = await merge(info, input)
        node: Person | Organization | None = (
            merged.outcome.made(Person)
            if merged.collection == PERSONS
            else merged.outcome.made(Organization)
        )
        return MergePayload(
            node=node,
            merged_ids=[strawberry.ID(merged_id) for merged_id in merged.merged_ids],
            user_errors=merged.outcome.user_errors,
        )

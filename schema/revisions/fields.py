"""The history every object of the record shows: its revision number and its revisions."""

from __future__ import annotations

from typing import Any

import strawberry

from model import paths
from model.names import REVISIONS
from schema.common.fields import nested_connection
from schema.common.pagination import Order

# Revision ids are the commit sequence, zero-padded: their order is the commit order.
COMMIT_ORDER = Order(f"{REVISIONS}.commit-asc", paths.ID, 1)


def _node_key(root: Any) -> str:
    """What the object's revisions name it by (``model.revisions.node_key``)."""
    return f"{type(root).__name__}:{root.slug}"


def revision_number() -> Any:
    return strawberry.field(
        description=(
            "How many times the object has been written: 1 when created. Pass it as "
            "expectedRevision to update it."
        )
    )


def revision_history() -> Any:
    return nested_connection(
        REVISIONS,
        by=paths.REVISION_NODE,
        order=COMMIT_ORDER,
        parent=_node_key,
        description="Every committed write of this object, oldest first.",
    )

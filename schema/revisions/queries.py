from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, cast

import strawberry

from model import paths
from model.names import REVISIONS
from model.store import Document
from schema.common.arguments import After, Before, First, Last
from schema.common.pagination import Window
from schema.context import Info
from schema.revisions.fields import COMMIT_ORDER
from schema.revisions.types import Revision, RevisionConnection
from schema.search.types import SearchType

TYPES = strawberry.argument(description="Only writes of objects of these types; all when omitted.")


@strawberry.type
class RevisionQueries:
    @strawberry.field(
        description=(
            "Every committed write, oldest first, in commit order; `after` resumes where a "
            "client stopped."
        )
    )
    async def changes(
        self,
        info: Info,
        types: Annotated[list[SearchType] | None, TYPES] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> RevisionConnection:
        window = Window.parse(COMMIT_ORDER, first, after, last, before)
        names = sorted({kind.value.capitalize() for kind in types or ()})
        base: Document = {}
        if names:  # one type is an equality, which any planner ranges over on its index
            base[paths.REVISION_TYPE] = names[0] if len(names) == 1 else {"$in": names}
        convert = cast("Callable[[Document], Revision]", Revision.from_doc)
        return await RevisionConnection.find(info, REVISIONS, base, window, convert)

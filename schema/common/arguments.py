"""The pagination arguments, described once and shared by every connection field."""

from __future__ import annotations

from typing import Annotated, TypeAlias

import strawberry

from schema.common.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

First: TypeAlias = Annotated[
    int | None,
    strawberry.argument(
        description=(
            f"Return the first n items (0 to {MAX_PAGE_SIZE}; "
            f"{DEFAULT_PAGE_SIZE} when neither first nor last is given)."
        )
    ),
]
After: TypeAlias = Annotated[
    str | None, strawberry.argument(description="Return items after this cursor.")
]
Last: TypeAlias = Annotated[
    int | None,
    strawberry.argument(description=f"Return the last n items (0 to {MAX_PAGE_SIZE})."),
]
Before: TypeAlias = Annotated[
    str | None, strawberry.argument(description="Return items before this cursor.")
]

from __future__ import annotations

import strawberry

from schema.keys.store import NAME_RULE
from schema.keys.types import Role


@strawberry.input(description="A new API key.")
class CreateApiKeyInput:
    name: str = strawberry.field(
        description=f"Unique: {NAME_RULE}. It names the author of every write made with the key."
    )
    role: Role = strawberry.field(description="What the key may do.")


@strawberry.input(description="The key to revoke.")
class RevokeApiKeyInput:
    name: str = strawberry.field(description="The key's name.")

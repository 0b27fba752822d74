from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import strawberry

from model.documents import ApiKeyDoc
from schema.common.mutations import UserError, user_errors


@strawberry.enum(description="What an API key may do; each role may do all the lower ones may.")
class Role(Enum):
    READER = strawberry.enum_value("READER", description="May read (when reads need a key at all).")
    EDITOR = strawberry.enum_value(
        "EDITOR", description="May add articles and create, update and cite facts."
    )
    ADMIN = strawberry.enum_value(
        "ADMIN", description="Everything an editor may, plus deleting, merging and managing keys."
    )

    def allows(self, needed: Role) -> bool:
        order = list(Role)
        return order.index(self) >= order.index(needed)


@dataclass(frozen=True)
class Caller:
    """Who sent the request: a key's name and role, or nobody (name None)."""

    name: str | None
    role: Role


ANONYMOUS = Caller(name=None, role=Role.READER)


@strawberry.type(
    description="The caller, as the server sees its `Authorization: Bearer <secret>` header."
)
class Viewer:
    name: str | None = strawberry.field(
        description="Name of the API key; null when no key was sent."
    )
    role: Role = strawberry.field(description="What the caller may do.")


@strawberry.type(description="A key callers authenticate with; its secret is never shown again.")
class ApiKey:
    name: str = strawberry.field(description="Unique; names the author of every write.")
    role: Role = strawberry.field(description="What the key may do.")
    created_at: str = strawberry.field(description="ISO 8601 UTC.")
    revoked: bool = strawberry.field(description="A revoked key no longer authenticates.")

    @classmethod
    def from_doc(cls, doc: ApiKeyDoc) -> ApiKey:
        return cls(
            name=doc["_id"],
            role=Role[doc["role"]],
            created_at=doc["createdAt"],
            revoked=doc["revoked"],
        )


@strawberry.type(description="The key made, and its secret.")
class CreateApiKeyPayload:
    api_key: ApiKey | None = strawberry.field(description="The key; null when refused.")
    secret: str | None = strawberry.field(description="Shown once; only a hash is stored.")
    user_errors: list[UserError] = user_errors()


@strawberry.type(description="The key revoked.")
class RevokeApiKeyPayload:
    api_key: ApiKey | None = strawberry.field(description="The key; null when refused.")
    user_errors: list[UserError] = user_errors()

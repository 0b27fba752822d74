"""Roles as Strawberry permission classes: ``permission_classes=[IsAdmin]`` on a field."""

from __future__ import annotations

from typing import Any, ClassVar

from strawberry.permission import BasePermission

from schema.common.errors import Forbidden, Unauthenticated
from schema.context import Info
from schema.keys.types import Role

NEEDS_KEY = "This needs an API key: send `Authorization: Bearer <secret>`."


class HasRole(BasePermission):
    """The caller's key has ``role`` or a higher one. Refusals raise their own coded errors
    (``UNAUTHENTICATED`` without a key, ``FORBIDDEN`` with too low a role)."""

    role: ClassVar[Role]

    async def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        caller = await info.context.caller()
        if caller.name is None:
            raise Unauthenticated(NEEDS_KEY)
        if not caller.role.allows(self.role):
            raise Forbidden(f"This needs a key with the {self.role.name} role.")
        return True


class IsEditor(HasRole):
    role = Role.EDITOR


class IsAdmin(HasRole):
    role = Role.ADMIN

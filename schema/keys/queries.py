from __future__ import annotations

import strawberry

from schema.context import Info
from schema.keys.permissions import IsAdmin
from schema.keys.store import all_keys
from schema.keys.types import ApiKey, Viewer
from schema.limits import UNCUT, bound


@strawberry.type
class KeyQueries:
    @strawberry.field(description="Who the server thinks the caller is.")
    async def viewer(self, info: Info) -> Viewer:
        caller = await info.context.caller()
        return Viewer(name=caller.name, role=caller.role)

    @strawberry.field(
        description="Every API key, revoked ones too, by name. ADMIN only.",
        permission_classes=[IsAdmin],
        metadata=bound(UNCUT),
    )
    async def api_keys(self, info: Info) -> list[ApiKey]:
        return [ApiKey.from_doc(doc) for doc in await all_keys(info.context.db)]

from __future__ import annotations

from typing import Annotated

import strawberry

from schema.common.mutations import INPUT, UserError, UserErrorCode
from schema.context import Info
from schema.keys.inputs import CreateApiKeyInput, RevokeApiKeyInput
from schema.keys.permissions import IsAdmin
from schema.keys.store import NAME, NAME_RULE, create_key, revoke_key
from schema.keys.types import ApiKey, CreateApiKeyPayload, RevokeApiKeyPayload


@strawberry.type
class KeyMutations:
    @strawberry.mutation(
        description="Make an API key; its secret is in the answer, and only there. ADMIN only.",
        permission_classes=[IsAdmin],
    )
    async def create_api_key(
        self, info: Info, input: Annotated[CreateApiKeyInput, INPUT]
    ) -> CreateApiKeyPayload:
        if not NAME.fullmatch(input.name):
            error = UserError.at(
                "input.name",
                f"A key name is {NAME_RULE}.",
                UserErrorCode.INVALID,
            )
            return CreateApiKeyPayload(api_key=None, secret=None, user_errors=[error])
        made = await create_key(info.context.db, input.name, input.role)
        if made is None:
            error = UserError.at(
                "input.name", f"A key named {input.name!r} exists.", UserErrorCode.DUPLICATE
            )
            return CreateApiKeyPayload(api_key=None, secret=None, user_errors=[error])
        doc, secret = made
        return CreateApiKeyPayload(api_key=ApiKey.from_doc(doc), secret=secret, user_errors=[])

    @strawberry.mutation(
        description="Revoke an API key: it stops authenticating at once. ADMIN only.",
        permission_classes=[IsAdmin],
    )
    async def revoke_api_key(
        self, info: Info, input: Annotated[RevokeApiKeyInput, INPUT]
    ) -> RevokeApiKeyPayload:
        doc = await revoke_key(info.context.db, input.name)
        if doc is None:
            error = UserError.at(
                "input.name", f"There is no key named {input.name!r}.", UserErrorCode.NOT_FOUND
            )
            return RevokeApiKeyPayload(api_key=None, user_errors=[error])
        return RevokeApiKeyPayload(api_key=ApiKey.from_doc(doc), user_errors=[])

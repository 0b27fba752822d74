"""Who may write: API keys, roles, the bootstrap admin key and keys for reads."""

from __future__ import annotations

import re
import secrets
from collections.abc import Awaitable, Callable

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import SecretStr, ValidationError

from api.settings import Settings
from model.names import API_KEYS
from model.store import Database
from tests.conftest import (
    DATABASE_FAILURES,
    error_codes,
    serving,
)
from tests.fuzz import FUZZ
from tests.keys import ADMIN_SECRET, CREATE, call, make_key, with_admin

VIEWER = "{ viewer { name role } }"
REVOKE = """mutation($name: String!) {
  revokeApiKey(input: {name: $name}) { apiKey { name revoked } userErrors { field code } }
}"""


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return with_admin(settings)


async def test_the_viewer_is_who_the_key_says(client: httpx.AsyncClient) -> None:
    anonymous = await call(client, VIEWER)
    assert anonymous["data"]["viewer"] == {"name": None, "role": "READER"}
    admin = await call(client, VIEWER, secret=ADMIN_SECRET)
    assert admin["data"]["viewer"] == {"name": "admin", "role": "ADMIN"}


async def test_a_made_key_is_shown_once_and_stored_as_a_hash(
    client: httpx.AsyncClient, db: Database
) -> None:
    secret = await make_key(client, "desk-editor", "EDITOR")
    assert len(secret) >= 43  # 32 random bytes, URL-safe base64
    viewer = await call(client, VIEWER, secret=secret)
    assert viewer["data"]["viewer"] == {"name": "desk-editor", "role": "EDITOR"}
    stored = await db[API_KEYS].find_one({"_id": "desk-editor"})
    assert stored is not None
    assert stored["role"] == "EDITOR"
    assert not stored["revoked"]
    assert secret not in str(stored)
    assert secret[8:] not in str(stored)
    listed = await call(client, "{ apiKeys { name role revoked } }", secret=ADMIN_SECRET)
    assert {"name": "desk-editor", "role": "EDITOR", "revoked": False} in listed["data"]["apiKeys"]


@pytest.mark.parametrize(
    ("headers", "code"),
    [
        ({}, "UNAUTHENTICATED"),
        ({"authorization": "Bearer not-a-key-of-this-server-0123456789abcdef"}, "UNAUTHENTICATED"),
        ({"authorization": f"Basic {ADMIN_SECRET}"}, "UNAUTHENTICATED"),
        ({"authorization": "Bearer "}, "UNAUTHENTICATED"),
    ],
)
async def test_admin_mutations_refuse_callers_without_a_key_in_force(
    client: httpx.AsyncClient, db: Database, headers: dict[str, str], code: str
) -> None:
    body = await call(client, CREATE, {"name": "x", "role": "ADMIN"}, **headers)
    assert error_codes(body) == [code]
    assert not body.get("data")
    assert await db[API_KEYS].count_documents({}) == 1  # the admin key alone


async def test_a_key_whose_role_is_too_low_is_forbidden(
    client: httpx.AsyncClient, db: Database
) -> None:
    for role in ("READER", "EDITOR"):
        secret = await make_key(client, f"low-{role.lower()}", role)
        body = await call(client, CREATE, {"name": "sneaky", "role": "ADMIN"}, secret=secret)
        assert error_codes(body) == ["FORBIDDEN"]
        assert body["data"] is None
        listed = await call(client, "{ apiKeys { name } }", secret=secret)
        assert error_codes(listed) == ["FORBIDDEN"]
        revoking = await call(client, REVOKE, {"name": "admin"}, secret=secret)
        assert error_codes(revoking) == ["FORBIDDEN"]
    assert await db[API_KEYS].count_documents({"_id": "sneaky"}) == 0


async def test_an_unknown_key_is_refused_even_for_public_reads(
    client: httpx.AsyncClient,
) -> None:
    body = await call(client, "{ articles { totalCount } }", secret="dossier_" + "x" * 43)
    assert error_codes(body) == ["UNAUTHENTICATED"]
    assert body.get("data") is None


async def test_a_revoked_key_stops_working_at_once(client: httpx.AsyncClient) -> None:
    secret = await make_key(client, "leaving", "EDITOR")
    revoked = await call(client, REVOKE, {"name": "leaving"}, secret=ADMIN_SECRET)
    assert revoked["data"]["revokeApiKey"] == {
        "apiKey": {"name": "leaving", "revoked": True},
        "userErrors": [],
    }
    assert error_codes(await call(client, VIEWER, secret=secret)) == ["UNAUTHENTICATED"]


async def test_key_inputs_are_checked(client: httpx.AsyncClient, db: Database) -> None:
    await make_key(client, "taken", "READER")
    cases = [("taken", "DUPLICATE"), ("", "INVALID"), ("-dash", "INVALID"), ("a" * 65, "INVALID")]
    for name, code in cases:
        body = await call(client, CREATE, {"name": name, "role": "READER"}, secret=ADMIN_SECRET)
        made = body["data"]["createApiKey"]
        assert made["apiKey"] is None
        assert made["secret"] is None
        assert made["userErrors"] == [
            {"field": ["input", "name"], "message": made["userErrors"][0]["message"], "code": code}
        ]
    missing = await call(client, REVOKE, {"name": "nobody"}, secret=ADMIN_SECRET)
    assert missing["data"]["revokeApiKey"]["userErrors"] == [
        {"field": ["input", "name"], "code": "NOT_FOUND"}
    ]
    assert await db[API_KEYS].count_documents({}) == 2


async def test_a_new_admin_api_key_replaces_the_old_and_a_restart_keeps_a_revocation(
    settings: Settings,
) -> None:
    renewed = "renewed-" + secrets.token_hex(20)
    async with serving(settings) as first:
        assert (await call(first, VIEWER, secret=ADMIN_SECRET))["data"]["viewer"]["name"] == "admin"
    async with serving(settings.model_copy(update={"admin_api_key": SecretStr(renewed)})) as second:
        assert error_codes(await call(second, VIEWER, secret=ADMIN_SECRET)) == ["UNAUTHENTICATED"]
        assert (await call(second, VIEWER, secret=renewed))["data"]["viewer"]["role"] == "ADMIN"
        await call(second, REVOKE, {"name": "admin"}, secret=renewed)
    async with serving(settings.model_copy(update={"admin_api_key": SecretStr(renewed)})) as third:
        assert error_codes(await call(third, VIEWER, secret=renewed)) == ["UNAUTHENTICATED"]
    # The way back from a revoked admin key: a new value.
    async with serving(settings) as fourth:
        viewer = await call(fourth, VIEWER, secret=ADMIN_SECRET)
        assert viewer["data"]["viewer"]["name"] == "admin"


async def test_reads_can_require_a_key(settings: Settings) -> None:
    count = "{ articles { totalCount } }"
    async with serving(settings.model_copy(update={"reads_require_key": True})) as client:
        assert error_codes(await call(client, count)) == ["UNAUTHENTICATED"]
        editor = await make_key(client, "desk", "EDITOR")
        for secret in (editor, ADMIN_SECRET):
            assert "errors" not in await call(client, count, secret=secret)
        await call(client, REVOKE, {"name": "desk"}, secret=ADMIN_SECRET)
        for refused in (f"Bearer {editor}", "Basic abc", "Bearer"):
            assert error_codes(await call(client, count, authorization=refused)) == [
                "UNAUTHENTICATED"
            ]
        reader = await make_key(client, "subscriber", "READER")
        body = await call(client, count, secret=reader)
        assert "errors" not in body
        assert body["data"]["articles"]["totalCount"] >= 1


@pytest.mark.parametrize("value", ["", None])
def test_an_unset_admin_api_key_makes_no_key(value: str | None) -> None:
    assert Settings.model_validate({"admin_api_key": value}).admin_api_key is None


def test_an_admin_api_key_is_taken_without_surrounding_blanks() -> None:
    given = Settings.model_validate({"admin_api_key": f"  {ADMIN_SECRET}\n"}).admin_api_key
    assert given is not None
    assert given.get_secret_value() == ADMIN_SECRET
    assert Settings.model_validate({"admin_api_key": " " * 40}).admin_api_key is None


def test_a_short_admin_api_key_is_refused_at_start() -> None:
    with pytest.raises(ValidationError, match="at least 32 characters"):
        Settings.model_validate({"admin_api_key": "short"})


@FUZZ
@given(
    name=st.one_of(
        st.text(max_size=80),
        st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,70}", fullmatch=True),
        st.sampled_from(["admin", "a" * 64, "a" * 65, "a.b_c-d", "-a", ".a", "ä"]),
    ),
    role=st.sampled_from(["READER", "EDITOR", "ADMIN"]),
)
async def test_random_key_inputs_are_answered_cleanly(
    client: httpx.AsyncClient, db: Database, name: str, role: str
) -> None:
    """Whatever the name, an answer with a payload: the key made exactly when the name is
    valid and free, else user errors and nothing written."""
    before = await db[API_KEYS].find({}).sort("_id").to_list()
    body = await call(client, CREATE, {"name": name, "role": role}, secret=ADMIN_SECRET)
    assert "errors" not in body, body
    made = body["data"]["createApiKey"]
    after = await db[API_KEYS].find({}).sort("_id").to_list()
    valid = re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}", name) is not None
    taken = any(doc["_id"] == name for doc in before)
    codes = {error["code"] for error in made["userErrors"]}
    if valid and not taken:
        assert codes == set(), made
        assert made["apiKey"]["name"] == name
        assert [doc for doc in after if doc["_id"] != name] == before
    else:
        assert codes == ({"DUPLICATE"} if valid else {"INVALID"}), (name, made)
        assert made["apiKey"] is None
        assert after == before


async def test_a_database_failure_while_checking_a_key_has_its_code(
    client: httpx.AsyncClient, fail_point: Callable[..., Awaitable[None]]
) -> None:
    for failure, code in DATABASE_FAILURES:
        await fail_point(**failure)
        body = await call(client, VIEWER, secret=ADMIN_SECRET)
        assert (error_codes(body), body["data"]) == ([code], None)
        assert "requestId" in body["errors"][0]["extensions"]

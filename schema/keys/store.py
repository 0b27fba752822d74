"""API keys: made with a random secret that is shown once, stored only as its hash, and
found by the hash of the secret a request sends."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import logging
import re
import secrets
from typing import cast

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from model import paths
from model.documents import ApiKeyDoc
from model.names import API_KEYS
from model.store import Database, find_all, uninterrupted
from schema.keys.types import ANONYMOUS, Caller, Role

logger = logging.getLogger("dossier")

SECRET_BYTES = 32
SECRET_PREFIX = "dossier_"  # tells a leaked secret apart in logs and secret scanners
ADMIN = "admin"  # the key ADMIN_API_KEY makes
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
NAME_RULE = "1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit"


class UnknownKey(LookupError):
    """A request sent a secret the server does not accept."""


def digest(secret: str) -> str:
    """SHA-256 is enough for 256 random bits: no one guesses them, slowly or fast."""
    return hashlib.sha256(secret.encode()).hexdigest()


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def bearer(authorization: str) -> str:
    scheme, _, secret = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise UnknownKey("the Authorization header is not `Bearer <secret>`")
    return secret.strip()


async def identify(db: Database, authorization: str | None) -> Caller:
    """The caller a request's ``Authorization`` header names; ``UnknownKey`` when the
    header names no key in force (whether a key of that name exists is not told)."""
    if authorization is None:
        return ANONYMOUS
    wanted = digest(bearer(authorization))
    doc = cast(
        "ApiKeyDoc | None",
        await uninterrupted(db[API_KEYS].find_one({paths.KEY_HASH: wanted, "revoked": False})),
    )
    if doc is None or not hmac.compare_digest(doc["hash"], wanted):
        raise UnknownKey("no API key in force has this secret")
    return Caller(name=doc["_id"], role=Role[doc["role"]])


async def create_key(db: Database, name: str, role: Role) -> tuple[ApiKeyDoc, str] | None:
    """A new key and its secret; None when the name is taken."""
    secret = SECRET_PREFIX + secrets.token_urlsafe(SECRET_BYTES)
    doc = ApiKeyDoc(_id=name, role=role.name, hash=digest(secret), createdAt=_now(), revoked=False)
    try:
        await uninterrupted(db[API_KEYS].insert_one(dict(doc)))
    except DuplicateKeyError:
        return None
    return doc, secret


async def revoke_key(db: Database, name: str) -> ApiKeyDoc | None:
    """The key, revoked from now on; None when there is none of that name."""
    found = await uninterrupted(
        db[API_KEYS].find_one_and_update(
            {paths.ID: name}, {"$set": {"revoked": True}}, return_document=ReturnDocument.AFTER
        )
    )
    return cast("ApiKeyDoc | None", found)


async def all_keys(db: Database) -> list[ApiKeyDoc]:
    found = await find_all(db[API_KEYS].find({}).sort(paths.ID, 1))
    return cast("list[ApiKeyDoc]", found)


async def warn_of_admin_key(db: Database) -> None:
    """ADMIN_API_KEY is unset: an ``admin`` key made before still works, which an operator
    who unset it after a leak should hear."""
    if await db[API_KEYS].count_documents({paths.ID: ADMIN, "revoked": False}, limit=1):
        logger.warning("ADMIN_API_KEY is unset but the key %r is in force: revoke it", ADMIN)


async def ensure_admin_key(db: Database, secret: str) -> None:
    """The key ``admin`` holds ``secret`` (ADMIN_API_KEY). A new value replaces the key;
    the same value again leaves it as it is, revoked too: a restart never undoes a revocation."""
    wanted = digest(secret)
    existing = cast("ApiKeyDoc | None", await db[API_KEYS].find_one({paths.ID: ADMIN}))
    if existing is not None and hmac.compare_digest(existing["hash"], wanted):
        if existing["revoked"]:
            logger.warning("ADMIN_API_KEY names the revoked key %r: set a new value", ADMIN)
        return
    doc = ApiKeyDoc(_id=ADMIN, role=Role.ADMIN.name, hash=wanted, createdAt=_now(), revoked=False)
    try:
        await db[API_KEYS].replace_one({paths.ID: ADMIN}, dict(doc), upsert=True)
    except DuplicateKeyError:
        logger.error("ADMIN_API_KEY is the secret of another key: choose another value")
        return
    logger.info("API key %r %s from ADMIN_API_KEY", ADMIN, "replaced" if existing else "made")

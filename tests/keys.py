"""For tests that write: the bootstrap admin's secret, keys made with it, and articles
for facts to cite."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

import httpx
from pydantic import SecretStr

from api.settings import Settings
from model.documents import ArticleDoc
from model.names import ARTICLES
from model.revisions import Operation, Session, Write, commit, in_transaction
from model.store import Database
from tests.conftest import graphql

ADMIN_SECRET = "admin-" + secrets.token_hex(20)
CREATE = """mutation($name: String!, $role: Role!) {
  createApiKey(input: {name: $name, role: $role}) {
    apiKey { name role createdAt revoked }
    secret
    userErrors { field message code }
  }
}"""


def with_admin(settings: Settings) -> Settings:
    """``settings`` with the bootstrap admin key set."""
    return settings.model_copy(update={"admin_api_key": SecretStr(ADMIN_SECRET)})


async def call(
    client: httpx.AsyncClient,
    query: str,
    variables: dict[str, Any] | None = None,
    *,
    secret: str | None = None,
    authorization: str | None = None,
) -> dict[str, Any]:
    sent = authorization or (f"Bearer {secret}" if secret else None)
    return await graphql(client, query, variables, {"Authorization": sent} if sent else None)


async def make_key(client: httpx.AsyncClient, name: str, role: str) -> str:
    body = await call(client, CREATE, {"name": name, "role": role}, secret=ADMIN_SECRET)
    made = body["data"]["createApiKey"]
    assert made["userErrors"] == [], made
    secret: str = made["secret"]
    return secret


@dataclass(frozen=True)
class Writer:
    """Sends operations with one key's secret."""

    client: httpx.AsyncClient
    secret: str

    async def __call__(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        return await call(self.client, query, variables, secret=self.secret)

    async def data(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The ``data`` of an operation that must succeed without errors of any kind."""
        body = await self(query, variables)
        assert "errors" not in body, body["errors"]
        result: dict[str, Any] = body["data"]
        for payload in result.values():
            if isinstance(payload, dict) and "userErrors" in payload:
                assert payload["userErrors"] == [], payload["userErrors"]
        return result


async def writer(client: httpx.AsyncClient, role: str = "EDITOR", name: str = "desk") -> Writer:
    """A key of ``role`` made by the admin (``with_admin`` settings), ready to write."""
    return Writer(client, await make_key(client, name, role))


async def store_article(db: Database, slug: str, body: str, title: str = "A test article") -> None:
    """An article for facts to cite, written as any write is (with its revision)."""
    doc: ArticleDoc = {
        "_id": slug,
        "slug": slug,
        "title": title,
        "publisher": "Test Wire",
        "url": None,
        "publishedOn": None,
        "language": "en",
        "photo": None,
        "source": f"{slug}.txt",
        "body": body,
    }

    async def write(session: Session) -> None:
        await commit(db, session, "test", [Write(ARTICLES, slug, Operation.CREATE, dict(doc))])

    await in_transaction(db, write)

"""What every write shares: one transaction with its revisions, conflicts between editors,
durability across a restart. That a refusal changes nothing, whatever the input, is
fuzzed for every mutation in ``test_mutation_properties.py``."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.settings import Settings
from model.names import PERSONS, REVISIONS
from model.store import Database
from schema.editing.cleaners import iso_precision
from schema.editing.slugs import slugify
from tests.conftest import data, error_codes, serving
from tests.keys import Writer, with_admin, writer
from tests.snapshot import snapshot

SEED_ARTICLE = "moscow-times-magnitsky-bill"
LAVROV = """{ person(slug: "sergei-lavrov") { id revision name } }"""
RENAME = """mutation($input: UpdatePersonInput!) {
  updatePerson(input: $input) { person { name revision } userErrors { field code } }
}"""
CREATE = """mutation($input: CreatePersonInput!) {
  createPerson(input: $input) { person { slug revision } userErrors { field code message } }
}"""


def person(name: str) -> dict[str, Any]:
    quote = "Kislyak and Foreign Minister Sergei Lavrov made similar comments"
    return {"name": name, "evidence": [{"article": SEED_ARTICLE, "quote": quote}]}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return with_admin(settings)


@pytest.fixture
async def editor(client: httpx.AsyncClient) -> Writer:
    return await writer(client)


async def test_of_twenty_concurrent_updates_at_one_revision_exactly_one_wins(
    client: httpx.AsyncClient, db: Database, editor: Writer
) -> None:
    lavrov = (await data(client, LAVROV))["person"]
    bodies = await asyncio.gather(
        *(
            editor(RENAME, {"input": {"id": lavrov["id"], "expectedRevision": 1, "name": f"L{n}"}})
            for n in range(20)
        )
    )
    payloads = [body["data"]["updatePerson"] for body in bodies]
    won = [payload["person"] for payload in payloads if payload["person"]]
    conflicts = [payload["userErrors"] for payload in payloads if not payload["person"]]
    assert len(won) == 1
    assert won[0]["revision"] == 2
    assert conflicts == [[{"field": ["input", "expectedRevision"], "code": "CONFLICT"}]] * 19
    stored = await db[PERSONS].find_one({"_id": "sergei-lavrov"})
    assert stored is not None
    assert (stored["name"], stored["revision"]) == (won[0]["name"], 2)
    assert await db[REVISIONS].count_documents({"node": "Person:sergei-lavrov"}) == 2


async def test_a_write_failing_half_way_leaves_nothing(
    client: httpx.AsyncClient,
    db: Database,
    editor: Writer,
    fail_point: Callable[..., Awaitable[None]],
) -> None:
    """The object is replaced, then the revision's insert fails: the transaction takes the
    replacement back with it."""
    lavrov = (await data(client, LAVROV))["person"]
    before = await snapshot(db)
    await fail_point(failCommands=["insert"], errorCode=2)
    body = await editor(RENAME, {"input": {"id": lavrov["id"], "expectedRevision": 1, "name": "X"}})
    assert error_codes(body) == ["INTERNAL_SERVER_ERROR"]
    assert await snapshot(db) == before


async def test_a_restarted_server_serves_every_acknowledged_write(
    settings: Settings, tmp_path: Path
) -> None:
    own = settings.model_copy(update={"mongodb_uri": None, "data_dir": tmp_path / "data"})
    async with serving(own) as first:
        editor = await writer(first)
        made = await asyncio.gather(
            *(editor.data(CREATE, {"input": person(f"Aide Number {n}")}) for n in range(5))
        )
    slugs = sorted(m["createPerson"]["person"]["slug"] for m in made)
    async with serving(own) as second:
        for slug in slugs:
            query = "query($s: String!) { person(slug: $s) { revision revisions { totalCount } } }"
            found = (await data(second, query, {"s": slug}))["person"]
            assert found == {"revision": 1, "revisions": {"totalCount": 1}}


@pytest.mark.parametrize(
    ("iso", "precision"),
    [
        ("2009-11-16", "DAY"),
        ("2009-11", "MONTH"),
        ("2009", "YEAR"),
        ("2009-02-29", None),
        ("2009-13", None),
        ("09-11-16", None),
        ("2009-1-16", None),
        ("2009/11/16", None),
        ("0000", None),
        ("", None),
    ],
)
def test_a_date_takes_the_precision_of_its_iso_prefix(iso: str, precision: str | None) -> None:
    found = iso_precision(iso)
    assert (found.value if found else None) == precision


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Sergei Magnitsky", "sergei-magnitsky"),
        ("Сергей Магнитский", "sergei-magnitskii"),
        ("  U.S. State Department ", "u-s-state-department"),
        ("!!!", ""),
    ],
)
def test_a_slug_is_made_of_latin_words(name: str, slug: str) -> None:
    assert slugify(name) == slug

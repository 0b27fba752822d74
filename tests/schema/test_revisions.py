"""Every change kept: revisions of each object, the change feed, and the seed's part in it."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest

from api.settings import Settings
from model.names import PERSONS, REVISIONS
from model.store import Database
from schema.common.ids import to_global_id
from tests.conftest import data, error_codes, serving
from tests.keys import ADMIN_SECRET, Writer, with_admin, writer

HISTORY = """query($slug: String!) {
  person(slug: $slug) {
    id revision
    revisions { totalCount nodes { id nodeId number operation author at changedFields reason
                                   node { id } } }
  }
}"""
CHANGES = """query($types: [SearchType!], $first: Int, $after: String) {
  changes(types: $types, first: $first, after: $after) {
    totalCount
    edges { cursor node { nodeId number operation author } }
    pageInfo { hasNextPage endCursor }
  }
}"""
RENAME = """mutation($id: ID!, $revision: Int!, $name: String!) {
  updatePerson(input: {id: $id, expectedRevision: $revision, name: $name}) {
    person { revision } userErrors { code }
  }
}"""


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return with_admin(settings)


async def every_change(client: httpx.AsyncClient, **arguments: Any) -> list[dict[str, Any]]:
    """The whole feed, read a page at a time as a service would, resuming from the cursor."""
    seen: list[dict[str, Any]] = []
    after = None
    while True:
        page = (await data(client, CHANGES, {"first": 7, "after": after, **arguments}))["changes"]
        seen += [edge["node"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return seen
        after = page["pageInfo"]["endCursor"]


async def test_the_seed_is_written_as_revisions_by_the_seed(client: httpx.AsyncClient) -> None:
    person = (await data(client, HISTORY, {"slug": "sergei-magnitsky"}))["person"]
    assert person["revision"] == 1
    [created] = person["revisions"]["nodes"]
    assert created["nodeId"] == person["id"]
    assert created["node"] == {"id": person["id"]}
    assert (created["number"], created["operation"], created["author"]) == (1, "CREATE", "seed")
    assert {"name", "aliases", "citations"} <= set(created["changedFields"])
    assert created["at"].endswith("Z")
    # A revision is a node of its own.
    again = await data(client, "query($id: ID!) { node(id: $id) { id } }", {"id": created["id"]})
    assert again["node"] == {"id": created["id"]}


async def test_the_feed_holds_every_write_once_in_commit_order(
    client: httpx.AsyncClient, db: Database
) -> None:
    feed = await every_change(client)
    assert len(feed) == await db[REVISIONS].count_documents({})
    assert len({(change["nodeId"], change["number"]) for change in feed}) == len(feed)
    stored = [doc["_id"] async for doc in db[REVISIONS].find({}, {"_id": 1}).sort("_id", 1)]
    assert stored == sorted(stored)
    persons = await every_change(client, types=["PERSON"])
    assert len(persons) == await db[PERSONS].count_documents({})
    both = await every_change(client, types=["PERSON", "SANCTION"])
    assert len(both) > len(persons)
    assert [c for c in feed if c in both] == both  # the same order, filtered


async def test_an_update_is_a_new_revision_at_the_end_of_the_feed(
    client: httpx.AsyncClient,
) -> None:
    editor = await writer(client)
    before = (await data(client, HISTORY, {"slug": "sergei-lavrov"}))["person"]
    last = (await data(client, CHANGES, {"first": 100}))["changes"]
    cursor = last["pageInfo"]["endCursor"]
    while last["pageInfo"]["hasNextPage"]:
        last = (await data(client, CHANGES, {"first": 100, "after": cursor}))["changes"]
        cursor = last["pageInfo"]["endCursor"]
    variables = {"id": before["id"], "revision": 1, "name": "Sergey Lavrov"}
    renamed = await editor.data(RENAME, variables)
    assert renamed["updatePerson"]["person"] == {"revision": 2}
    after = (await data(client, HISTORY, {"slug": "sergei-lavrov"}))["person"]
    assert [(r["number"], r["operation"], r["author"]) for r in after["revisions"]["nodes"]] == [
        (1, "CREATE", "seed"),
        (2, "UPDATE", "desk"),
    ]
    assert after["revisions"]["nodes"][1]["changedFields"] == ["name"]
    new = (await data(client, CHANGES, {"after": cursor}))["changes"]
    assert [edge["node"] for edge in new["edges"]] == [
        {"nodeId": before["id"], "number": 2, "operation": "UPDATE", "author": "desk"}
    ]
    # Nothing changed, nothing written.
    unchanged = await editor.data(RENAME, {**variables, "revision": 2})
    assert unchanged["updatePerson"]["person"] == {"revision": 2}


async def test_a_bad_cursor_is_a_coded_error(client: httpx.AsyncClient) -> None:
    body = await client.post("/graphql", json={"query": CHANGES, "variables": {"after": "x"}})
    assert error_codes(body.json()) == ["BAD_USER_INPUT"]


async def test_the_seed_never_undoes_an_editor(
    client: httpx.AsyncClient, settings: Settings, db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    editor = await writer(client)
    person = (await data(client, HISTORY, {"slug": "sergei-lavrov"}))["person"]
    await editor.data(RENAME, {"id": person["id"], "revision": 1, "name": "Sergey Lavrov"})
    revisions = await db[REVISIONS].count_documents({})
    with caplog.at_level(logging.WARNING):
        async with serving(settings) as restarted:  # SEED_ON_START loads the seed again
            again = await data(restarted, HISTORY, {"slug": "sergei-lavrov"})
    assert again["person"]["revision"] == 2
    stored = await db[PERSONS].find_one({"_id": "sergei-lavrov"})
    assert stored is not None
    assert stored["name"] == "Sergey Lavrov"
    assert "sergei-lavrov" in caplog.text
    assert "left as they are" in caplog.text
    # Nothing else changed either, so the reload wrote nothing.
    assert await db[REVISIONS].count_documents({}) == revisions


async def test_the_seed_never_brings_back_what_an_admin_withdrew(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    statement = to_global_id("Statement", "kislyak-instrument-of-pressure")
    withdraw = """mutation($id: ID!) { deleteNode(input: {id: $id, expectedRevision: 1,
                    reason: "A test withdrawal."}) { deletedId userErrors { code } } }"""
    admin = Writer(client, ADMIN_SECRET)
    assert (await admin.data(withdraw, {"id": statement}))["deleteNode"]["deletedId"] == statement
    async with serving(settings) as restarted:
        again = await data(restarted, "query($id: ID!) { node(id: $id) { id } }", {"id": statement})
    assert again["node"] is None

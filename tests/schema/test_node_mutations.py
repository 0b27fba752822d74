"""Withdrawing facts and merging duplicates (ADMIN): nothing dangles, nothing is lost."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from api.settings import Settings
from model.names import REVISIONS, STATEMENTS
from model.store import Database
from schema.common.ids import to_global_id
from tests.conftest import data, error_codes
from tests.keys import ADMIN_SECRET, Writer, with_admin, writer
from tests.snapshot import snapshot

ARTICLE = "moscow-times-magnitsky-bill"
DELETE = """mutation($input: DeleteInput!) {
  deleteNode(input: $input) { deletedId userErrors { field message code } }
}"""
MERGE = """mutation($input: MergeInput!) {
  mergeEntities(input: $input) {
    node { id ... on Person { slug aliases revision citations { quote } } }
    mergedIds
    userErrors { field message code }
  }
}"""
STATEMENT_ID = to_global_id("Statement", "kislyak-instrument-of-pressure")
IDS = f"""{{ kislyak: person(slug: "sergei-kislyak") {{ id revision }}
            statement: node(id: "{STATEMENT_ID}") {{ id }} }}"""


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return with_admin(settings)


@pytest.fixture
def admin(client: httpx.AsyncClient) -> Writer:
    return Writer(client, ADMIN_SECRET)


def codes(payload: dict[str, Any]) -> list[tuple[list[str], str]]:
    return [(error["field"], error["code"]) for error in payload["userErrors"]]


async def test_a_fact_others_point_to_is_not_withdrawn(
    client: httpx.AsyncClient, db: Database, admin: Writer
) -> None:
    kislyak = (await data(client, IDS))["kislyak"]
    before = await snapshot(db)
    body = await admin(
        DELETE, {"input": {"id": kislyak["id"], "expectedRevision": 1, "reason": "x"}}
    )
    payload = body["data"]["deleteNode"]
    assert payload["deletedId"] is None
    assert codes(payload) == [(["input", "id"], "IN_USE")]
    assert "Statement kislyak-instrument-of-pressure" in payload["userErrors"][0]["message"]
    assert await snapshot(db) == before


async def test_a_withdrawn_fact_is_gone_but_its_history_stays(
    client: httpx.AsyncClient, db: Database, admin: Writer
) -> None:
    statement = (await data(client, IDS))["statement"]
    stale = {"id": statement["id"], "expectedRevision": 2, "reason": "Misattributed."}
    assert codes((await admin(DELETE, {"input": stale}))["data"]["deleteNode"]) == [
        (["input", "expectedRevision"], "CONFLICT")
    ]
    withdrawn = await admin.data(DELETE, {"input": {**stale, "expectedRevision": 1}})
    assert withdrawn["deleteNode"]["deletedId"] == statement["id"]
    gone = await data(
        client,
        """query($id: ID!) {
             node(id: $id) { id }
             changes(last: 1) { nodes { nodeId number operation author reason node { id } } } }""",
        {"id": statement["id"]},
    )
    assert gone["node"] is None
    assert gone["changes"]["nodes"] == [
        {
            "nodeId": statement["id"],
            "number": 2,
            "operation": "DELETE",
            "author": "admin",
            "reason": "Misattributed.",
            "node": None,
        }
    ]
    assert await db[STATEMENTS].find_one({"_id": "kislyak-instrument-of-pressure"}) is None


async def test_withdrawing_and_merging_need_an_admin(client: httpx.AsyncClient) -> None:
    editor = await writer(client)
    statement = (await data(client, IDS))["statement"]
    delete = {"id": statement["id"], "expectedRevision": 1, "reason": "x"}
    assert error_codes(await editor(DELETE, {"input": delete})) == ["FORBIDDEN"]
    merge = {"into": statement["id"], "from": [statement["id"]]}
    assert error_codes(await editor(MERGE, {"input": merge})) == ["FORBIDDEN"]


async def test_a_merge_moves_every_reference_and_keeps_the_merged_ids_resolving(
    client: httpx.AsyncClient, db: Database, admin: Writer
) -> None:
    editor = await writer(client)
    duplicate = await editor.data(
        """mutation { createPerson(input: {name: "Sergey Kislyak", aliases: ["S. Kislyak"],
             evidence: [{article: "moscow-times-magnitsky-bill",
                         quote: "Kislyak and Foreign Minister Sergei Lavrov"}]})
           { person { id slug } userErrors { field code } } }"""
    )
    copy = duplicate["createPerson"]["person"]
    said = await editor.data(
        """mutation($speaker: String!) { createStatement(input: {
             text: "will not bring any results", kind: QUOTE, speaker: $speaker,
             date: {text: "Wednesday"},
             evidence: [{article: "moscow-times-magnitsky-bill",
                         quote: "will not bring any results"}]}) { statement { id } } }""",
        {"speaker": copy["slug"]},
    )
    kislyak = (await data(client, IDS))["kislyak"]
    merged = await admin.data(MERGE, {"input": {"into": kislyak["id"], "from": [copy["id"]]}})
    payload = merged["mergeEntities"]
    assert payload["mergedIds"] == [copy["id"]]
    survivor = payload["node"]
    assert survivor["id"] == kislyak["id"]
    assert {"Sergey Kislyak", "S. Kislyak"} <= set(survivor["aliases"])
    assert survivor["revision"] == kislyak["revision"] + 1
    assert any("Lavrov" in citation["quote"] for citation in survivor["citations"])
    # The duplicate's statement now names the survivor, as a revision by the admin.
    statement = await data(
        client,
        """query($id: ID!) { node(id: $id) { ... on Statement {
             speaker { ... on Person { slug } } revisions { nodes { author operation } } } } }""",
        {"id": said["createStatement"]["statement"]["id"]},
    )
    assert statement["node"]["speaker"] == {"slug": "sergei-kislyak"}
    last = statement["node"]["revisions"]["nodes"][-1]
    assert last == {"author": "admin", "operation": "UPDATE"}
    # The merged id and slug lead to the survivor.
    resolved = await data(
        client,
        """query($id: ID!, $slug: String!) { node(id: $id) { id } nodes(ids: [$id]) { id }
             person(slug: $slug) { slug } }""",
        {"id": copy["id"], "slug": copy["slug"]},
    )
    assert resolved == {
        "node": {"id": kislyak["id"]},
        "nodes": [{"id": kislyak["id"]}],
        "person": {"slug": "sergei-kislyak"},
    }
    assert await db[REVISIONS].count_documents({"operation": "MERGE"}) == 2
    # The merged slug stays with its history: a new person cannot take it.
    reuse = await editor(
        """mutation($slug: String!) { createPerson(input: {slug: $slug, name: "Someone",
             evidence: [{article: "moscow-times-magnitsky-bill", quote: "Sergei Kislyak said"}]})
           { userErrors { field code } } }""",
        {"slug": copy["slug"]},
    )
    assert reuse["data"]["createPerson"]["userErrors"] == [
        {"field": ["input", "slug"], "code": "DUPLICATE"}
    ]


async def test_a_merge_of_mismatched_ids_is_refused(
    client: httpx.AsyncClient, db: Database, admin: Writer
) -> None:
    ids = await data(
        client,
        """query($s: ID!) { a: person(slug: "sergei-kislyak") { id }
             b: organization(slug: "interfax") { id } s: node(id: $s) { id } }""",
        {"s": STATEMENT_ID},
    )
    before = await snapshot(db)
    cases = [
        ({"into": ids["s"]["id"], "from": [ids["a"]["id"]]}, [(["input", "into"], "NOT_FOUND")]),
        ({"into": ids["a"]["id"], "from": [ids["b"]["id"]]}, [(["input", "from", "0"], "INVALID")]),
        ({"into": ids["a"]["id"], "from": [ids["a"]["id"]]}, [(["input", "from", "0"], "INVALID")]),
        ({"into": ids["a"]["id"], "from": []}, [(["input", "from"], "INVALID")]),
        (
            {"into": ids["a"]["id"], "from": ["UGVyc29uOm5vYm9keQ"]},
            [(["input", "from", "0"], "NOT_FOUND")],
        ),
    ]
    for merge, expected in cases:
        payload = (await admin(MERGE, {"input": merge}))["data"]["mergeEntities"]
        assert (payload["node"], codes(payload)) == (None, expected), merge
    assert await snapshot(db) == before
